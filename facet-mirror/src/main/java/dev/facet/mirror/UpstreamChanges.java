package dev.facet.mirror;

import java.time.Instant;

/**
 * Where the changes this node learns of the upstream go: what the event stream says, and a push
 * this node forwarded. A lone mirror applies them to itself ({@link LocalUpstreamChanges}); in a
 * farm, where only the coordinator follows the stream, they reach every node.
 */
public interface UpstreamChanges {
    /** A repository as the upstream announced it: its names, and its refs hash when the announcement had one. */
    record Announcement(long id, String project, String slug, String name, Boolean isPublic, String upstreamRefsHash,
                        Instant changedAt) {
    }

    /** Records the repository and syncs it when the copy differs from what was announced. */
    void announced(Announcement announcement);

    /** The repository is gone upstream, or no longer carried. */
    void removed(long repositoryId);

    /** Who may read what changed upstream: users' answers kept are forgotten. */
    void permissionsChanged();

    /** The stream cannot tell what changed: every repository is compared with the upstream. */
    void reconcile();

    /**
     * The repository changed upstream in a way its refs hash need not show: a push this node
     * forwarded (so the pusher's next read sees it whichever node answers; the forwarding node waits
     * for its own sync itself), or a moved HEAD. It is synced now.
     */
    void syncNow(long repositoryId);
}
