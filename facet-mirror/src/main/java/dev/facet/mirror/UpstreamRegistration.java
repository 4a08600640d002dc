package dev.facet.mirror;

/**
 * How this node comes to be authorized by its upstream. A lone mirror sends its own request and
 * polls it ({@link DirectRegistration}); a farm node follows the farm's one request, sent by its
 * coordinator, and is vouched for by the farm once that is accepted.
 */
public interface UpstreamRegistration {
    /**
     * Starts registering as {@code self} (or resumes an installed mirror); {@code onInstalled} runs
     * each time the mirror becomes installed, and may run again for one installed already.
     */
    void start(MirrorIdentity self, Runnable onInstalled);

    /**
     * Sends a new authorization request to the same upstream for a mirror that was removed or
     * rejected, keeping its id, key and data; it resumes with a delta fetch once accepted.
     *
     * @throws IllegalStateException when the mirror is installed or already waiting for a decision
     */
    void reconnect(String actor);

    void stop();
}
