package dev.facet.core.mirror.protocol;

import java.util.List;

/** What a mirror reports every few seconds: its state in its own words and how far behind it is. */
public record Heartbeat(String state, String version, int repositoriesInSync, int repositoriesBehind,
                        List<Lag> worstLags, long appliedSequence) {
    /** A repository that is behind, and for how long. */
    public record Lag(long repositoryId, String project, String slug, long lagMillis) {
    }
}
