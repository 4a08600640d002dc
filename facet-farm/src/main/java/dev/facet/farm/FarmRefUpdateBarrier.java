package dev.facet.farm;

import dev.facet.git.MirrorFetcher;
import dev.facet.mirror.RefUpdateBarrier;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A farm node's step between "objects fetched" and "refs moved": it offers the fetched state to
 * the farm and waits, a bounded time, until the farm publishes a state. When that is its own
 * (every node that counts holds the objects), the refs move to it; when another state was
 * published, the node brings itself to that one if it holds its objects and leaves its own aside
 * (its sync then fetches again). So no node's refs move to a state some ready node could not serve.
 */
public final class FarmRefUpdateBarrier implements RefUpdateBarrier {
    private static final Logger log = LoggerFactory.getLogger("facet.sync");
    /** Waiters are woken by changes of the farm's record; this bounds the wait between looks all the same. */
    private static final long LOOK_AGAIN_MILLIS = 200;

    private final PublishedRefs published;

    public FarmRefUpdateBarrier(PublishedRefs published) {
        this.published = published;
    }

    @Override
    public MirrorFetcher.BeforeRefsMove beginSync(long repositoryId) {
        // From the farm's record itself: this node's copy only ever rises, and after a split heals with a lower
        // generation it would let a fetch begun before newer publications pass as based on them.
        long basedOn = published.record(repositoryId).generation();
        return target -> awaitObjectsEverywhere(repositoryId, basedOn, target);
    }

    @Override
    public void removed(long repositoryId) {
        published.forget(repositoryId);
    }

    private boolean awaitObjectsEverywhere(long repositoryId, long basedOn, Map<String, ObjectId> target)
            throws IOException {
        FarmRefsRecord.RefsState own = FarmRefsRecord.RefsState.of(target);
        long deadline = System.nanoTime() + published.settings().publishWait().toNanos();
        try {
            while (true) {
                FarmRefsRecord record = published.offer(repositoryId, own, basedOn);
                FarmRefsRecord.Published now = record.published();
                if (now != null && now.state().sameAs(own)) {
                    return true;
                }
                if (now != null && now.generation() > basedOn) {
                    boolean caughtUp = published.catchUp(repositoryId);
                    log.debug("repository {}: the farm published generation {}, not the state fetched here; {}",
                            repositoryId, now.generation(), caughtUp ? "brought here" : "its objects are not here yet");
                    return false;
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new IOException("The farm did not publish the fetched state of repository " + repositoryId
                            + " within " + published.settings().publishWait() + " (not every ready node holds its "
                            + "objects yet); the refs stay as they were");
                }
                published.awaitChange(Math.min(left, LOOK_AGAIN_MILLIS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("stopped while waiting for the farm to publish repository "
                    + repositoryId);
        }
    }
}
