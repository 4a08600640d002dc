package dev.facet.farm;

import dev.facet.mirror.CatchingUp;
import dev.facet.mirror.ReadGate;

/**
 * A farm node's gate before every Git read: when the farm has published a newer state of the
 * repository than this node's refs are at, the node applies it at once if it holds its objects
 * (checked here, never taken on another node's word), or waits briefly for its own sync to bring
 * them, and otherwise refuses with "this node is catching up". It reads the farm's record itself
 * (one map read from the member that owns it), never this node's copy of it: the copy trails the
 * farm by a listener's delay, and a client that has just read a newer state through another node
 * must not read an older one here.
 */
public final class FarmReadGate implements ReadGate {
    private static final long LOOK_AGAIN_MILLIS = 50;

    private final PublishedRefs published;

    public FarmReadGate(PublishedRefs published) {
        this.published = published;
    }

    @Override
    public void beforeRead(long repositoryId) {
        long deadline = System.nanoTime() + published.settings().readWait().toNanos();
        try {
            while (!published.catchUp(repositoryId)) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new CatchingUp(repositoryId);
                }
                published.awaitChange(Math.min(left, LOOK_AGAIN_MILLIS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CatchingUp(repositoryId);
        }
    }
}
