package dev.facet.primary;

import dev.facet.core.access.Caller;
import dev.facet.core.error.Conflict;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.error.NotFound;
import dev.facet.core.error.TooManyRequests;
import dev.facet.core.event.EventChain;
import dev.facet.core.identity.InstancePublicKey;
import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.MirrorRequest;
import dev.facet.core.mirror.MirrorServer;
import dev.facet.core.mirror.RequestState;
import dev.facet.core.mirror.protocol.AuthorizationRequest;
import dev.facet.core.mirror.protocol.AuthorizationStatus;
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
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
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
 * <p>Requests are open to anyone (a new mirror has no credentials yet), so each source address
 * may send only so many per minute and keep only so many waiting for a decision.
 */
public final class MirrorAdmission {
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

    /** The key a mirror id belongs to: the registered mirror's, else the one its first request was signed with. */
    public Optional<String> keyOf(String mirrorId) {
        return store.inTransaction(tx -> boundKey(tx, mirrorId)).map(InstancePublicKey::jwk);
    }

    /**
     * The key that signed request {@code requestId}, when it was sent under {@code mirrorId}: a
     * mirror's status lookups are checked against it, so only the request's signer reads its answer.
     */
    public Optional<String> keyOfRequest(String mirrorId, String requestId) {
        return store.inTransaction(tx -> tx.mirrorRequests().find(requestId))
                .filter(request -> request.mirrorId().equals(mirrorId)).map(MirrorRequest::publicKey);
    }

    /**
     * Records a new request, or answers with the one its mirror already has waiting.
     *
     * @param verifiedMirrorId the mirror id the request's signature was checked for, with the key it carries
     * @throws Conflict when the mirror id belongs to another key
     * @throws TooManyRequests when the source address has too many requests waiting
     */
    public AuthorizationStatus submit(String verifiedMirrorId, AuthorizationRequest request, String sourceAddress) {
        if (!verifiedMirrorId.equals(request.mirrorId())) {
            throw new InvalidInput("mirrorId", "The request is signed by " + verifiedMirrorId
                    + " but names mirror " + request.mirrorId() + ".");
        }
        String name = ProjectService.requireText("name", "A mirror name", request.name(), 255);
        String mirrorUrl = requireHttpUrl(request.baseUrl());
        if (request.mirrorType() == null) {
            throw new InvalidInput("mirrorType", "A mirror type (SINGLE or FARM) is required.");
        }
        InstancePublicKey key = new InstancePublicKey(request.publicKey());
        Optional<InstancePublicKey> bound = store.inTransaction(tx -> boundKey(tx, request.mirrorId()));
        if (bound.isPresent() && !bound.get().equals(key)) {
            refuseAnotherKey(request.mirrorId(), mirrorUrl, bound.get(), key, sourceAddress);
        }
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
            boolean known = bound.isPresent();
            MirrorRequest created = new MirrorRequest(UUID.randomUUID().toString(), request.mirrorId(), name, mirrorUrl,
                    key.jwk(), request.mirrorType(), RequestState.PENDING, clock.instant(), null, null, sourceAddress);
            tx.mirrorRequests().create(created);
            tx.audit().record(clock.instant(), "mirror " + name, known ? AuditAction.RECONNECT : AuditAction.REQUEST,
                    request.mirrorId(), mirrorUrl, "request " + created.id() + " from " + sourceAddress + ", key "
                            + key.fingerprint());
            return created;
        });
        log.info("mirror {} ({}, {}) asked to be authorized: request {}, key {}", recorded.mirrorId(), recorded.name(),
                recorded.baseUrl(), recorded.id(), key.fingerprint());
        return status(recorded);
    }

    private void refuseAnotherKey(String mirrorId, String mirrorUrl, InstancePublicKey bound, InstancePublicKey offered,
                                  String sourceAddress) {
        log.warn("mirror {}: a request from {} is signed with key {}, but this mirror id belongs to key {}; refused",
                mirrorId, sourceAddress, offered.fingerprint(), bound.fingerprint());
        store.useTransaction(tx -> tx.audit().record(clock.instant(), "request from " + sourceAddress,
                AuditAction.REFUSE, mirrorId, mirrorUrl, "signed with key " + offered.fingerprint()
                        + ", but the mirror id belongs to key " + bound.fingerprint()));
        throw new Conflict("publicKey", "Mirror " + mirrorId + " is known here with key " + bound.fingerprint()
                + "; this request is signed with key " + offered.fingerprint() + ". A mirror keeps its id and key "
                + "for life, so another key cannot ask under its id. A new mirror home has a new id.");
    }

    /** What the primary answers a mirror about one of its own requests. */
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
            Optional<InstancePublicKey> bound = boundKey(tx, request.mirrorId());
            if (bound.isPresent() && !bound.get().equals(key)) {
                // Requests filed before ids were bound to keys may still wait; none of them may take a mirror over.
                throw new Conflict("publicKey", "Request " + requestId + " is signed with key " + key.fingerprint()
                        + ", but mirror " + request.mirrorId() + " is known here with key " + bound.get().fingerprint()
                        + ". It cannot be accepted; reject it.");
            }
            tx.mirrorRequests().decide(requestId, RequestState.ACCEPTED, clock.instant(), caller.name().value());
            tx.mirrorServers().register(new MirrorServer(request.mirrorId(), request.name(), request.baseUrl(),
                    key.jwk(), request.type(), true, clock.instant(), null, null, null, 0, 0, null, null, null,
                    null));
            tx.mirrorServers().markRemoved(request.mirrorId(), null, null, null);
            tx.audit().record(clock.instant(), caller.name().value(), AuditAction.ACCEPT, request.mirrorId(),
                    request.baseUrl(), "request " + requestId + ", key " + key.fingerprint());
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
        InstancePublicKey key = new InstancePublicKey(restored.publicKey());
        for (MirrorRequest waiting : tx.mirrorRequests().pendingFrom(restored.id())) {
            if (new InstancePublicKey(waiting.publicKey()).equals(key)) {
                tx.mirrorRequests().decide(waiting.id(), RequestState.ACCEPTED, clock.instant(), actor);
                tx.audit().record(clock.instant(), actor, AuditAction.ACCEPT, restored.id(), waiting.baseUrl(),
                        "request " + waiting.id() + " answered by the restore");
            }
        }
    }

    /** The key a mirror id belongs to, as {@link #keyOf} describes it. */
    private static Optional<InstancePublicKey> boundKey(StoreTransaction tx, String mirrorId) {
        return tx.mirrorServers().find(mirrorId).map(MirrorServer::publicKey)
                .or(() -> tx.mirrorRequests().firstFrom(mirrorId).map(MirrorRequest::publicKey))
                .map(InstancePublicKey::new);
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
}
