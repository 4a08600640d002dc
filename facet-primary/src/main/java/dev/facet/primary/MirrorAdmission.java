package dev.facet.primary;

import dev.facet.core.access.Caller;
import dev.facet.core.error.Conflict;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.error.NotFound;
import dev.facet.core.error.PermissionDenied;
import dev.facet.core.error.TooManyRequests;
import dev.facet.core.event.EventChain;
import dev.facet.core.identity.InstanceIdentity;
import dev.facet.core.identity.InstancePublicKey;
import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.FarmNode;
import dev.facet.core.mirror.MirrorRequest;
import dev.facet.core.mirror.MirrorServer;
import dev.facet.core.mirror.MirrorType;
import dev.facet.core.mirror.RequestState;
import dev.facet.core.mirror.protocol.AuthorizationRequest;
import dev.facet.core.mirror.protocol.AuthorizationStatus;
import dev.facet.core.mirror.protocol.FarmNodeDescription;
import dev.facet.core.store.Store;
import dev.facet.core.store.StoreTransaction;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission of mirrors on the primary: their authorization requests, the key each mirror id
 * belongs to, and the administrators' decisions.
 *
 * <p>A mirror's id and its key pair are created together in its home and never change, so a
 * mirror id belongs to one key: the registered mirror's, or, before it is registered, the key
 * its first request was signed with. A request under a known id signed by any other key comes
 * from a server that is not that mirror, and is refused; nothing can replace a registered key.
 * A mirror reads only its own requests: a status lookup is checked against the key the request
 * itself was signed with.
 *
 * <p>A mirror farm is one mirror server whose nodes each keep a key pair of their own: a farm's
 * request is signed by the node that asks, an administrator's one approval registers the farm
 * with that node, and the farm's trusted nodes vouch for the ones that join later. A farm id is
 * bound to its nodes' keys, and a node id to one key and one farm.
 *
 * <p>Requests are open to anyone (a new mirror has no credentials yet), so each source address
 * may send only so many per minute and keep only so many waiting for a decision.
 */
public final class MirrorAdmission {
    /** The most nodes one farm may have: enough for any region, and a bound on what a vouching node can add. */
    public static final int MAX_NODES_PER_FARM = 32;
    private static final Logger log = LoggerFactory.getLogger(MirrorAdmission.class);
    private static final Duration WINDOW = Duration.ofMinutes(1);
    /** Addresses remembered at most; beyond it, the quiet ones are forgotten first. */
    private static final int MAX_TRACKED_ADDRESSES = 10_000;

    private final Store store;
    private final Clock clock;
    private final String instanceId;
    private final String publicKey;
    private final Supplier<String> baseUrl;
    private final Limits limits;
    private final Map<String, Deque<Instant>> recentByAddress = new HashMap<>();

    /**
     * How much one source address may ask.
     *
     * @param maxPendingPerAddress requests from one address that may wait for a decision at once
     * @param maxPerMinutePerAddress requests one address may send in any minute
     */
    public record Limits(int maxPendingPerAddress, int maxPerMinutePerAddress) {
        public static final Limits DEFAULT = new Limits(5, 10);

        public Limits {
            if (maxPendingPerAddress < 1 || maxPerMinutePerAddress < 1) {
                throw new IllegalArgumentException("Request limits must be at least 1: " + maxPendingPerAddress
                        + " pending, " + maxPerMinutePerAddress + " per minute");
            }
        }
    }

    public MirrorAdmission(Store store, Clock clock, String instanceId, String publicKey, Supplier<String> baseUrl,
                           Limits limits) {
        this.store = store;
        this.clock = clock;
        this.instanceId = instanceId;
        this.publicKey = publicKey;
        this.baseUrl = baseUrl;
        this.limits = limits;
    }

    // ---- called for mirrors ----

    /**
     * Counts one request to the admission endpoint from {@code sourceAddress}, before anything
     * else is done with it: a flood is turned away before its signature is even checked.
     *
     * @throws TooManyRequests when the address has used up its requests for this minute
     */
    public void countRequestFrom(String sourceAddress) {
        Instant now = clock.instant();
        Instant windowStart = now.minus(WINDOW);
        synchronized (recentByAddress) {
            if (recentByAddress.size() >= MAX_TRACKED_ADDRESSES) {
                recentByAddress.values().removeIf(times -> times.isEmpty() || times.peekLast().isBefore(windowStart));
            }
            Deque<Instant> times = recentByAddress.computeIfAbsent(sourceAddress, address -> new ArrayDeque<>());
            while (!times.isEmpty() && !times.peekFirst().isAfter(windowStart)) {
                times.removeFirst();
            }
            if (times.size() >= limits.maxPerMinutePerAddress()) {
                Duration wait = Duration.between(now, times.peekFirst().plus(WINDOW));
                log.warn("mirror requests from {}: more than {} a minute; refused", sourceAddress,
                        limits.maxPerMinutePerAddress());
                throw new TooManyRequests("This address sent " + times.size() + " authorization requests in the last "
                        + "minute; at most " + limits.maxPerMinutePerAddress() + " are taken. Try again in "
                        + Math.max(1, wait.toSeconds()) + " s.", wait);
            }
            times.addLast(now);
        }
    }

    /**
     * Who signed a request as {@code issuer}, and for which mirror: a registered farm node (for its
     * farm), a registered single mirror (for itself), or, for an id not registered (yet, or any
     * more), the key of the first request it signed. A farm's own id signs nothing: its nodes do. A
     * node an administrator removed is unknown from that moment: its requests are refused.
     */
    public Optional<MirrorSigner> signerOf(String issuer) {
        return store.inTransaction(tx -> signer(tx, issuer));
    }

    /**
     * Who may read request {@code requestId} as {@code issuer}: the node that signed it, checked
     * against the key the request itself was signed with, or, for a farm's request, any node
     * registered in that same farm, checked against its own key. A farm's coordinator may leave
     * while its request waits; the next oldest node polls the same request signed as itself.
     * Nobody else reads it: not a node of another farm, not an outsider, not a node an
     * administrator removed.
     */
    public Optional<MirrorSigner> signerOfRequest(String issuer, String requestId) {
        return store.inTransaction(tx -> tx.mirrorRequests().find(requestId).flatMap(request -> reader(tx, request,
                issuer)));
    }

    private static Optional<MirrorSigner> reader(StoreTransaction tx, MirrorRequest request, String issuer) {
        if (request.type() == MirrorType.FARM && tx.mirrorServers().find(request.mirrorId()).isPresent()) {
            // Once the farm is registered its node rows decide, for the node that asked as for any other: a node an
            // administrator removed reads nothing of the farm's, not even the request it sent itself.
            return tx.farmNodes().find(issuer).filter(node -> node.mirrorId().equals(request.mirrorId()))
                    .map(node -> new MirrorSigner(node.mirrorId(), issuer, node.publicKey()));
        }
        if (request.signerId().equals(issuer)) {
            return Optional.of(new MirrorSigner(request.mirrorId(), issuer, request.publicKey()));
        }
        if (request.type() != MirrorType.FARM) {
            return Optional.empty();
        }
        return tx.farmNodes().find(issuer).filter(node -> node.mirrorId().equals(request.mirrorId()))
                .map(node -> new MirrorSigner(node.mirrorId(), issuer, node.publicKey()));
    }

    /**
     * Who an authorization request says signed it, once its shape is checked: a farm's request is
     * signed by the node that asks, with the key it registers; a single mirror's by the mirror.
     *
     * @throws InvalidInput when the request lacks what its type needs
     */
    public static MirrorSigner claimedSigner(AuthorizationRequest request) {
        if (request.mirrorId() == null || request.publicKey() == null) {
            throw new InvalidInput("mirrorId", "A request needs the mirror's id and public key.");
        }
        if (request.mirrorType() == null) {
            throw new InvalidInput("mirrorType", "A mirror type (SINGLE or FARM) is required.");
        }
        FarmNodeDescription node = request.node();
        if (request.mirrorType() == MirrorType.SINGLE) {
            if (node != null) {
                throw new InvalidInput("node", "A single mirror names no node; a farm's request has mirrorType FARM.");
            }
            return new MirrorSigner(request.mirrorId(), request.mirrorId(), request.publicKey());
        }
        if (node == null || node.id() == null || node.publicKey() == null) {
            throw new InvalidInput("node", "A farm's request names the node that asks: its id, name, URL and "
                    + "public key.");
        }
        if (!new InstancePublicKey(node.publicKey()).equals(new InstancePublicKey(request.publicKey()))) {
            throw new InvalidInput("node.publicKey", "A farm's request is signed by the node that asks: the node's "
                    + "public key must be the request's.");
        }
        return new MirrorSigner(request.mirrorId(), node.id(), request.publicKey());
    }

    /**
     * Records a new request, or answers with the one its signer already has waiting.
     *
     * @param signer who the request's signature was checked for ({@link #claimedSigner}), with the key it carries
     * @throws Conflict when the mirror id or the node id belongs to another key, or the node to another mirror
     * @throws TooManyRequests when the source address has too many requests waiting
     */
    public AuthorizationStatus submit(MirrorSigner signer, AuthorizationRequest request, String sourceAddress) {
        MirrorSigner claimed = claimedSigner(request);
        if (!claimed.equals(signer)) {
            throw new InvalidInput("mirrorId", "The request is signed by " + signer.nodeId() + " but names "
                    + claimed.describe() + ".");
        }
        String name = ProjectService.requireText("name", "A mirror name", request.name(), 255);
        String mirrorUrl = requireHttpUrl("baseUrl", request.baseUrl());
        requireInstanceId("mirrorId", request.mirrorId());
        FarmNodeDescription node = request.node() == null ? null : describedNode("node", request.node());
        InstancePublicKey key = new InstancePublicKey(request.publicKey());
        store.inTransaction(tx -> bindingRefusal(tx, request.mirrorId(), request.mirrorType(), signer.nodeId(), key))
                .ifPresent(refusal -> refuse(request.mirrorId(), mirrorUrl, sourceAddress, key, refusal));
        MirrorRequest recorded = store.inTransaction(tx -> {
            Optional<MirrorRequest> waiting = tx.mirrorRequests().pendingFrom(request.mirrorId()).stream()
                    .filter(pending -> new InstancePublicKey(pending.publicKey()).equals(key)).findFirst();
            if (waiting.isPresent()) {
                return waiting.get();
            }
            int pendingFromAddress = tx.mirrorRequests().countPendingFromAddress(sourceAddress);
            if (pendingFromAddress >= limits.maxPendingPerAddress()) {
                throw new TooManyRequests(pendingFromAddress + " authorization requests from this address are "
                        + "already waiting for a decision; at most " + limits.maxPendingPerAddress() + " may wait. "
                        + "Ask an administrator of this primary to accept or reject them.", WINDOW);
            }
            boolean known = boundKeys(tx, request.mirrorId(), request.mirrorType()).isPresent();
            MirrorRequest created = new MirrorRequest(UUID.randomUUID().toString(), request.mirrorId(), name, mirrorUrl,
                    key.jwk(), request.mirrorType(), RequestState.PENDING, clock.instant(), null, null, sourceAddress,
                    node, versionOf(request));
            tx.mirrorRequests().create(created);
            tx.audit().record(clock.instant(), "mirror " + name, known ? AuditAction.RECONNECT : AuditAction.REQUEST,
                    request.mirrorId(), mirrorUrl, "request " + created.id() + " from " + sourceAddress
                            + (node == null ? "" : ", asked by " + describe(node)) + ", key " + key.fingerprint());
            return created;
        });
        log.info("{} ({}, {}) asked to be authorized: request {}, key {}", signer.describe(), recorded.name(),
                recorded.baseUrl(), recorded.id(), key.fingerprint());
        return status(recorded);
    }

    /** Why a key may not act under an id: for the audit trail, and for the one refused. */
    private record Refusal(String why, String message) {
    }

    /**
     * What refuses a request that would let a key act under an id that is not its own: the mirror
     * id must be of the same type and bound to the key (a farm's: to one of its nodes' keys), and
     * the signer's id bound to nothing else. Read in a transaction that records nothing, so that
     * the refusal is audited after it.
     */
    private static Optional<Refusal> bindingRefusal(StoreTransaction tx, String mirrorId, MirrorType type,
                                                    String signerId, InstancePublicKey key) {
        Optional<MirrorServer> registered = tx.mirrorServers().find(mirrorId);
        if (registered.isPresent() && registered.get().type() != type) {
            throw new Conflict("mirrorType", "Mirror " + mirrorId + " is registered here as " + registered.get().type()
                    + "; a " + type + " cannot ask under its id.");
        }
        Optional<Set<InstancePublicKey>> bound = boundKeys(tx, mirrorId, type);
        if (bound.isPresent() && !bound.get().contains(key)) {
            return Optional.of(new Refusal("the mirror id belongs to " + fingerprints(bound.get()),
                    "Mirror " + mirrorId + " is known here with " + fingerprints(bound.get()) + "; this request is "
                            + "signed with key " + key.fingerprint() + ". A mirror keeps its id and key for life, so "
                            + "another key cannot ask under its id" + (type == MirrorType.FARM
                            ? "; a farm's new node is vouched for by a node already in it"
                            : "; a new mirror home has a new id") + "."));
        }
        // A single mirror is its own one node: its id must not be a farm's node either.
        return nodeIdRefusal(tx, signerId, mirrorId, key, signer(tx, signerId));
    }

    /** A node id belongs to one key and one farm: what refuses it when it is bound to another of either. */
    private static Optional<Refusal> nodeIdRefusal(StoreTransaction tx, String nodeId, String mirrorId,
                                                   InstancePublicKey key, Optional<MirrorSigner> signer) {
        Optional<MirrorServer> mirrorWithThatId = tx.mirrorServers().find(nodeId);
        if (mirrorWithThatId.isPresent() && !nodeId.equals(mirrorId)) {
            return Optional.of(new Refusal("node id " + nodeId + " is a registered mirror's", "Node id " + nodeId
                    + " is the id of mirror " + mirrorWithThatId.get().name() + " registered here; a node of another "
                    + "mirror cannot use it."));
        }
        if (signer.isEmpty()) {
            return Optional.empty();
        }
        InstancePublicKey bound = new InstancePublicKey(signer.get().publicKey());
        if (!bound.equals(key)) {
            return Optional.of(new Refusal("node " + nodeId + " belongs to key " + bound.fingerprint(), "Node " + nodeId
                    + " is known here with key " + bound.fingerprint() + "; this one is signed with key "
                    + key.fingerprint() + ". A node keeps its id and key for life."));
        }
        if (!signer.get().mirrorId().equals(mirrorId)) {
            return Optional.of(new Refusal("node " + nodeId + " belongs to mirror " + signer.get().mirrorId(),
                    "Node " + nodeId + " belongs to mirror " + signer.get().mirrorId() + " here; a node serves one "
                            + "farm."));
        }
        return Optional.empty();
    }

    /** Records a refusal in the audit trail, in a transaction of its own so that it stays, and throws it. */
    private void refuse(String mirrorId, String url, String sourceAddress, InstancePublicKey offered, Refusal refusal) {
        log.warn("mirror {}: a request from {} signed with key {} refused: {}", mirrorId, sourceAddress,
                offered.fingerprint(), refusal.why());
        store.useTransaction(tx -> tx.audit().record(clock.instant(), "request from " + sourceAddress,
                AuditAction.REFUSE, mirrorId, url, "signed with key " + offered.fingerprint() + ", but "
                        + refusal.why()));
        throw new Conflict("publicKey", refusal.message());
    }

    /**
     * Adds a node to the farm of the node that vouches for it, without an administrator: the farm's
     * trusted node registers the newcomer's public key (its private key never leaves its home).
     * Vouching again for the same id and key changes nothing.
     *
     * @throws PermissionDenied when the voucher is a single mirror, not a farm's node
     * @throws Conflict when the farm is removed or full, or the id is bound to another key or mirror
     */
    public Vouched vouch(MirrorSigner voucher, FarmNodeDescription description, String sourceAddress) {
        FarmNodeDescription node = describedNode("", description);
        if (node.id().equals(voucher.mirrorId())) {
            throw new InvalidInput("id", "A node's id cannot be its farm's id " + node.id()
                    + ": the farm's own id signs nothing.");
        }
        InstancePublicKey key = new InstancePublicKey(node.publicKey());
        store.inTransaction(tx -> {
            farmThatMayVouch(tx, voucher);
            // Only what is registered binds a node id against a registered farm: an unauthenticated request that
            // was never accepted (anyone may send one under an id they saw listed) must not keep a node out for good.
            return nodeIdRefusal(tx, node.id(), voucher.mirrorId(), key, registeredSigner(tx, node.id()));
        }).ifPresent(refusal -> refuse(voucher.mirrorId(), node.url(), sourceAddress, key, refusal));
        Vouched vouched = store.inTransaction(tx -> {
            MirrorServer farm = farmThatMayVouch(tx, voucher);
            Optional<FarmNode> known = tx.farmNodes().find(node.id());
            if (known.isPresent() && known.get().mirrorId().equals(farm.id())
                    && new InstancePublicKey(known.get().publicKey()).equals(key)) {
                return new Vouched(known.get(), false);
            }
            int nodes = tx.farmNodes().countOfMirror(farm.id());
            if (nodes >= MAX_NODES_PER_FARM) {
                throw new Conflict("node", "Farm " + farm.name() + " has " + nodes + " nodes, the most a farm may "
                        + "have; an administrator removes a node that is gone before another can join.");
            }
            FarmNode added = new FarmNode(node.id(), farm.id(), node.name(), node.url(), key.jwk(), clock.instant(),
                    voucher.nodeId(), null, null, null);
            tx.farmNodes().add(added);
            tx.audit().record(clock.instant(), "node " + voucher.nodeId(), AuditAction.VOUCH, farm.id(), node.url(),
                    describe(node) + " vouched for by node " + voucher.nodeId());
            return new Vouched(added, true);
        });
        if (vouched.added()) {
            log.info("{}: node {} ({}, {}) added to the farm, vouched for by node {}; key {}", voucher.describe(),
                    node.id(), node.name(), node.url(), voucher.nodeId(), key.fingerprint());
        }
        return vouched;
    }

    private static MirrorServer farmThatMayVouch(StoreTransaction tx, MirrorSigner voucher) {
        MirrorServer farm = tx.mirrorServers().find(voucher.mirrorId())
                .orElseThrow(() -> new NotFound("mirror", "Mirror " + voucher.mirrorId() + " is not registered here."));
        if (farm.type() != MirrorType.FARM || tx.farmNodes().find(voucher.nodeId()).isEmpty()) {
            throw new PermissionDenied("Only a node of a registered farm can vouch for a node; " + voucher.describe()
                    + " is a single mirror.");
        }
        if (farm.isRemoved()) {
            throw new Conflict("mirror", "Farm " + farm.name() + " was removed by " + farm.removedBy() + "; it takes no "
                    + "new nodes until an administrator restores it.");
        }
        return farm;
    }

    /** A node a farm vouched for, and whether it was added now ({@code false}: it was there already). */
    /** The version a request names, as long as a mirror server's version may be; blank is none. */
    private static String versionOf(AuthorizationRequest request) {
        String version = request.productVersion();
        if (version == null || version.isBlank()) {
            return null;
        }
        String stripped = version.strip();
        return stripped.length() <= 64 ? stripped : stripped.substring(0, 64);
    }

    public record Vouched(FarmNode node, boolean added) {
    }

    /** What the primary answers a mirror about one of its own requests (a farm's node: about its farm's). */
    public AuthorizationStatus requestStatus(MirrorSigner signer, String requestId) {
        MirrorRequest request = store.inTransaction(tx -> tx.mirrorRequests().find(requestId)
                        .filter(r -> reader(tx, r, signer.nodeId()).filter(signer::equals).isPresent()))
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

    // ---- called by administrators ----

    public Page<MirrorRequest> requests(Caller caller, RequestState state, int start, int limit) {
        AccessRules.requireAdmin(caller);
        return store.inTransaction(tx -> Page.of(tx.mirrorRequests().list(state, start, limit + 1), start, limit));
    }

    public MirrorRequest request(Caller caller, String requestId) {
        AccessRules.requireAdmin(caller);
        return store.inTransaction(tx -> findRequest(tx, requestId));
    }

    /**
     * Authorizes the mirror that sent a request, or restores it when it is registered and removed.
     *
     * @throws Conflict when the request is decided already, or signed by another key than the mirror's
     */
    public MirrorRequest accept(Caller caller, String requestId) {
        AccessRules.requireAdmin(caller);
        MirrorRequest accepted = store.inTransaction(tx -> {
            MirrorRequest request = pending(tx, requestId);
            InstancePublicKey key = new InstancePublicKey(request.publicKey());
            Optional<MirrorServer> registered = tx.mirrorServers().find(request.mirrorId());
            if (registered.isPresent() && registered.get().type() != request.type()) {
                throw new Conflict("mirrorType", "Request " + requestId + " is for a " + request.type() + ", but mirror "
                        + request.mirrorId() + " is registered here as a " + registered.get().type() + ". It cannot be "
                        + "accepted; reject it.");
            }
            Optional<Set<InstancePublicKey>> bound = boundKeys(tx, request.mirrorId(), request.type());
            if (bound.isPresent() && !bound.get().contains(key)) {
                // Requests filed before ids were bound to keys may still wait; none of them may take a mirror over.
                throw new Conflict("publicKey", "Request " + requestId + " is signed with key " + key.fingerprint()
                        + ", but mirror " + request.mirrorId() + " is known here with " + fingerprints(bound.get())
                        + ". It cannot be accepted; reject it.");
            }
            Optional<MirrorSigner> signerBinding = signer(tx, request.signerId());
            if (signerBinding.isPresent() && (!signerBinding.get().mirrorId().equals(request.mirrorId())
                    || !new InstancePublicKey(signerBinding.get().publicKey()).equals(key))) {
                throw new Conflict("node", "Request " + requestId + " is signed by " + request.signerId()
                        + ", which is bound here to another key or another mirror. It cannot be accepted; reject it.");
            }
            tx.mirrorRequests().decide(requestId, RequestState.ACCEPTED, clock.instant(), caller.name().value());
            tx.mirrorServers().register(new MirrorServer(request.mirrorId(), request.name(), request.baseUrl(),
                    key.jwk(), request.type(), true, clock.instant(), null, null, null, 0, 0, null, null, null,
                    null));
            if (request.node() != null && tx.farmNodes().find(request.node().id()).isEmpty()) {
                tx.farmNodes().add(new FarmNode(request.node().id(), request.mirrorId(), request.node().name(),
                        request.node().url(), key.jwk(), clock.instant(), null, null, null, null));
            }
            tx.mirrorServers().markRemoved(request.mirrorId(), null, null, null);
            tx.audit().record(clock.instant(), caller.name().value(), AuditAction.ACCEPT, request.mirrorId(),
                    request.baseUrl(), "request " + requestId + (request.node() == null ? ""
                            : ", asked by " + describe(request.node())) + ", key " + key.fingerprint());
            return tx.mirrorRequests().find(requestId).orElseThrow();
        });
        log.info("mirror {} ({}) authorized by {}", accepted.mirrorId(), accepted.baseUrl(), caller);
        return accepted;
    }

    public MirrorRequest reject(Caller caller, String requestId) {
        AccessRules.requireAdmin(caller);
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

    /**
     * A restore answers the mirror's waiting reconnect request too: the administrator has taken
     * the mirror back, so its request is accepted rather than left to wait for a second decision.
     */
    void acceptWaitingRequestsOnRestore(StoreTransaction tx, MirrorServer restored, String actor) {
        Set<InstancePublicKey> keys = boundKeys(tx, restored.id(), restored.type()).orElse(Set.of());
        for (MirrorRequest waiting : tx.mirrorRequests().pendingFrom(restored.id())) {
            if (keys.contains(new InstancePublicKey(waiting.publicKey()))) {
                tx.mirrorRequests().decide(waiting.id(), RequestState.ACCEPTED, clock.instant(), actor);
                tx.audit().record(clock.instant(), actor, AuditAction.ACCEPT, restored.id(), waiting.baseUrl(),
                        "request " + waiting.id() + " answered by the restore");
            }
        }
    }

    /** Who signed as {@code issuer}, as {@link #signerOf} describes it. */
    private static Optional<MirrorSigner> signer(StoreTransaction tx, String issuer) {
        Optional<MirrorSigner> registered = registeredSigner(tx, issuer);
        if (registered.isPresent() || tx.mirrorServers().find(issuer).isPresent()) {
            return registered;
        }
        // Once its mirror is registered, a node's key is its row's alone: a removed node's first request binds nothing.
        return tx.mirrorRequests().firstSignedBy(issuer)
                .filter(request -> tx.mirrorServers().find(request.mirrorId()).isEmpty())
                .map(request -> new MirrorSigner(request.mirrorId(), issuer, request.publicKey()));
    }

    /** Who signs as {@code issuer} by registration alone: a farm's node, or a registered single mirror. */
    private static Optional<MirrorSigner> registeredSigner(StoreTransaction tx, String issuer) {
        Optional<FarmNode> node = tx.farmNodes().find(issuer);
        if (node.isPresent()) {
            return Optional.of(new MirrorSigner(node.get().mirrorId(), issuer, node.get().publicKey()));
        }
        Optional<MirrorServer> server = tx.mirrorServers().find(issuer);
        if (server.isPresent() && server.get().type() == MirrorType.SINGLE) {
            return Optional.of(new MirrorSigner(issuer, issuer, server.get().publicKey()));
        }
        return Optional.empty();
    }

    /**
     * The keys that may ask under a mirror id as a mirror of type {@code asking}: a registered single
     * mirror's, a registered farm's nodes', or, before a single mirror is registered, the key of the
     * first single mirror's request under that id. Empty when the id is bound to nothing yet, as an
     * unregistered farm's id is. A request of one type never binds an unregistered id for the other:
     * a single mirror's request filed first under a farm's id (shown on every node's page) would
     * otherwise keep the farm from ever asking.
     */
    private static Optional<Set<InstancePublicKey>> boundKeys(StoreTransaction tx, String mirrorId,
                                                              MirrorType asking) {
        Optional<MirrorServer> server = tx.mirrorServers().find(mirrorId);
        if (server.isPresent()) {
            if (server.get().type() == MirrorType.FARM) {
                return Optional.of(tx.farmNodes().ofMirror(mirrorId).stream()
                        .map(node -> new InstancePublicKey(node.publicKey())).collect(Collectors.toSet()));
            }
            return Optional.of(Set.of(new InstancePublicKey(server.get().publicKey())));
        }
        // An unregistered farm binds no key: its first request names whichever node coordinated then, and when that
        // node is gone before an administrator decides, another node of the farm must be able to ask. Each node id
        // stays bound to its own key, and only an acceptance binds the farm (to the node that asked).
        if (asking == MirrorType.FARM) {
            return Optional.empty();
        }
        return tx.mirrorRequests().firstFrom(mirrorId, MirrorType.SINGLE)
                .map(request -> Set.of(new InstancePublicKey(request.publicKey())));
    }

    private static String fingerprints(Set<InstancePublicKey> keys) {
        if (keys.isEmpty()) {
            return "no key (every node of the farm was removed)";
        }
        return (keys.size() == 1 ? "key " : "keys ")
                + keys.stream().map(InstancePublicKey::fingerprint).sorted().collect(Collectors.joining(", "));
    }

    /** How the audit trail names a node: its id, name, URL and key fingerprint. */
    private static String describe(FarmNodeDescription node) {
        return "node " + node.id() + " (" + node.name() + ", " + node.url() + ", key "
                + new InstancePublicKey(node.publicKey()).fingerprint() + ")";
    }

    /** A node's description with each part checked; {@code field} prefixes the name of the part at fault. */
    private static FarmNodeDescription describedNode(String field, FarmNodeDescription node) {
        String prefix = field.isEmpty() ? "" : field + ".";
        if (node == null) {
            throw new InvalidInput(field.isEmpty() ? "node" : field, "A node's id, name, URL and public key are "
                    + "required.");
        }
        requireInstanceId(prefix + "id", node.id());
        String name = ProjectService.requireText(prefix + "name", "A node name", node.name(), 255);
        String url = requireHttpUrl(prefix + "url", node.url());
        if (node.publicKey() == null) {
            throw new InvalidInput(prefix + "publicKey", "A node's public key is required.");
        }
        return new FarmNodeDescription(node.id(), name, url, new InstancePublicKey(node.publicKey()).jwk());
    }

    private static void requireInstanceId(String field, String value) {
        if (!InstanceIdentity.isInstanceId(value)) {
            throw new InvalidInput(field, "'" + (value == null ? "" : value.length() > 64 ? value.substring(0, 64)
                    : value) + "' is not an instance id (a lower-case UUID).");
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

    private static String requireHttpUrl(String field, String raw) {
        try {
            URI uri = new URI(Objects.requireNonNull(raw));
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
            }
        } catch (Exception e) {
            // reported below
        }
        throw new InvalidInput(field, "This URL must be an absolute http(s) URL, not '" + raw + "'.");
    }
}
