package dev.facet.mirror;

import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.Caller;
import dev.facet.core.access.Credentials;
import dev.facet.core.access.GitRequestAuthorizer;
import dev.facet.core.access.TokenScope;
import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.NotFound;
import dev.facet.core.error.PermissionDenied;
import dev.facet.core.error.TooManyAttempts;
import dev.facet.core.error.Unavailable;
import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.mirror.protocol.CredentialCheck;
import dev.facet.core.mirror.protocol.CredentialVerdict;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.name.Username;
import dev.facet.core.store.MirrorStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Git access on a mirror, decided by the primary: the client's credentials and the repository
 * go to {@code POST authenticate}, and the verdict is cached briefly under a keyed digest of the
 * credentials. Permission events clear the cache, so access on the mirror follows the primary.
 *
 * <p>The offline policy: while the primary cannot answer, a user it let in within the offline
 * window keeps read access to what it let them read; nobody else gets in, and nobody writes.
 */
public final class DelegatedGitAuthorizer implements GitRequestAuthorizer {
    private static final Logger log = LoggerFactory.getLogger(DelegatedGitAuthorizer.class);

    /**
     * @param cache   how long the primary's answer is reused before it is asked again
     * @param offline how long after the primary last let a user in they keep read access while it cannot answer
     *                (zero: nobody does)
     */
    public record Policy(Duration cache, Duration offline) {
    }

    private final UpstreamSession upstream;
    private final MirrorStore store;
    private final Clock clock;
    private final AuthObserver observer;
    private final Policy policy;
    private final CredentialVerdicts verdicts;

    /** Counts cache hits and misses, and reads let through by the offline policy; metrics implement it. */
    public interface AuthObserver {
        AuthObserver NONE = hit -> { };

        void onLookup(boolean cacheHit);

        default void onOfflineGrant() {
        }
    }

    public DelegatedGitAuthorizer(UpstreamSession upstream, MirrorStore store, CredentialVerdicts verdicts, Clock clock,
                                  AuthObserver observer, Policy policy) {
        this.policy = policy;
        this.upstream = upstream;
        this.store = store;
        this.verdicts = verdicts;
        this.clock = clock;
        this.observer = observer;
    }

    /** Forgets every cached verdict. */
    public void invalidate() {
        verdicts.clear();
    }

    @Override
    public AuthorizedGitRequest authorize(Optional<Credentials> presented, String clientAddress, ProjectKey project,
                                          RepositorySlug repository, AccessLevel needed) {
        Credentials credentials = presented.orElse(null);
        MirroredRepository carried = store.inTransaction(tx -> tx.repositories().find(project.value(), repository.value()))
                .orElse(null);
        if (carried == null || carried.localRefsHash() == null) {
            if (credentials == null) {
                throw new AuthenticationRequired("Authentication required.");
            }
            // Wrong credentials get the same challenge whether the repository exists or not, so names do not leak.
            CredentialVerdict who = verdict(credentials, clientAddress, null, null);
            requireKnownCaller(who);
            // The same words as the primary's "no access", so an answer does not tell what exists.
            throw new NotFound(null, "Repository " + project + "/" + repository + " does not exist.");
        }
        if (credentials == null && carried.isPublic()) {
            return new AuthorizedGitRequest(carried.id(), Caller.ANONYMOUS);
        }
        if (credentials == null) {
            throw new AuthenticationRequired("Authentication required.");
        }
        CredentialVerdict verdict;
        try {
            verdict = verdict(credentials, clientAddress, project, repository, needed != AccessLevel.WRITE);
        } catch (Unavailable e) {
            if (needed == AccessLevel.WRITE) {
                throw new Unavailable("This mirror cannot reach its primary " + upstream.client().upstreamUrl()
                        + " now, and a push goes to the primary: nothing was pushed; try again when it answers.");
            }
            throw e;
        }
        requireKnownCaller(verdict);
        if (CredentialVerdict.OK.equals(verdict.outcome())) {
            AccessLevel level = AccessLevel.valueOf(verdict.access());
            if (!level.allows(needed)) {
                throw new PermissionDenied("You need " + needed + " access to repository " + project + "/"
                        + repository + " for this.");
            }
            // On a mirror a caller only reads (pushes go on to the primary, which decides again).
            Caller caller = verdict.user() == null ? Caller.ANONYMOUS
                    : Caller.user(-1, Username.of(verdict.user()), null, new TokenScope(AccessLevel.NONE, level, false));
            return new AuthorizedGitRequest(carried.id(), caller);
        }
        throw new NotFound(null, verdict.message() != null ? verdict.message()
                : "Repository " + project + "/" + repository + " does not exist.");
    }

    /** Turns the primary's refusal of the credentials themselves into the client's 401 or 429. */
    private static void requireKnownCaller(CredentialVerdict verdict) {
        switch (verdict.outcome()) {
            case CredentialVerdict.BAD_CREDENTIALS -> throw new AuthenticationRequired(verdict.message());
            case CredentialVerdict.THROTTLED -> throw new TooManyAttempts(Duration.ofSeconds(
                    verdict.retryAfterSeconds() == null ? 1 : verdict.retryAfterSeconds()));
            default -> {
            }
        }
    }

    /**
     * Lets an SSH key open a session on this mirror when the primary knows whose it is. While the
     * primary cannot answer the session opens anyway: each command then meets the offline policy,
     * which lets in only users the primary recently let in and tells everyone else why not.
     *
     * @param fingerprint a key the client has just signed with
     * @throws AuthenticationRequired when the primary knows no active user with this key
     */
    public void requireKnownKey(String fingerprint, String clientAddress) {
        CredentialVerdict who;
        try {
            who = verdict(Credentials.publicKey(fingerprint), clientAddress, null, null);
        } catch (Unavailable e) {
            log.info("SSH key {} from {} signs in unchecked: {}", fingerprint, clientAddress, e.getMessage());
            return;
        }
        requireKnownCaller(who);
        if (!CredentialVerdict.OK.equals(who.outcome())) {
            throw new AuthenticationRequired(who.message() == null ? "The primary knows no user with this SSH key."
                    : who.message());
        }
    }

    /**
     * Lets through only an administrator of the upstream, checked there.
     *
     * @param clientAddress the address of the client asking, for the primary's throttle; null when unknown
     * @return the administrator's name
     */
    public String requireUpstreamAdmin(String authorization, String clientAddress) {
        Credentials credentials = Credentials.parse(authorization)
                .orElseThrow(() -> new AuthenticationRequired("Sign in as an administrator of the primary."));
        CredentialVerdict verdict = ask(new CredentialCheck(credentials.username(), credentials.secret(),
                credentials.bearerToken(), null, null, clientAddress, null));
        if (CredentialVerdict.THROTTLED.equals(verdict.outcome())) {
            requireKnownCaller(verdict);
        }
        if (!CredentialVerdict.OK.equals(verdict.outcome())) {
            throw new AuthenticationRequired(verdict.message() == null ? "The credentials are wrong." : verdict.message());
        }
        if (!verdict.admin()) {
            throw new PermissionDenied("Only administrators of the primary may do this (signed in with their password, "
                    + "not a token).");
        }
        return verdict.user();
    }

    /** The primary's verdict on the credentials for one repository, or on who they are when {@code project} is null. */
    private CredentialVerdict verdict(Credentials credentials, String clientAddress, ProjectKey project,
                                      RepositorySlug repository) {
        return verdict(credentials, clientAddress, project, repository, true);
    }

    /** @param offlineReads whether the offline policy may answer (for a read) when the primary cannot */
    private CredentialVerdict verdict(Credentials credentials, String clientAddress, ProjectKey project,
                                      RepositorySlug repository, boolean offlineReads) {
        Instant now = clock.instant();
        CredentialVerdicts.Verdict cached = verdicts.find(credentials, project, repository).orElse(null);
        if (cached != null && cached.checkedAt().plus(policy.cache()).isAfter(now)) {
            observer.onLookup(true);
            return cached.verdict();
        }
        observer.onLookup(false);
        CredentialVerdict verdict;
        try {
            verdict = upstream.client().checkCredentials(upstream.upstreamId(), new CredentialCheck(credentials.username(),
                    credentials.secret(), credentials.bearerToken(), project == null ? null : project.value(),
                    repository == null ? null : repository.value(), clientAddress, credentials.keyFingerprint()));
        } catch (UpstreamUnavailable e) {
            // Only a primary that does not answer (or whose proxy says it is down) is "offline"; a refusal is not.
            boolean unreachable = e.status() == 0 || e.status() == 502 || e.status() == 503 || e.status() == 504;
            if (offlineReads && project != null && unreachable && cached != null && CredentialVerdict.OK.equals(cached.verdict().outcome())
                    && cached.checkedAt().plus(policy.offline()).isAfter(now)) {
                log.info("primary unreachable; {} keeps read access to {}/{} (let in {} ago, offline window {})",
                        cached.verdict().user(), project, repository, Duration.between(cached.checkedAt(), now),
                        policy.offline());
                observer.onOfflineGrant();
                return readOnly(cached.verdict());
            }
            throw unavailable(e);
        }
        if (CredentialVerdict.THROTTLED.equals(verdict.outcome())) {
            // A back-off window closes on its own: the next attempt after it is the primary's to judge.
            return verdict;
        }
        verdicts.keep(credentials, project, repository, new CredentialVerdicts.Verdict(verdict, now));
        return verdict;
    }

    /** Offline, the primary cannot take a push anyway; reads are what the policy keeps. */
    private static CredentialVerdict readOnly(CredentialVerdict verdict) {
        AccessLevel level = AccessLevel.valueOf(verdict.access());
        return level.allows(AccessLevel.WRITE) ? new CredentialVerdict(verdict.outcome(), verdict.user(),
                AccessLevel.READ.name(), verdict.message(), verdict.admin(), null) : verdict;
    }

    /** Asks the upstream; when it cannot answer, nobody is let in and the client is told why. */
    private CredentialVerdict ask(CredentialCheck check) {
        try {
            return upstream.client().checkCredentials(upstream.upstreamId(), check);
        } catch (UpstreamUnavailable e) {
            throw unavailable(e);
        }
    }

    private Unavailable unavailable(UpstreamUnavailable e) {
        return new Unavailable("This mirror cannot check credentials with its primary " + upstream.client().upstreamUrl()
                + " now (" + e.getMessage() + "); public repositories are still served"
                + (policy.offline().isZero() ? "." : ", and users the primary let in within the last "
                + Math.max(1, policy.offline().toMinutes()) + " min keep read access."));
    }
}
