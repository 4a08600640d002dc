package dev.facet.core.store;

import dev.facet.core.mirror.MirrorOffload;
import dev.facet.core.mirror.MirrorServer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Registered mirrors, on the primary. */
public interface MirrorServers {
    /** Registers a mirror, or refreshes its name, URL and key when it is registered already. */
    void register(MirrorServer mirror);

    Optional<MirrorServer> find(String mirrorId);

    List<MirrorServer> list(int start, int limit);

    void recordHeartbeat(String mirrorId, Instant seenAt, String reportedState, String version, int inSync,
                         int behind, String report);

    /** Carry every project ({@code allProjects}) or just {@code projectIds}. */
    void select(String mirrorId, boolean allProjects, Set<Long> projectIds);

    Set<Long> selectedProjects(String mirrorId);

    /** Marks a mirror removed (soft delete) until {@code purgeAfter}, or not removed when {@code removedAt} is null. */
    void markRemoved(String mirrorId, Instant removedAt, Instant purgeAfter, String removedBy);

    /** Mirrors removed whose grace period ended before {@code now}. */
    List<MirrorServer> removedBefore(Instant now);

    void delete(String mirrorId);

    /** Keeps the offload counts a mirror's node last reported (a single mirror is its own one node). */
    void recordOffload(String nodeId, String mirrorId, MirrorOffload counts, Instant reportedAt);

    /** The offload counts of all of a mirror's nodes together; {@link MirrorOffload#NONE} before any report. */
    MirrorOffload offload(String mirrorId);

    /** The mirror a user prefers to clone from, if they chose one. */
    Optional<String> preferredBy(long userId);

    /** Sets the mirror a user prefers to clone from, or forgets their choice when {@code mirrorId} is null. */
    void prefer(long userId, String mirrorId);

    /** Forgets every registered mirror; returns how many there were. */
    int deleteAll();
}
