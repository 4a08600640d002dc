package dev.facet.mirror;

import dev.facet.core.mirror.MirrorOffload;
import dev.facet.core.store.MirrorStore;
import dev.facet.git.GitOperationObserver;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What this mirror node served by itself and what it passed on to the primary, counted since it was
 * installed and kept in its own database, so a restart loses at most the last heartbeat's worth. The
 * heartbeat reports the totals ({@link #saved()}); the primary shows them as the mirror's offload.
 */
public final class OffloadCounts implements GitOperationObserver, SyncObserver {
    private static final String PREFIX = "offload.";

    private final MirrorStore store;
    private final AtomicLong clones;
    private final AtomicLong fetches;
    private final AtomicLong bytesServed;
    private final AtomicLong pushesForwarded;
    private final AtomicLong bytesForwarded;
    private final AtomicLong bytesFetched;

    public OffloadCounts(MirrorStore store) {
        this.store = store;
        clones = load("clones");
        fetches = load("fetches");
        bytesServed = load("bytes-served");
        pushesForwarded = load("pushes-forwarded");
        bytesForwarded = load("bytes-forwarded");
        bytesFetched = load("bytes-fetched");
    }

    private AtomicLong load(String name) {
        long saved = store.inTransaction(tx -> tx.instanceSettings().get(PREFIX + name)).map(value -> {
            try {
                return Math.max(0, Long.parseLong(value));
            } catch (NumberFormatException e) {
                return 0L;
            }
        }).orElse(0L);
        return new AtomicLong(saved);
    }

    @Override
    public void onUpload(long repositoryId, boolean clone, long bytesSent) {
        (clone ? clones : fetches).incrementAndGet();
        bytesServed.addAndGet(Math.max(0, bytesSent));
    }

    @Override
    public void onSynced(long repositoryId, String servedRefsHash, long millis, long fetched) {
        bytesFetched.addAndGet(Math.max(0, fetched));
    }

    /** A push passed on to the primary, with the bytes it carried there and back. */
    public void onPushForwarded(long bytes) {
        pushesForwarded.incrementAndGet();
        bytesForwarded.addAndGet(Math.max(0, bytes));
    }

    /** Another exchange passed on with a push (its ref advertisement), counted in bytes only. */
    public void onForwarded(long bytes) {
        bytesForwarded.addAndGet(Math.max(0, bytes));
    }

    /** The totals now, as they stand. */
    public MirrorOffload current() {
        return new MirrorOffload(clones.get(), fetches.get(), bytesServed.get(), pushesForwarded.get(),
                bytesForwarded.get(), bytesFetched.get());
    }

    /** The totals now, written to the database first. */
    public MirrorOffload saved() {
        MirrorOffload totals = current();
        store.inTransaction(tx -> {
            tx.instanceSettings().put(PREFIX + "clones", Long.toString(totals.clones()));
            tx.instanceSettings().put(PREFIX + "fetches", Long.toString(totals.fetches()));
            tx.instanceSettings().put(PREFIX + "bytes-served", Long.toString(totals.bytesServed()));
            tx.instanceSettings().put(PREFIX + "pushes-forwarded", Long.toString(totals.pushesForwarded()));
            tx.instanceSettings().put(PREFIX + "bytes-forwarded", Long.toString(totals.bytesForwarded()));
            tx.instanceSettings().put(PREFIX + "bytes-fetched", Long.toString(totals.bytesFetched()));
            return null;
        });
        return totals;
    }
}
