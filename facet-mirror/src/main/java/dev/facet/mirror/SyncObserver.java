package dev.facet.mirror;

/** Told what the sync engine does; metrics and the reports of served states implement it. */
public interface SyncObserver {
    SyncObserver NONE = new SyncObserver() { };

    /** Tells {@code first}, then {@code second}. */
    static SyncObserver both(SyncObserver first, SyncObserver second) {
        return new SyncObserver() {
            @Override
            public void onSynced(long repositoryId, long millis, long bytesFetched) {
                first.onSynced(repositoryId, millis, bytesFetched);
                second.onSynced(repositoryId, millis, bytesFetched);
            }

            @Override
            public void onSyncFailed(long repositoryId) {
                first.onSyncFailed(repositoryId);
                second.onSyncFailed(repositoryId);
            }
        };
    }

    default void onSynced(long repositoryId, long millis, long bytesFetched) {
    }

    default void onSyncFailed(long repositoryId) {
    }
}
