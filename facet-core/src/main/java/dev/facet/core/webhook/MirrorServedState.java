package dev.facet.core.webhook;

import java.time.Instant;

/**
 * The state a mirror last reported serving a repository at.
 *
 * @param eventSequence the REFS_CHANGED event that produced that state, or null when none the primary still keeps did
 */
public record MirrorServedState(String mirrorId, long repositoryId, String refsHash, Long eventSequence,
                                Instant reportedAt) {
}
