package dev.facet.primary;

import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.Caller;
import dev.facet.core.access.Credentials;
import dev.facet.core.access.GitRequestAuthorizer;
import dev.facet.core.access.SshLoginProof;
import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.error.NotFound;
import dev.facet.core.error.PermissionDenied;
import dev.facet.core.mirror.protocol.ForwardedPushResult;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.store.SshKey;
import dev.facet.core.store.Store;
import dev.facet.core.store.UsedSshLogins;
import dev.facet.git.GitSeams;
import dev.facet.git.GitSession;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PacketLineIn;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;
import org.eclipse.jgit.transport.resolver.ServiceNotEnabledException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes a mirror forwards from its SSH clients, decided here as any push is. The mirror's signed
 * request proves only that the mirror speaks; who pushes is proved by the client's own SSH login
 * signature, checked with the key registered here for that user (or access key). The login is
 * taken by the first mirror that passes it on, and carries pushes through that mirror only, for a
 * bounded time (one SSH connection may carry several pushes: OpenSSH's ControlMaster shares it);
 * the mirror must carry the repository, and then the push is authorized and received by
 * the same authorizer and receive-pack factory as a push over HTTP or SSH to this primary, so hooks,
 * the push size limit, the audit and the events are the same.
 */
public final class ForwardedSshPushes {
    private static final Logger log = LoggerFactory.getLogger(ForwardedSshPushes.class);
    /**
     * How long after its first push one SSH login carries further pushes through the mirror that took it: as long
     * as OpenSSH's usual {@code ControlPersist} keeps a shared connection, and no longer, since the proof binds
     * neither the repository nor the commands, so every minute of it is a minute a mirror turned against its users
     * could push as this one.
     */
    static final Duration LOGIN_CARRIES_PUSHES_FOR = Duration.ofMinutes(10);

    private final Store store;
    private final Clock clock;
    private final GitRequestAuthorizer authorizer;
    private final GitSeams git;
    private final long maxRequestBytes;

    /**
     * @param authorizer   the primary's own Git authorizer, the one its HTTP and SSH servers ask
     * @param maxPushBytes the push size limit (always positive), which also bounds the forwarded request
     */
    public ForwardedSshPushes(Store store, Clock clock, GitRequestAuthorizer authorizer, GitSeams git,
                              long maxPushBytes) {
        this.store = store;
        this.clock = clock;
        this.authorizer = authorizer;
        this.git = git;
        // The commands and the login ride with the pack: a little room beyond the pack's own limit.
        if (maxPushBytes <= 0) {
            throw new IllegalArgumentException("The push size limit must be positive: " + maxPushBytes);
        }
        this.maxRequestBytes = maxPushBytes + 1024 * 1024;
    }

    /** How large a forwarded request may be before it is refused unread. */
    public long maxRequestBytes() {
        return maxRequestBytes;
    }

    /**
     * Receives one forwarded push.
     *
     * @param mirrorId      the mirror whose signed request carried it
     * @param clientAddress where the mirror's client connected from, for the logs
     * @param request       the Git request: commands then pack, as a client sends them to {@code git-receive-pack}
     * @throws AuthenticationRequired when the login proof is not a fresh, valid signature by a registered key
     * @throws NotFound               when the mirror does not carry the repository, or the user may not see it
     * @throws PermissionDenied       when the user may read but not write it, or the mirror is removed
     */
    public ForwardedPushResult receive(String mirrorId, SshLoginProof proof, String project, String slug,
                                       String clientAddress, InputStream request) {
        ProjectKey projectKey;
        RepositorySlug repositorySlug;
        try {
            projectKey = ProjectKey.of(project);
            repositorySlug = RepositorySlug.of(slug);
        } catch (InvalidInput e) {
            throw new NotFound(null, "Repository " + project + "/" + slug + " does not exist.");
        }
        String fingerprint = proof.keyFingerprint();
        store.inTransaction(tx -> {
            MirrorRegistry.requireRegistered(tx, mirrorId);
            // About repositories it does not carry a mirror learns nothing, whoever it claims is pushing.
            boolean carried = tx.repositories().find(projectKey, repositorySlug)
                    .filter(repository -> AccessRules.onRepository(tx, Caller.mirror(mirrorId), repository)
                            .allows(AccessLevel.READ)).isPresent();
            if (!carried) {
                throw new NotFound(null, "Repository " + project + "/" + slug + " does not exist.");
            }
            if (!SshLoginProof.CONNECTION_SERVICE.equals(proof.service())) {
                throw new AuthenticationRequired("The SSH login was not for a connection ('" + proof.service() + "').");
            }
            SshKey key = tx.sshKeys().findByFingerprint(fingerprint).orElseThrow(() -> new AuthenticationRequired(
                    "This SSH key is not registered to any active user of the primary."));
            if (SshSignatures.SHA1_RSA.equals(proof.algorithm())) {
                throw new AuthenticationRequired("The SSH login was signed with ssh-rsa (RSA with SHA-1), which Facet "
                        + "does not accept for a push through a mirror; use an SSH client that signs with rsa-sha2-256 "
                        + "or rsa-sha2-512 (OpenSSH 7.2 or later), or an Ed25519 key.");
            }
            if (!SshSignatures.verifies(proof, registeredBlob(key))) {
                throw new AuthenticationRequired("The SSH login signature does not verify with the key registered "
                        + "as " + fingerprint + ".");
            }
            // Taken before anything else is decided: a refused push counts as the login's use too.
            takeLogin(tx.usedSshLogins(), proof, mirrorId);
            return null;
        });
        String address = "mirror " + mirrorId + " client " + (clientAddress == null ? "unknown" : clientAddress);
        GitRequestAuthorizer.AuthorizedGitRequest authorized = authorizer.authorize(
                Optional.of(Credentials.publicKey(fingerprint)), address, projectKey, repositorySlug, AccessLevel.WRITE);
        GitSession session = new GitSession(authorized.repositoryId(), authorized.caller(), null, proof);
        try (Repository repository = git.repositories().open(session, repositorySlug.value())) {
            ReceivePack receivePack = git.receivePacks().create(session, repository);
            // Stateless, as over HTTP: the mirror advertised its own refs; the commands say what they expect here.
            receivePack.setBiDirectionalPipe(false);
            ByteArrayOutputStream report = new ByteArrayOutputStream();
            ByteArrayOutputStream messages = new ByteArrayOutputStream();
            receivePack.receive(request, report, messages);
            // JGit lets go of its commands once done: its report-status, the client's own answer, says how each ended.
            Report parsed = Report.read(report.toByteArray());
            List<ForwardedPushResult.RefResult> refs = parsed.refs();
            log.info("push over SSH forwarded by mirror {} as {} to {}/{}: {}", mirrorId, authorized.caller(), project,
                    slug, refs);
            return new ForwardedPushResult(parsed.unpack(), refs,
                    messages.toString(StandardCharsets.UTF_8));
        } catch (ServiceNotEnabledException | ServiceNotAuthorizedException e) {
            throw new PermissionDenied(e.getMessage());
        } catch (org.eclipse.jgit.errors.RepositoryNotFoundException e) {
            throw new NotFound(null, "Repository " + project + "/" + slug + " does not exist.");
        } catch (IOException e) {
            throw new InvalidInput(null, "The forwarded push could not be read: " + e.getMessage());
        }
    }

    /**
     * Takes a login for a push: the first time, or again by the mirror that took it first for the same key while
     * {@link #LOGIN_CARRIES_PUSHES_FOR} has not passed since, as one SSH connection that OpenSSH shares between
     * commands (ControlMaster) carries several pushes on one login.
     */
    private void takeLogin(UsedSshLogins logins, SshLoginProof proof, String mirrorId) {
        Instant now = clock.instant();
        Optional<UsedSshLogins.Taken> before = logins.find(proof.sessionDigest());
        if (before.isEmpty()) {
            if (logins.take(proof.sessionDigest(), mirrorId, proof.keyFingerprint(), now)) {
                return;
            }
            // Two pushes of one shared connection at once: the other took it first, and this one may follow it.
            before = logins.find(proof.sessionDigest());
            if (before.isEmpty()) {
                throw new AuthenticationRequired("This SSH login could not be recorded; push again.");
            }
        }
        Optional<String> refusal = refusalToTakeAgain(before.get(), mirrorId, proof.keyFingerprint(), now);
        if (refusal.isPresent()) {
            throw new AuthenticationRequired(refusal.get());
        }
    }

    /** Why a login taken before may not carry one more push through {@code mirrorId}; empty when it may. */
    static Optional<String> refusalToTakeAgain(UsedSshLogins.Taken taken, String mirrorId, String keyFingerprint,
                                               Instant now) {
        if (!taken.mirrorId().equals(mirrorId)) {
            return Optional.of("This SSH login was already used for a push through another mirror.");
        }
        if (!taken.keyFingerprint().equals(keyFingerprint)) {
            return Optional.of("This SSH login was already used for a push with another key.");
        }
        if (now.isAfter(taken.takenAt().plus(LOGIN_CARRIES_PUSHES_FOR))) {
            return Optional.of("This SSH connection's login has carried pushes for "
                    + LOGIN_CARRIES_PUSHES_FOR.toMinutes() + " minutes, as long as one login may; push again over a "
                    + "new SSH connection (close a shared one with: ssh -O exit HOST).");
        }
        return Optional.empty();
    }

    private static byte[] registeredBlob(SshKey key) {
        String[] words = key.text().strip().split("\\s+", 3);
        return Base64.getDecoder().decode(words[1]);
    }

    /** A report-status as {@link ReceivePack} writes it: {@code unpack …}, then {@code ok REF} or {@code ng REF reason}. */
    private record Report(String unpack, List<ForwardedPushResult.RefResult> refs) {
        static Report read(byte[] report) throws IOException {
            String unpack = "ok";
            List<ForwardedPushResult.RefResult> refs = new ArrayList<>();
            PacketLineIn lines = new PacketLineIn(new ByteArrayInputStream(report));
            while (report.length > 0) {
                String line = lines.readString();
                if (PacketLineIn.isEnd(line)) {
                    break;
                }
                if (line.startsWith("unpack ")) {
                    unpack = line.substring("unpack ".length());
                } else if (line.startsWith("ok ")) {
                    refs.add(new ForwardedPushResult.RefResult(line.substring(3), ReceiveCommand.Result.OK.name(), null));
                } else if (line.startsWith("ng ")) {
                    int space = line.indexOf(' ', 3);
                    String ref = space < 0 ? line.substring(3) : line.substring(3, space);
                    String reason = space < 0 ? null : line.substring(space + 1);
                    ReceiveCommand.Result result = "non-fast-forward".equals(reason)
                            ? ReceiveCommand.Result.REJECTED_NONFASTFORWARD : ReceiveCommand.Result.REJECTED_OTHER_REASON;
                    refs.add(new ForwardedPushResult.RefResult(ref, result.name(), reason));
                }
            }
            return new Report(unpack, refs);
        }
    }
}
