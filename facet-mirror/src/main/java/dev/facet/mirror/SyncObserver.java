package dev.facet.mirror;

/** Told what the sync engine does; metrics and the reports of served states implement it. */
public interface SyncObserver {
    SyncObserver NONE = new SyncObserver() { };

    /** Tells {@code first}, then {@code second}. */
    static SyncObserver both(SyncObserver first, SyncObserver second) {
        return new SyncObserver() {
            @Override
            public void onSynced(long repositoryId, String servedRefsHash, long millis, long bytesFetched) {
                first.onSynced(repositoryId, servedRefsHash, millis, bytesFetched);
                second.onSynced(repositoryId, servedRefsHash, millis, bytesFetched);
            }

            @Override
            public void onSyncFailed(long repositoryId) {
                first.onSyncFailed(repositoryId);
                second.onSyncFailed(repositoryId);
            }

            @Override
            public void onRemoving(long repositoryId) {
                first.onRemoving(repositoryId);
                second.onRemoving(repositoryId);
            }
        };
    }

    /** A sync brought the repository to the state whose refs hash is {@code servedRefsHash}, which it now serves. */
    default void onSynced(long repositoryId, String servedRefsHash, long millis, long bytesFetched) {
    }

    default void onSyncFailed(long repositoryId) {
    }

    /** The mirror is about to stop carrying the repository; its record is still there. */
    default void onRemoving(long repositoryId) {
    }
}
