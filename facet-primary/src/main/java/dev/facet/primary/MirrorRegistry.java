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
import dev.facet.core.error.TooManyAttempts;
import dev.facet.core.event.EventChain;
import dev.facet.core.event.EventType;
import dev.facet.core.identity.InstancePublicKey;
import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.AuditEntry;
import dev.facet.core.mirror.FarmNode;
import dev.facet.core.mirror.MirrorOffload;
import dev.facet.core.mirror.MirrorServer;
import dev.facet.core.mirror.MirrorServerState;
import dev.facet.core.mirror.MirrorType;
import dev.facet.core.mirror.RequestState;
import dev.facet.core.mirror.protocol.CredentialCheck;
import dev.facet.core.mirror.protocol.CredentialVerdict;
import dev.facet.core.mirror.protocol.Heartbeat;
import dev.facet.core.mirror.protocol.HeartbeatAnswer;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.Store;
import dev.facet.core.store.StoreTransaction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's side of mirroring once a mirror is admitted ({@link MirrorAdmission} decides
 * that): registered mirrors and the state their heartbeats report, their removal and restore,
 * and credential checks. What a mirror reads (events, repository states) is
 * {@link MirrorEventStream}'s; its fetch tokens are {@link MirrorFetchTokens}'. Mirrors always
 * call in; nothing here calls a mirror.
 */
public final class MirrorRegistry {
    private static final Logger log = LoggerFactory.getLogger(MirrorRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A mirror that has not sent a heartbeat for this long is shown OFFLINE. */
    public static final Duration OFFLINE_AFTER = Duration.ofSeconds(20);

    private final Store store;
    private final UserService users;
    private final SshKeyService sshKeys;
    private final Clock clock;
    private final String instanceId;
    private final Duration removalGrace;
    private final MirrorAdmission admission;
    private final Map<String, Duration> clockSkews = new ConcurrentHashMap<>();
    private final Map<String, String> sshBaseUrls = new ConcurrentHashMap<>();
    private final LagHistory lagHistory;

    /**
     * A registered mirror with the state derived from what it last reported.
     *
     * @param clockSkew   how far the mirror's clock was ahead of this one at its last signed request, or null
     * @param offload     what all its nodes served by themselves and passed on, as they last reported it
     * @param lagLastHour its worst sync lag per minute over the last hour, as its heartbeats reported it
     */
    public record MirrorServerView(MirrorServer server, MirrorServerState state, List<String> projects,
                                   Duration clockSkew, List<NodeView> nodes, MirrorOffload offload,
                                   List<LagHistory.Sample> lagLastHour) {
    }

    /**
     * One node of a mirror as the primary shows it, its state derived from its own heartbeats. A
     * single mirror is its own one node; a farm lists each of its nodes.
     *
     * @param url       the node's own URL (a single mirror's base URL)
     * @param vouchedBy the node that vouched for it, or null
     * @param clockSkew how far its clock was ahead of this one at its last signed request, or null
     */
    public record NodeView(String id, String name, String url, String publicKey, MirrorServerState state,
                           Instant lastSeen, String version, String vouchedBy, Duration clockSkew) {
    }

    /** How long a deleted mirror can be restored before its removal becomes final. */
    public Duration removalGrace() {
        return removalGrace;
    }

    /**
     * Where a mirror last said it serves Git over SSH, when that is on the host of the base URL an administrator
     * accepted (a mirror cannot send users' SSH clones elsewhere); empty until its first heartbeat after a restart.
     */
    public Optional<String> sshBaseUrl(String mirrorId) {
        return Optional.ofNullable(sshBaseUrls.get(mirrorId));
    }

    /** Remembers the clock skew measured on a node's signed request, to show it before it breaks anything. */
    public void noteClockSkew(MirrorSigner signer, Duration skew) {
        clockSkews.put(signer.nodeId(), skew);
        if (skew.abs().compareTo(Duration.ofSeconds(5)) > 0) {
            log.warn("{}: its clock is {} ms {} this primary's", signer.describe(), skew.abs().toMillis(),
                    skew.isNegative() ? "behind" : "ahead of");
        }
    }

    /** @param sshKeys whose SSH key a mirror's client signed in with, for mirrors that serve Git over SSH */
    public MirrorRegistry(Store store, UserService users, SshKeyService sshKeys, Clock clock, String instanceId,
                          Duration removalGrace, MirrorAdmission admission) {
        this.sshKeys = sshKeys;
        this.removalGrace = removalGrace;
        this.admission = admission;
        this.store = store;
        this.users = users;
        this.clock = clock;
        this.instanceId = instanceId;
        this.lagHistory = new LagHistory(clock);
    }

    public String instanceId() {
        return instanceId;
    }

    // ---- called by mirrors, after their signature was verified ----

    /**
     * Records a node's heartbeat on its own row (a farm's node) and on its mirror's, which shows
     * the latest any of its nodes reported; the answer says whether the mirror is still registered.
     */
    public HeartbeatAnswer heartbeat(MirrorSigner signer, Heartbeat heartbeat) {
        String mirrorId = signer.mirrorId();
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
            tx.farmNodes().recordHeartbeat(signer.nodeId(), clock.instant(), limit(heartbeat.state(), 32),
                    limit(heartbeat.version(), 64));
            if (heartbeat.offload() != null) {
                tx.mirrorServers().recordOffload(signer.nodeId(), mirrorId, heartbeat.offload(), clock.instant());
            }
            return registered;
        });
        Optional<String> ssh = SshAddress.onHostOf(server.baseUrl(), heartbeat.sshBaseUrl());
        if (ssh.isPresent() && !server.isRemoved()) {
            sshBaseUrls.put(mirrorId, ssh.get());
        } else {
            sshBaseUrls.remove(mirrorId);
        }
        if (!server.isRemoved()) {
            lagHistory.record(mirrorId, heartbeat.worstLags() == null ? 0 : heartbeat.worstLags().stream()
                    .mapToLong(Heartbeat.Lag::lagMillis).max().orElse(0));
        }
        return server.isRemoved()
                ? new HeartbeatAnswer("REMOVED", instanceId, server.purgeAfter().toEpochMilli())
                : new HeartbeatAnswer("INSTALLED", instanceId, null);
    }

    /**
     * Checks a mirror's client's credentials and answers what they may do with one repository the mirror
     * carries (any other is NOT_FOUND, without a look at the credentials), or, without a repository, who
     * they are. Throttled like every credential check.
     *
     * @param connectionAddress the address the mirror's own request came from
     */
    public CredentialVerdict checkCredentials(String mirrorId, CredentialCheck check, String connectionAddress) {
        // A mere request under an id is no registration: only a mirror an administrator accepted may ask,
        // registered now, removed, or purged since (its last request is the accepted one).
        Optional<MirrorServer> server = store.inTransaction(tx -> {
            Optional<MirrorServer> registered = tx.mirrorServers().find(mirrorId);
            boolean acceptedOnce = registered.isPresent() || tx.mirrorRequests().latestFrom(mirrorId)
                    .filter(request -> request.state() == RequestState.ACCEPTED).isPresent();
            if (!acceptedOnce) {
                throw new PermissionDenied("Mirror " + mirrorId + " was never authorized here; to ask again, reconnect "
                        + "it on its own machine: facet mirror reconnect --home DIR.");
            }
            return registered;
        });
        Caller mirror = Caller.mirror(mirrorId);
        RepositoryRecord asked = null;
        if (check.project() != null) {
            store.useTransaction(tx -> requireRegistered(tx, mirrorId));
            // A mirror's credentials answer only for what it carries, before any password is looked at:
            // about anything else the primary is no oracle.
            asked = carried(mirror, check.project(), check.slug()).orElse(null);
            if (asked == null) {
                return notFound(null, check.project(), check.slug());
            }
        }
        // Without a repository the mirror asks only who a caller is, to let an administrator of this
        // primary reconnect it: a removed or purged mirror must be able to ask that too. Only a mirror in service
        // speaks for its clients' addresses (kept apart from addresses seen here, so a mirror can slow
        // down only the clients it serves); a removed one is throttled by where its own request came from.
        boolean inService = server.filter(registered -> !registered.isRemoved()).isPresent();
        String clientAddress = !inService ? connectionAddress
                : "mirror " + mirrorId + " client " + (check.clientAddress() == null ? "unknown" : check.clientAddress());
        Caller caller;
        try {
            if (check.keyFingerprint() != null) {
                // A fingerprint is no secret: it stands for a user only on the word of a mirror in service that saw
                // the client sign with the key, never on a removed mirror's.
                if (!inService) {
                    throw new AuthenticationRequired("A removed mirror cannot sign users in with SSH keys.");
                }
                caller = sshKeys.callerOf(check.keyFingerprint()).orElseThrow(() -> new AuthenticationRequired(
                        "This SSH key is not registered to any active user of the primary."));
            } else if (check.bearerToken() != null) {
                caller = users.authenticateToken(check.bearerToken(), clientAddress);
            } else if (check.username() != null) {
                caller = users.authenticate(check.username(), check.secret(), clientAddress);
            } else {
                caller = Caller.ANONYMOUS;
            }
        } catch (TooManyAttempts e) {
            return new CredentialVerdict(CredentialVerdict.THROTTLED, null, AccessLevel.NONE.name(), e.getMessage(),
                    false, e.retryAfterSeconds());
        } catch (AuthenticationRequired e) {
            return new CredentialVerdict(CredentialVerdict.BAD_CREDENTIALS, null, AccessLevel.NONE.name(),
                    e.getMessage(), false, null);
        }
        if (asked == null) {
            return new CredentialVerdict(caller.isUser() ? CredentialVerdict.OK : CredentialVerdict.BAD_CREDENTIALS,
                    caller.isUser() ? caller.name().value() : null, AccessLevel.NONE.name(), null, caller.isAdmin(),
                    null);
        }
        RepositoryRecord repository = asked;
        Caller who = caller;
        AccessLevel level = store.inTransaction(tx -> AccessRules.onRepository(tx, who, repository));
        return level.allows(AccessLevel.READ)
                ? new CredentialVerdict(CredentialVerdict.OK, who.isUser() ? who.name().value() : null, level.name(),
                        null, who.isAdmin(), null)
                : notFound(who, check.project(), check.slug());
    }

    /** The repository, when it exists and the mirror carries it. */
    private Optional<RepositoryRecord> carried(Caller mirror, String project, String slug) {
        ProjectKey key;
        RepositorySlug repositorySlug;
        try {
            key = ProjectKey.of(project);
            repositorySlug = RepositorySlug.of(slug);
        } catch (InvalidInput e) {
            return Optional.empty();
        }
        return store.inTransaction(tx -> tx.repositories().find(key, repositorySlug)
                .filter(repository -> AccessRules.onRepository(tx, mirror, repository).allows(AccessLevel.READ)));
    }

    private static CredentialVerdict notFound(Caller caller, String project, String slug) {
        boolean user = caller != null && caller.isUser();
        return new CredentialVerdict(CredentialVerdict.NOT_FOUND, user ? caller.name().value() : null,
                AccessLevel.NONE.name(), "Repository " + project + "/" + slug + " does not exist.",
                user && caller.isAdmin(), null);
    }

    // ---- called by administrators ----

    public Page<MirrorServerView> servers(Caller caller, int start, int limit) {
        AccessRules.requireAdmin(caller);
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

    /**
     * A repository the caller may read, with the registered mirrors that carry it (removed ones left
     * out); one the caller may not read does not exist, as everywhere.
     */
    public Carried carriersOf(Caller caller, long repositoryId) {
        RepositoryRecord repository = store.inTransaction(tx -> tx.repositories().findById(repositoryId)
                .filter(found -> AccessRules.onRepository(tx, caller, found).allows(AccessLevel.READ)))
                .orElseThrow(() -> new NotFound("repoId", "Repository " + repositoryId + " does not exist."));
        return new Carried(repository, carrying(repository.projectKey()));
    }

    /** A repository and the mirrors that carry it. */
    public record Carried(RepositoryRecord repository, List<MirrorServer> mirrors) {
    }

    /** The mirror the signed-in caller prefers to clone from; NotFound when they chose none (or it was purged). */
    public MirrorServer preferredMirror(Caller caller) {
        long userId = requireSignedIn(caller);
        return store.inTransaction(tx -> tx.mirrorServers().preferredBy(userId).flatMap(id -> tx.mirrorServers()
                .find(id))).orElseThrow(() -> new NotFound(null, "You have not chosen a preferred mirror."));
    }

    /** The mirror the caller prefers, if they are a user who chose one that is still registered and not removed. */
    public Optional<String> preferredMirrorId(Caller caller) {
        if (!caller.isUser()) {
            return Optional.empty();
        }
        return store.inTransaction(tx -> tx.mirrorServers().preferredBy(caller.userId())
                .flatMap(id -> tx.mirrorServers().find(id)).filter(server -> !server.isRemoved())
                .map(MirrorServer::id));
    }

    /**
     * Sets the mirror the signed-in caller prefers to clone from: any registered mirror that is not
     * removed, as every user may see where projects are mirrored.
     */
    public MirrorServer preferMirror(Caller caller, String mirrorId) {
        long userId = requireSignedIn(caller);
        if (mirrorId == null || mirrorId.isBlank()) {
            throw new InvalidInput(null, "Send the id of the mirror you prefer, as a JSON string.");
        }
        return store.inTransaction(tx -> {
            MirrorServer server = tx.mirrorServers().find(mirrorId.strip()).filter(found -> !found.isRemoved())
                    .orElseThrow(() -> new NotFound(null, "Mirror " + mirrorId.strip() + " is not registered here."));
            tx.mirrorServers().prefer(userId, server.id());
            return server;
        });
    }

    /** Forgets the signed-in caller's preferred mirror. */
    public void forgetPreferredMirror(Caller caller) {
        long userId = requireSignedIn(caller);
        store.useTransaction(tx -> tx.mirrorServers().prefer(userId, null));
    }

    private static long requireSignedIn(Caller caller) {
        if (!caller.isUser()) {
            throw new AuthenticationRequired("Sign in to choose a preferred mirror.");
        }
        return caller.userId();
    }

    public MirrorServerView server(Caller caller, String mirrorId) {
        AccessRules.requireAdmin(caller);
        return store.inTransaction(tx -> view(tx, requireKnown(tx, mirrorId)));
    }

    /**
     * Removes a mirror softly: it is shown REMOVED, its own heartbeat answer tells it to stop
     * syncing, and it can be restored until the grace period ends; then it is purged.
     */
    public MirrorServerView delete(Caller caller, String mirrorId) {
        AccessRules.requireAdmin(caller);
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
        AccessRules.requireAdmin(caller);
        MirrorServerView view = store.inTransaction(tx -> {
            MirrorServer server = requireKnown(tx, mirrorId);
            if (!server.isRemoved()) {
                throw new Conflict("id", "Mirror " + mirrorId + " is not removed; there is nothing to restore.");
            }
            tx.mirrorServers().markRemoved(mirrorId, null, null, null);
            tx.audit().record(clock.instant(), caller.name().value(), AuditAction.RESTORE, mirrorId, server.baseUrl(),
                    null);
            admission.acceptWaitingRequestsOnRestore(tx, server, caller.name().value());
            return view(tx, tx.mirrorServers().find(mirrorId).orElseThrow());
        });
        log.info("mirror {} ({}) restored by {}", mirrorId, view.server().baseUrl(), caller);
        return view;
    }

    /**
     * Takes a node out of its farm: its key stops working at once, the farm keeps serving through
     * its other nodes. A node a farm vouches for again comes back: to keep one out for good, take it
     * off the farm's network.
     */
    public MirrorServerView removeNode(Caller caller, String mirrorId, String nodeId) {
        AccessRules.requireAdmin(caller);
        MirrorServerView view = store.inTransaction(tx -> {
            MirrorServer server = requireKnown(tx, mirrorId);
            FarmNode node = tx.farmNodes().find(nodeId).filter(found -> found.mirrorId().equals(mirrorId))
                    .orElseThrow(() -> new NotFound("nodeId", "Mirror " + mirrorId + " has no node " + nodeId + "."));
            tx.farmNodes().delete(nodeId);
            tx.audit().record(clock.instant(), caller.name().value(), AuditAction.NODE_REMOVE, mirrorId, node.url(),
                    "node " + nodeId + " (" + node.name() + ", key "
                            + new InstancePublicKey(node.publicKey()).fingerprint() + ") removed from farm "
                            + server.name());
            return view(tx, server);
        });
        log.info("node {} removed from farm {} by {}", nodeId, mirrorId, caller);
        return view;
    }

    /** A farm's node as it is shown, for a node just vouched for. */
    public NodeView nodeView(FarmNode node) {
        return store.inTransaction(tx -> nodeView(node, requireKnown(tx, node.mirrorId()), clock.instant()));
    }

    /** Deletes the registrations whose grace period has ended. */
    public void purgeExpired() {
        store.useTransaction(tx -> {
            for (MirrorServer server : tx.mirrorServers().removedBefore(clock.instant())) {
                tx.mirrorServers().delete(server.id());
                lagHistory.forget(server.id());
                tx.audit().record(clock.instant(), "facet", AuditAction.PURGE, server.id(), server.baseUrl(),
                        "removed by " + server.removedBy() + " on " + server.removedAt());
                log.info("mirror {} ({}) purged: its grace period ended", server.id(), server.baseUrl());
            }
        });
    }

    public Page<AuditEntry> audit(Caller caller, int start, int limit) {
        AccessRules.requireAdmin(caller);
        return store.inTransaction(tx -> Page.of(tx.audit().list(start, limit + 1), start, limit));
    }

    /** Sets the projects a mirror carries: all of them, or those named. */
    public MirrorServerView select(Caller caller, String mirrorId, boolean allProjects, Set<ProjectKey> projects) {
        AccessRules.requireAdmin(caller);
        return store.inTransaction(tx -> {
            MirrorServer server = requireKnown(tx, mirrorId);
            Set<Long> ids = new java.util.HashSet<>();
            for (ProjectKey key : projects) {
                ids.add(tx.projects().find(key)
                        .orElseThrow(() -> new NotFound("projects", "Project " + key + " does not exist.")).id());
            }
            tx.mirrorServers().select(mirrorId, allProjects, ids);
            tx.events().append(EventType.MIRROR_SELECTION_CHANGED, null, EventPayloads.selectionChanged(mirrorId),
                    clock.instant());
            return view(tx, tx.mirrorServers().find(server.id()).orElseThrow());
        });
    }

    private MirrorServerView view(StoreTransaction tx, MirrorServer server) {
        List<String> projects = server.allProjects() ? List.of() : tx.mirrorServers().selectedProjects(server.id())
                .stream().flatMap(id -> tx.projects().findById(id).stream()).map(p -> p.key().value()).sorted().toList();
        Instant now = clock.instant();
        List<NodeView> nodes = server.type() == MirrorType.FARM
                ? tx.farmNodes().ofMirror(server.id()).stream().map(node -> nodeView(node, server, now)).toList()
                : List.of(new NodeView(server.id(), server.name(), server.baseUrl(), server.publicKey(),
                        derivedState(server, now), server.lastSeen(), server.version(), null,
                        clockSkews.get(server.id())));
        Duration worstSkew = nodes.stream().map(NodeView::clockSkew).filter(java.util.Objects::nonNull)
                .max(java.util.Comparator.comparing(Duration::abs)).orElse(null);
        return new MirrorServerView(server, derivedState(server, now), projects, worstSkew, nodes,
                tx.mirrorServers().offload(server.id()), lagHistory.lastHour(server.id()));
    }

    private NodeView nodeView(FarmNode node, MirrorServer farm, Instant now) {
        MirrorServerState state = derivedState(farm.isRemoved(), node.lastSeen() != null ? node.lastSeen()
                : node.createdAt(), node.reportedState(), now);
        return new NodeView(node.id(), node.name(), node.url(), node.publicKey(), state, node.lastSeen(),
                node.version(), node.vouchedBy(), clockSkews.get(node.id()));
    }

    /** What the primary shows: the mirror's own report, unless it has gone silent. */
    static MirrorServerState derivedState(MirrorServer server, Instant now) {
        return derivedState(server.isRemoved(), server.lastSeen() != null ? server.lastSeen() : server.createdAt(),
                server.reportedState(), now);
    }

    /** The same for a mirror or one of its nodes: removed with its mirror, silent, or what it reported. */
    private static MirrorServerState derivedState(boolean removed, Instant lastHeard, String reportedState,
                                                  Instant now) {
        if (removed) {
            return MirrorServerState.REMOVED;
        }
        if (lastHeard.plus(OFFLINE_AFTER).isBefore(now)) {
            return MirrorServerState.OFFLINE;
        }
        if (reportedState == null) {
            return MirrorServerState.SYNCHRONIZING;
        }
        try {
            return MirrorServerState.valueOf(reportedState);
        } catch (IllegalArgumentException e) {
            return MirrorServerState.SYNCHRONIZING;
        }
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

    private static String limit(String text, int max) {
        return text == null ? null : text.length() <= max ? text : text.substring(0, max);
    }
}
