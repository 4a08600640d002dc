package dev.facet.primary;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.Caller;
import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.Conflict;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.error.NotFound;
import dev.facet.core.error.PermissionDenied;
import dev.facet.core.event.EventChain;
import dev.facet.core.event.EventType;
import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.AuditEntry;
import dev.facet.core.mirror.MirrorRequest;
import dev.facet.core.mirror.MirrorServer;
import dev.facet.core.mirror.MirrorServerState;
import dev.facet.core.mirror.RequestState;
import dev.facet.core.mirror.protocol.AuthorizationRequest;
import dev.facet.core.mirror.protocol.AuthorizationStatus;
import dev.facet.core.mirror.protocol.CredentialCheck;
import dev.facet.core.mirror.protocol.CredentialVerdict;
import dev.facet.core.mirror.protocol.Heartbeat;
import dev.facet.core.mirror.protocol.HeartbeatAnswer;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.Store;
import dev.facet.core.store.StoreTransaction;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's side of mirroring: authorization requests and their decisions, registered
 * mirrors and the state their heartbeats report, and credential checks. What a mirror reads
 * (events, repository states) is {@link MirrorEventStream}'s; its fetch tokens are
 * {@link MirrorFetchTokens}'. Mirrors always call in; nothing here calls a mirror.
 */
public final class MirrorRegistry {
    private static final Logger log = LoggerFactory.getLogger(MirrorRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A mirror that has not sent a heartbeat for this long is shown OFFLINE. */
    public static final Duration OFFLINE_AFTER = Duration.ofSeconds(20);

    private final Store store;
    private final UserService users;
    private final Clock clock;
    private final String instanceId;
    private final String publicKey;
    private final Supplier<String> baseUrl;
    private final Duration removalGrace;
    private final Map<String, Duration> clockSkews = new ConcurrentHashMap<>();

    /**
     * A registered mirror with the state derived from what it last reported.
     *
     * @param clockSkew how far the mirror's clock was ahead of this one at its last signed request, or null
     */
    public record MirrorServerView(MirrorServer server, MirrorServerState state, List<String> projects,
                                   Duration clockSkew) {
    }

    /** How long a deleted mirror can be restored before its removal becomes final. */
    public Duration removalGrace() {
        return removalGrace;
    }

    /** Remembers the clock skew measured on a mirror's signed request, to show it before it breaks anything. */
    public void noteClockSkew(String mirrorId, Duration skew) {
        clockSkews.put(mirrorId, skew);
        if (skew.abs().compareTo(Duration.ofSeconds(5)) > 0) {
            log.warn("mirror {}: its clock is {} ms {} this primary's", mirrorId, skew.abs().toMillis(),
                    skew.isNegative() ? "behind" : "ahead of");
        }
    }

    public MirrorRegistry(Store store, UserService users, Clock clock, String instanceId, String publicKey,
                          Supplier<String> baseUrl, Duration removalGrace) {
        this.removalGrace = removalGrace;
        this.store = store;
        this.users = users;
        this.clock = clock;
        this.instanceId = instanceId;
        this.publicKey = publicKey;
        this.baseUrl = baseUrl;
    }

    public String instanceId() {
        return instanceId;
    }

    // ---- called by mirrors, after their signature was verified ----

    /** The key a mirror signs with: the registered one, else the one in its latest request. */
    public Optional<String> publicKeyOf(String mirrorId) {
        return store.inTransaction(tx -> tx.mirrorServers().find(mirrorId).map(MirrorServer::publicKey)
                .or(() -> tx.mirrorRequests().latestFrom(mirrorId).map(MirrorRequest::publicKey)));
    }

    /** Records a new request, or answers with the pending one when the mirror asks again. */
    public AuthorizationStatus submit(String verifiedMirrorId, AuthorizationRequest request) {
        if (!verifiedMirrorId.equals(request.mirrorId())) {
            throw new InvalidInput("mirrorId", "The request is signed by " + verifiedMirrorId
                    + " but names mirror " + request.mirrorId() + ".");
        }
        String name = ProjectService.requireText("name", "A mirror name", request.name(), 255);
        String mirrorUrl = requireHttpUrl(request.baseUrl());
        if (request.mirrorType() == null) {
            throw new InvalidInput("mirrorType", "A mirror type (SINGLE or FARM) is required.");
        }
        MirrorRequest recorded = store.inTransaction(tx -> {
            Optional<MirrorRequest> previous = tx.mirrorRequests().latestFrom(request.mirrorId());
            if (previous.isPresent() && previous.get().state() == RequestState.PENDING) {
                return previous.get();
            }
            MirrorRequest created = new MirrorRequest(UUID.randomUUID().toString(), request.mirrorId(), name, mirrorUrl,
                    request.publicKey(), request.mirrorType(), RequestState.PENDING, clock.instant(), null, null);
            tx.mirrorRequests().create(created);
            boolean known = previous.isPresent() || tx.mirrorServers().find(request.mirrorId()).isPresent();
            tx.audit().record(clock.instant(), "mirror " + name, known ? AuditAction.RECONNECT : AuditAction.REQUEST,
                    request.mirrorId(), mirrorUrl, "request " + created.id());
            return created;
        });
        log.info("mirror {} ({}, {}) asked to be authorized: request {}", recorded.mirrorId(), recorded.name(),
                recorded.baseUrl(), recorded.id());
        return status(recorded);
    }

    public AuthorizationStatus requestStatus(String verifiedMirrorId, String requestId) {
        MirrorRequest request = store.inTransaction(tx -> tx.mirrorRequests().find(requestId))
                .filter(r -> r.mirrorId().equals(verifiedMirrorId))
                .orElseThrow(() -> new NotFound("requestId", "There is no request " + requestId + " from this mirror."));
        return status(request);
    }

    private AuthorizationStatus status(MirrorRequest request) {
        String review = baseUrl.get() + "/admin/mirrors?request=" + request.id();
        if (request.state() != RequestState.ACCEPTED) {
            return new AuthorizationStatus(request.id(), request.state(), null, null, null, null, review);
        }
        EventChain.Link head = store.inTransaction(tx -> tx.events().head());
        return new AuthorizationStatus(request.id(), request.state(), instanceId, publicKey, head.sequence(),
                head.hash(), review);
    }

    public HeartbeatAnswer heartbeat(String mirrorId, Heartbeat heartbeat) {
        String report;
        try {
            report = JSON.writeValueAsString(heartbeat.worstLags() == null ? List.of() : heartbeat.worstLags());
        } catch (JsonProcessingException e) {
            throw new InvalidInput("worstLags", "The worst lags cannot be read.");
        }
        MirrorServer server = store.inTransaction(tx -> {
            MirrorServer registered = requireKnown(tx, mirrorId);
            tx.mirrorServers().recordHeartbeat(mirrorId, clock.instant(), limit(heartbeat.state(), 32),
                    limit(heartbeat.version(), 64), heartbeat.repositoriesInSync(), heartbeat.repositoriesBehind(),
                    report);
            return registered;
        });
        return server.isRemoved()
                ? new HeartbeatAnswer("REMOVED", instanceId, server.purgeAfter().toEpochMilli())
                : new HeartbeatAnswer("INSTALLED", instanceId, null);
    }

    /** Checks a mirror's client's credentials and answers what they may do with one repository. */
    public CredentialVerdict checkCredentials(String mirrorId, CredentialCheck check) {
        store.useTransaction(tx -> requireRegistered(tx, mirrorId));
        Caller caller;
        try {
            if (check.bearerToken() != null) {
                caller = users.authenticateToken(check.bearerToken());
            } else if (check.username() != null) {
                caller = users.authenticate(check.username(), check.secret());
            } else {
                caller = Caller.ANONYMOUS;
            }
        } catch (AuthenticationRequired e) {
            return new CredentialVerdict("BAD_CREDENTIALS", null, AccessLevel.NONE.name(), e.getMessage(), false);
        }
        if (check.project() == null) {
            return new CredentialVerdict(caller.isUser() ? "OK" : "BAD_CREDENTIALS",
                    caller.isUser() ? caller.name().value() : null, AccessLevel.NONE.name(), null, caller.isAdmin());
        }
        ProjectKey project = ProjectKey.of(check.project());
        RepositorySlug slug = RepositorySlug.of(check.slug());
        Caller who = caller;
        return store.inTransaction(tx -> tx.repositories().find(project, slug)
                .map(repository -> {
                    AccessLevel level = AccessRules.onRepository(tx, who, repository);
                    return level.allows(AccessLevel.READ)
                            ? new CredentialVerdict("OK", who.isUser() ? who.name().value() : null, level.name(), null,
                                    who.isAdmin())
                            : notFound(who, project, slug);
                })
                .orElseGet(() -> notFound(who, project, slug)));
    }

    private static CredentialVerdict notFound(Caller caller, ProjectKey project, RepositorySlug slug) {
        return new CredentialVerdict("NOT_FOUND", caller.isUser() ? caller.name().value() : null,
                AccessLevel.NONE.name(), "Repository " + project + "/" + slug + " does not exist.", caller.isAdmin());
    }

    // ---- called by administrators ----

    public Page<MirrorRequest> requests(Caller caller, RequestState state, int start, int limit) {
        requireAdmin(caller);
        return store.inTransaction(tx -> Page.of(tx.mirrorRequests().list(state, start, limit + 1), start, limit));
    }

    public MirrorRequest request(Caller caller, String requestId) {
        requireAdmin(caller);
        return store.inTransaction(tx -> findRequest(tx, requestId));
    }

    public MirrorRequest accept(Caller caller, String requestId) {
        requireAdmin(caller);
        MirrorRequest accepted = store.inTransaction(tx -> {
            MirrorRequest request = pending(tx, requestId);
            tx.mirrorRequests().decide(requestId, RequestState.ACCEPTED, clock.instant(), caller.name().value());
            tx.mirrorServers().register(new MirrorServer(request.mirrorId(), request.name(), request.baseUrl(),
                    request.publicKey(), request.type(), true, clock.instant(), null, null, null, 0, 0, null, null, null,
                    null));
            tx.mirrorServers().markRemoved(request.mirrorId(), null, null, null);
            tx.audit().record(clock.instant(), caller.name().value(), AuditAction.ACCEPT, request.mirrorId(),
                    request.baseUrl(), "request " + requestId);
            return tx.mirrorRequests().find(requestId).orElseThrow();
        });
        log.info("mirror {} ({}) authorized by {}", accepted.mirrorId(), accepted.baseUrl(), caller);
        return accepted;
    }

    public MirrorRequest reject(Caller caller, String requestId) {
        requireAdmin(caller);
        MirrorRequest rejected = store.inTransaction(tx -> {
            MirrorRequest request = pending(tx, requestId);
            tx.mirrorRequests().decide(requestId, RequestState.REJECTED, clock.instant(), caller.name().value());
            tx.audit().record(clock.instant(), caller.name().value(), AuditAction.REJECT, request.mirrorId(),
                    request.baseUrl(), "request " + requestId);
            return tx.mirrorRequests().find(requestId).orElseThrow();
        });
        log.info("mirror {} ({}) rejected by {}", rejected.mirrorId(), rejected.baseUrl(), caller);
        return rejected;
    }

    public Page<MirrorServerView> servers(Caller caller, int start, int limit) {
        requireAdmin(caller);
        return store.inTransaction(tx -> {
            List<MirrorServerView> views = tx.mirrorServers().list(start, limit + 1).stream()
                    .map(server -> view(tx, server)).toList();
            return Page.of(views, start, limit);
        });
    }

    /**
     * The registered mirrors that carry a project, for clone URLs: anyone who sees the project may
     * know where it is mirrored. Removed mirrors serve nothing and are left out.
     */
    public List<MirrorServer> carrying(ProjectKey project) {
        return store.inTransaction(tx -> {
            Long projectId = tx.projects().find(project).map(p -> p.id()).orElse(null);
            return tx.mirrorServers().list(0, Page.MAX_LIMIT).stream().filter(server -> !server.isRemoved())
                    .filter(server -> server.allProjects() || projectId != null
                            && tx.mirrorServers().selectedProjects(server.id()).contains(projectId))
                    .toList();
        });
    }

    public MirrorServerView server(Caller caller, String mirrorId) {
        requireAdmin(caller);
        return store.inTransaction(tx -> view(tx, requireKnown(tx, mirrorId)));
    }

    /**
     * Removes a mirror softly: it is shown REMOVED, its own heartbeat answer tells it to stop
     * syncing, and it can be restored until the grace period ends; then it is purged.
     */
    public MirrorServerView delete(Caller caller, String mirrorId) {
        requireAdmin(caller);
        MirrorServerView view = store.inTransaction(tx -> {
            MirrorServer server = requireKnown(tx, mirrorId);
            if (!server.isRemoved()) {
                Instant now = clock.instant();
                tx.mirrorServers().markRemoved(mirrorId, now, now.plus(removalGrace), caller.name().value());
                tx.audit().record(now, caller.name().value(), AuditAction.DELETE, mirrorId, server.baseUrl(),
                        "restorable until " + now.plus(removalGrace));
            }
            return view(tx, tx.mirrorServers().find(mirrorId).orElseThrow());
        });
        log.info("mirror {} ({}) removed by {}; restorable until {}", mirrorId, view.server().baseUrl(), caller,
                view.server().purgeAfter());
        return view;
    }

    /** Undoes a removal within its grace period: the mirror returns to INSTALLED without a new approval. */
    public MirrorServerView restore(Caller caller, String mirrorId) {
        requireAdmin(caller);
        MirrorServerView view = store.inTransaction(tx -> {
            MirrorServer server = requireKnown(tx, mirrorId);
            if (!server.isRemoved()) {
                throw new Conflict("id", "Mirror " + mirrorId + " is not removed; there is nothing to restore.");
            }
            tx.mirrorServers().markRemoved(mirrorId, null, null, null);
            tx.audit().record(clock.instant(), caller.name().value(), AuditAction.RESTORE, mirrorId, server.baseUrl(),
                    null);
            return view(tx, tx.mirrorServers().find(mirrorId).orElseThrow());
        });
        log.info("mirror {} ({}) restored by {}", mirrorId, view.server().baseUrl(), caller);
        return view;
    }

    /** Deletes the registrations whose grace period has ended. */
    public void purgeExpired() {
        store.useTransaction(tx -> {
            for (MirrorServer server : tx.mirrorServers().removedBefore(clock.instant())) {
                tx.mirrorServers().delete(server.id());
                tx.audit().record(clock.instant(), "facet", AuditAction.PURGE, server.id(), server.baseUrl(),
                        "removed by " + server.removedBy() + " on " + server.removedAt());
                log.info("mirror {} ({}) purged: its grace period ended", server.id(), server.baseUrl());
            }
        });
    }

    public Page<AuditEntry> audit(Caller caller, int start, int limit) {
        requireAdmin(caller);
        return store.inTransaction(tx -> Page.of(tx.audit().list(start, limit + 1), start, limit));
    }

    /** Sets the projects a mirror carries: all of them, or those named. */
    public MirrorServerView select(Caller caller, String mirrorId, boolean allProjects, Set<ProjectKey> projects) {
        requireAdmin(caller);
        return store.inTransaction(tx -> {
            MirrorServer server = requireKnown(tx, mirrorId);
            Set<Long> ids = new java.util.HashSet<>();
            for (ProjectKey key : projects) {
                ids.add(tx.projects().find(key)
                        .orElseThrow(() -> new NotFound("projects", "Project " + key + " does not exist.")).id());
            }
            tx.mirrorServers().select(mirrorId, allProjects, ids);
            tx.events().append(EventType.MIRROR_SELECTION_CHANGED, null,
                    "{\"mirrorId\":" + JSON.valueToTree(mirrorId) + "}", clock.instant());
            return view(tx, tx.mirrorServers().find(server.id()).orElseThrow());
        });
    }

    private MirrorServerView view(StoreTransaction tx, MirrorServer server) {
        List<String> projects = server.allProjects() ? List.of() : tx.mirrorServers().selectedProjects(server.id())
                .stream().flatMap(id -> tx.projects().findById(id).stream()).map(p -> p.key().value()).sorted().toList();
        return new MirrorServerView(server, derivedState(server, clock.instant()), projects,
                clockSkews.get(server.id()));
    }

    /** What the primary shows: the mirror's own report, unless it has gone silent. */
    static MirrorServerState derivedState(MirrorServer server, Instant now) {
        if (server.isRemoved()) {
            return MirrorServerState.REMOVED;
        }
        Instant lastHeard = server.lastSeen() != null ? server.lastSeen() : server.createdAt();
        if (lastHeard.plus(OFFLINE_AFTER).isBefore(now)) {
            return MirrorServerState.OFFLINE;
        }
        if (server.reportedState() == null) {
            return MirrorServerState.SYNCHRONIZING;
        }
        try {
            return MirrorServerState.valueOf(server.reportedState());
        } catch (IllegalArgumentException e) {
            return MirrorServerState.SYNCHRONIZING;
        }
    }

    private static MirrorRequest findRequest(StoreTransaction tx, String requestId) {
        return tx.mirrorRequests().find(requestId)
                .orElseThrow(() -> new NotFound("id", "There is no authorization request " + requestId + "."));
    }

    private static MirrorRequest pending(StoreTransaction tx, String requestId) {
        MirrorRequest request = findRequest(tx, requestId);
        if (request.state() != RequestState.PENDING) {
            throw new Conflict("id", "Request " + requestId + " was already " + request.state().name().toLowerCase()
                    + (request.decidedBy() == null ? "." : " by " + request.decidedBy() + "."));
        }
        return request;
    }

    private static MirrorServer requireKnown(StoreTransaction tx, String mirrorId) {
        return tx.mirrorServers().find(mirrorId)
                .orElseThrow(() -> new NotFound("mirror", "Mirror " + mirrorId + " is not registered here."));
    }

    /** A registered mirror that is not removed: only those may read events, repositories and credentials. */
    static MirrorServer requireRegistered(StoreTransaction tx, String mirrorId) {
        MirrorServer server = requireKnown(tx, mirrorId);
        if (server.isRemoved()) {
            throw new PermissionDenied("Mirror " + mirrorId + " was removed by " + server.removedBy() + " on "
                    + server.removedAt() + "; an administrator can restore it until " + server.purgeAfter() + ".");
        }
        return server;
    }

    private static void requireAdmin(Caller caller) {
        if (caller.isAnonymous()) {
            throw new AuthenticationRequired("Authentication required.");
        }
        if (!caller.isAdmin()) {
            throw new PermissionDenied("Only administrators may manage mirrors.");
        }
    }

    private static String requireHttpUrl(String raw) {
        try {
            URI uri = new URI(raw);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
            }
        } catch (Exception e) {
            // reported below
        }
        throw new InvalidInput("baseUrl", "The mirror's base URL must be an absolute http(s) URL, not '" + raw + "'.");
    }

    private static String limit(String text, int max) {
        return text == null ? null : text.length() <= max ? text : text.substring(0, max);
    }
}
