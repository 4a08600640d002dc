package dev.facet.mirror;

import java.util.Optional;

/**
 * Who follows the upstream: holds the one connection to its event stream and reconciles every
 * repository with it every interval. A lone mirror follows it itself
 * ({@link DirectUpstreamFollower}); in a farm only one member does, for all of them, so the
 * farm is one mirror to the primary.
 */
public interface UpstreamFollower {
    /** Starts following, once the mirror is installed. Calling it again changes nothing. */
    void start();

    /** After a restore or a new acceptance: brings what changed meanwhile now rather than at the next interval. */
    void resume();

    void stop();

    /** What the upstream presented at the last identity check, to show beside the pin while they differ. */
    Optional<UpstreamClient.UpstreamIdentity> lastPresented();
}
