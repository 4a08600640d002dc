package dev.facet.core.mirror.protocol;

import dev.facet.core.mirror.MirrorOffload;
import java.util.List;

/**
 * What a mirror reports every few seconds: its state in its own words, how far behind it is, and
 * what it served by itself and passed on ({@code offload}, null from a mirror that does not count it), and
 * where it serves Git over SSH ({@code sshBaseUrl}, {@code ssh://git@HOST:PORT}; null with SSH off).
 */
public record Heartbeat(String state, String version, int repositoriesInSync, int repositoriesBehind,
                        List<Lag> worstLags, long appliedSequence, MirrorOffload offload, String sshBaseUrl) {
    /** A heartbeat that reports no offload and no SSH address. */
    public Heartbeat(String state, String version, int repositoriesInSync, int repositoriesBehind, List<Lag> worstLags,
                     long appliedSequence) {
        this(state, version, repositoriesInSync, repositoriesBehind, worstLags, appliedSequence, null, null);
    }

    /** A repository that is behind, and for how long. */
    public record Lag(long repositoryId, String project, String slug, long lagMillis) {
    }
}
