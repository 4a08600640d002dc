package dev.facet.farm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.map.IMap;
import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.MirrorType;
import dev.facet.core.mirror.RequestState;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.core.mirror.protocol.AuthorizationRequest;
import dev.facet.core.mirror.protocol.AuthorizationStatus;
import dev.facet.core.mirror.protocol.FarmNodeDescription;
import dev.facet.mirror.Backoff;
import dev.facet.mirror.MirrorIdentity;
import dev.facet.mirror.UpstreamClient;
import dev.facet.mirror.UpstreamLifecycle;
import dev.facet.mirror.UpstreamRegistration;
import dev.facet.mirror.UpstreamSession;
import dev.facet.mirror.UpstreamUnavailable;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A farm node's registration: the farm is one mirror to the primary, so it sends one request.
 * The coordinator sends it (signed by itself, naming itself as the node that asks) and polls it;
 * the farm's link (PENDING with the request, then INSTALLED with the pin, or REJECTED) is shared
 * through the cluster, and every node moves its own lifecycle after it, each move recorded in its
 * own audit trail naming the farm. Once installed, the oldest node the primary knows vouches for
 * every member it does not know yet, so a node that joins later needs no administrator.
 *
 * <p>When the coordinator leaves while the request waits, the next oldest polls the same request;
 * when the primary does not let it read that request (a farm not accepted yet has no node the
 * primary knows but the one that asked), it sends a new request as itself.
 * When the whole farm stopped, the shared link is gone with it: the first coordinator to start
 * publishes what its own home says (PENDING or INSTALLED), so no second request is sent.
 */
public final class FarmRegistration implements UpstreamRegistration {
    private static final Logger log = LoggerFactory.getLogger(FarmRegistration.class);
    static final Duration STEP = Duration.ofMillis(500);
    static final String LINK_KEY = "link";
    /** The nodes the primary knows as the farm's, by node id: the node that asked, and those vouched for. */
    static final String REGISTERED = "facet-farm-registered";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Where the farm's registration stands; RECONNECT: a node asked for a new request, not sent yet. */
    enum SharedState { RECONNECT, PENDING, INSTALLED, REJECTED }

    /** The farm's link as the cluster shares it: the request, who sent it, and once accepted the pin. */
    record SharedLink(SharedState state, String requestId, String requestedBy, String upstreamInstanceId,
                      String upstreamPublicKey, long eventSequence, String eventHash) {
        SharedLink in(SharedState next) {
            return new SharedLink(next, requestId, requestedBy, upstreamInstanceId, upstreamPublicKey, eventSequence,
                    eventHash);
        }
    }

    private final String productVersion;
    private final FarmCluster cluster;
    private final UpstreamSession upstream;
    private final String farmId;
    private final ScheduledExecutorService scheduler;
    private final IMap<String, String> farm;
    private final IMap<String, String> registered;
    private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    private volatile MirrorIdentity self;
    private volatile Runnable onInstalled;
    private volatile boolean stopped;
    private boolean installedSeen;

    /** Runs its steps on {@code scheduler}, which its owner shuts down. */
    /** @param productVersion the Facet version the farm's nodes run, named in its requests */
    public FarmRegistration(FarmCluster cluster, UpstreamSession upstream, String farmId,
                            ScheduledExecutorService scheduler, String productVersion) {
        this.productVersion = productVersion;
        this.cluster = cluster;
        this.upstream = upstream;
        this.farmId = farmId;
        this.scheduler = scheduler;
        this.farm = cluster.hazelcast().getMap(FarmId.MAP);
        this.registered = cluster.hazelcast().getMap(REGISTERED);
    }

    @Override
    public void start(MirrorIdentity self, Runnable onInstalled) {
        this.self = self;
        this.onInstalled = onInstalled;
        scheduler.execute(this::step);
    }

    @Override
    public void stop() {
        stopped = true;
    }

    @Override
    public void reconnect(String actor) {
        upstream.lifecycle().move(current -> UpstreamLifecycle.withState(current, UpstreamState.UNCONFIGURED), actor,
                AuditAction.RECONNECT, "new authorization request for " + farmName() + " to "
                        + upstream.link().upstreamUrl());
        Optional<SharedLink> shared = shared();
        farm.put(LINK_KEY, write(shared.map(link -> link.in(SharedState.RECONNECT))
                .orElse(new SharedLink(SharedState.RECONNECT, null, null, null, null, 0, null))));
        registered.clear();
        // The running loop of steps takes it from here within one step; a second loop would double every call.
    }

    private void step() {
        if (stopped) {
            return;
        }
        Duration next = STEP;
        try {
            if (cluster.isCoordinator()) {
                coordinate();
            }
            follow();
            vouchForNewcomers();
            backoff.reset();
        } catch (UpstreamUnavailable e) {
            next = backoff.next();
            log.warn("Farm registration with {} failed ({}); retrying in {} ms", upstream.client().upstreamUrl(),
                    e.getMessage(), next.toMillis());
        } catch (RuntimeException e) {
            if (stopped) {
                return;
            }
            next = backoff.next();
            log.error("Farm registration step failed; retrying in {} ms", next.toMillis(), e);
        }
        later(next);
    }

    /** The coordinator's part: send the farm's request, poll it, publish the decision. */
    private void coordinate() {
        Optional<SharedLink> shared = shared();
        UpstreamLink local = upstream.link();
        if (shared.isEmpty()) {
            if (local.state() == UpstreamState.PENDING && local.requestId() != null) {
                // The whole farm stopped while waiting: the request this home knows is still the farm's.
                publishFirst(new SharedLink(SharedState.PENDING, local.requestId(), cluster.nodeId(),
                        local.upstreamInstanceId(), null, 0, null));
            } else if ((local.state() == UpstreamState.INSTALLED || local.state() == UpstreamState.REMOVED)
                    && local.upstreamPublicKey() != null) {
                // Installed once: the primary keeps the farm's registration (removed or not, each node learns
                // that from its own heartbeats), so the link is the accepted one.
                registered.put(cluster.nodeId(), cluster.nodeId());
                publishFirst(new SharedLink(SharedState.INSTALLED, local.requestId(), cluster.nodeId(),
                        local.upstreamInstanceId(), local.upstreamPublicKey(), local.pinnedSequence(),
                        local.pinnedHash()));
            } else if (local.state() == UpstreamState.UNCONFIGURED) {
                request(Optional.empty());
            }
            return;
        }
        switch (shared.get().state()) {
            case RECONNECT -> request(shared);
            case PENDING -> poll(shared.get());
            case INSTALLED, REJECTED -> {
                // decided: nothing to ask
            }
            default -> throw new IllegalStateException("Unknown farm link state " + shared.get().state());
        }
    }

    private void request(Optional<SharedLink> before) {
        UpstreamClient.UpstreamIdentity identity = upstream.client().identity();
        FarmCluster.Node me = cluster.node(cluster.nodeId()).orElseThrow();
        MirrorIdentity farmIdentity = self;
        AuthorizationStatus status = upstream.client().requestAuthorization(identity.id(), new AuthorizationRequest(
                farmId, farmIdentity.name(), farmIdentity.baseUrl(), me.publicKey(), MirrorType.FARM,
                new FarmNodeDescription(me.id(), me.name(), me.url(), me.publicKey()), productVersion));
        SharedLink pending = new SharedLink(SharedState.PENDING, status.requestId(), me.id(), identity.id(), null, 0,
                null);
        boolean published = before.isEmpty() ? farm.putIfAbsent(LINK_KEY, write(pending)) == null
                : farm.replace(LINK_KEY, write(before.get()), write(pending));
        if (published) {
            registered.put(me.id(), me.id());
            log.info("Farm {} requested authorization from {}: an administrator accepts it at {}", farmName(),
                    upstream.link().upstreamUrl(), status.reviewUrl());
        }
    }

    private void poll(SharedLink pending) {
        AuthorizationStatus status;
        try {
            status = upstream.client().authorizationStatus(pending.upstreamInstanceId(), pending.requestId());
        } catch (UpstreamUnavailable e) {
            if (!refusedAnotherNodesRequest(pending, e)) {
                throw e;
            }
            // The primary lets only the farm's registered nodes read its request, and a farm not accepted yet has
            // none but the node that asked, which is gone: this node asks again, as itself.
            log.warn("Farm {}'s request {} was sent by node {}, which left before an administrator decided, and the "
                    + "upstream does not let node {} read it ({}); asking again", farmName(), pending.requestId(),
                    pending.requestedBy(), cluster.nodeId(), e.getMessage());
            request(Optional.of(pending));
            return;
        }
        if (status.state() == RequestState.ACCEPTED) {
            if (!pending.upstreamInstanceId().equals(status.upstreamInstanceId())) {
                throw new IllegalStateException("The upstream accepted as instance " + status.upstreamInstanceId()
                        + " but presented itself as " + pending.upstreamInstanceId());
            }
            registered.put(pending.requestedBy(), pending.requestedBy());
            farm.replace(LINK_KEY, write(pending), write(new SharedLink(SharedState.INSTALLED, pending.requestId(),
                    pending.requestedBy(), status.upstreamInstanceId(), status.upstreamPublicKey(),
                    status.eventSequence() == null ? 0 : status.eventSequence(), status.eventHash())));
            log.info("Farm {} authorized by {} (instance {})", farmName(), upstream.link().upstreamUrl(),
                    status.upstreamInstanceId());
        } else if (status.state() == RequestState.REJECTED) {
            farm.replace(LINK_KEY, write(pending), write(pending.in(SharedState.REJECTED)));
            log.warn("The upstream {} rejected farm {}'s request {}", upstream.link().upstreamUrl(), farmName(),
                    pending.requestId());
        }
    }

    /** Whether the upstream refused this node a request another node sent (as it refuses an outsider: 401 or 404). */
    private boolean refusedAnotherNodesRequest(SharedLink pending, UpstreamUnavailable refusal) {
        return (refusal.status() == 401 || refusal.status() == 404) && !cluster.nodeId().equals(pending.requestedBy())
                && !registered.containsKey(cluster.nodeId());
    }

    /** Every node's part: move its own lifecycle after the farm's link. */
    private void follow() {
        UpstreamLink local = upstream.link();
        if (local.state() == UpstreamState.INSTALLED && !installedSeen) {
            installedSeen = true;
            onInstalled.run();
        }
        Optional<SharedLink> shared = shared();
        if (shared.isEmpty()) {
            return;
        }
        SharedLink link = shared.get();
        switch (link.state()) {
            case RECONNECT -> leaveRemoval(local);
            case PENDING -> {
                if (leaveRemoval(local) || local.state() == UpstreamState.UNCONFIGURED) {
                    upstream.lifecycle().move(current -> new UpstreamLink(current.upstreamUrl(), UpstreamState.PENDING,
                            link.requestId(), link.upstreamInstanceId(), current.upstreamPublicKey(),
                            current.pinnedSequence(), current.pinnedHash(), current.appliedSequence(),
                            current.appliedHash()), "facet", AuditAction.REQUEST, farmName() + ": request "
                            + link.requestId() + " sent by node " + link.requestedBy());
                } else if (local.state() == UpstreamState.PENDING && !link.requestId().equals(local.requestId())) {
                    // The farm asked again (its first coordinator left): the request to show is the new one.
                    upstream.lifecycle().update(current -> new UpstreamLink(current.upstreamUrl(), current.state(),
                            link.requestId(), link.upstreamInstanceId(), current.upstreamPublicKey(),
                            current.pinnedSequence(), current.pinnedHash(), current.appliedSequence(),
                            current.appliedHash()));
                }
            }
            case INSTALLED -> {
                if (reconnectedWhileStopped(local, link)) {
                    askAgain(link);
                    return;
                }
                if (local.state() == UpstreamState.INSTALLED
                        && link.upstreamInstanceId().equals(local.upstreamInstanceId())) {
                    // Installed before the farm last stopped: the primary knows this node already.
                    registered.putIfAbsent(cluster.nodeId(), cluster.nodeId());
                }
                if (registered.containsKey(cluster.nodeId()) && EnumSet.of(UpstreamState.UNCONFIGURED,
                        UpstreamState.PENDING, UpstreamState.REJECTED).contains(local.state())) {
                    upstream.lifecycle().move(current -> new UpstreamLink(current.upstreamUrl(),
                            UpstreamState.INSTALLED, link.requestId(), link.upstreamInstanceId(),
                            link.upstreamPublicKey(), link.eventSequence(), link.eventHash(),
                            current.appliedSequence(), current.appliedHash()), "facet", AuditAction.PIN,
                            farmName() + " accepted (request " + link.requestId() + "); this node registered by node "
                            + registered.get(cluster.nodeId()) + "; pinned instance " + link.upstreamInstanceId()
                            + " at event " + link.eventSequence());
                    log.info("Node {} installed in {}; synchronizing", cluster.nodeId(), farmName());
                    installedSeen = true;
                    onInstalled.run();
                }
            }
            case REJECTED -> {
                if (reconnectedWhileStopped(local, link)) {
                    askAgain(link);
                } else if (local.state() == UpstreamState.PENDING) {
                    upstream.lifecycle().move(current -> UpstreamLifecycle.withState(current, UpstreamState.REJECTED),
                            "facet", AuditAction.REJECT, farmName() + ": request " + link.requestId() + " rejected");
                }
            }
            default -> throw new IllegalStateException("Unknown farm link state " + link.state());
        }
    }

    /**
     * Whether this node was told to reconnect while it was stopped ({@code facet mirror reconnect --home}): it
     * left the farm's decided request for UNCONFIGURED, which no step of the running farm does.
     */
    private static boolean reconnectedWhileStopped(UpstreamLink local, SharedLink link) {
        return local.state() == UpstreamState.UNCONFIGURED && local.requestId() != null
                && local.requestId().equals(link.requestId());
    }

    /** The farm sends a new request for this node's reconnect, as if it had been asked while running. */
    private void askAgain(SharedLink decided) {
        if (farm.replace(LINK_KEY, write(decided), write(decided.in(SharedState.RECONNECT)))) {
            registered.clear();
            log.info("Node {} was reconnected while stopped: {} asks {} for a new authorization", cluster.nodeId(),
                    farmName(), upstream.link().upstreamUrl());
        }
    }

    /** A node removed or rejected with the farm joins its new request; @return whether it moved */
    private boolean leaveRemoval(UpstreamLink local) {
        if (local.state() != UpstreamState.REMOVED && local.state() != UpstreamState.REJECTED) {
            return false;
        }
        upstream.lifecycle().move(current -> UpstreamLifecycle.withState(current, UpstreamState.UNCONFIGURED), "facet",
                AuditAction.RECONNECT, farmName() + " asks " + local.upstreamUrl() + " for a new authorization");
        return true;
    }

    /**
     * The oldest node the primary knows as the farm's, once installed itself, registers every
     * member it does not know yet: their public keys only; nothing secret travels.
     */
    private void vouchForNewcomers() {
        Optional<SharedLink> shared = shared();
        if (shared.isEmpty() || shared.get().state() != SharedState.INSTALLED
                || upstream.link().state() != UpstreamState.INSTALLED) {
            return;
        }
        Optional<FarmCluster.Node> voucher = cluster.nodes().stream()
                .filter(node -> registered.containsKey(node.id())).findFirst();
        if (voucher.isEmpty() || !voucher.get().local()) {
            return;
        }
        for (FarmCluster.Node node : cluster.nodes()) {
            if (registered.containsKey(node.id()) || node.url() == null) {
                continue;
            }
            upstream.client().vouchForFarmNode(upstream.upstreamId(), new FarmNodeDescription(node.id(), node.name(),
                    node.url(), node.publicKey()));
            registered.put(node.id(), cluster.nodeId());
            log.info("Node {} vouched for node {} ({}) of {} with {}", cluster.nodeId(), node.id(), node.url(),
                    farmName(), upstream.link().upstreamUrl());
        }
    }

    private Optional<SharedLink> shared() {
        return Optional.ofNullable(farm.get(LINK_KEY)).map(FarmRegistration::read);
    }

    private void publishFirst(SharedLink link) {
        farm.putIfAbsent(LINK_KEY, write(link));
    }

    private String farmName() {
        return "farm '" + cluster.farmName() + "' (" + farmId + ")";
    }

    private static String write(SharedLink link) {
        try {
            return JSON.writeValueAsString(link);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The farm's link cannot be written", e);
        }
    }

    private static SharedLink read(String text) {
        try {
            return JSON.readValue(text, SharedLink.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The farm's link cannot be read: " + e.getMessage(), e);
        }
    }

    private void later(Duration delay) {
        if (!stopped) {
            try {
                scheduler.schedule(this::step, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                log.debug("farm registration stopped");
            }
        }
    }
}
