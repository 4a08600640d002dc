package dev.facet.core.store;

import dev.facet.core.mirror.MirrorRequest;
import dev.facet.core.mirror.MirrorType;
import dev.facet.core.mirror.RequestState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Authorization requests from mirrors, on the primary. */
public interface MirrorRequests {
    void create(MirrorRequest request);

    Optional<MirrorRequest> find(String requestId);

    /** The newest request a mirror has sent. */
    Optional<MirrorRequest> latestFrom(String mirrorId);

    /** The oldest request of one type sent under a mirror id. */
    Optional<MirrorRequest> firstFrom(String mirrorId, MirrorType type);

    /**
     * The oldest request signed by {@code signerId}: a single mirror's under its own id, or one a farm
     * node signed. Its key is the one that signer belongs to until it is registered.
     */
    Optional<MirrorRequest> firstSignedBy(String signerId);

    /** The PENDING requests sent under a mirror id, newest first. */
    List<MirrorRequest> pendingFrom(String mirrorId);

    /** How many PENDING requests came from one network address. */
    int countPendingFromAddress(String sourceAddress);

    /** Newest first; all states when {@code state} is null. */
    List<MirrorRequest> list(RequestState state, int start, int limit);

    void decide(String requestId, RequestState state, Instant decidedAt, String decidedBy);

    /** Forgets every request; returns how many there were. */
    int deleteAll();
}
