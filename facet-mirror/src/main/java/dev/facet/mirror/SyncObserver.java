package dev.facet.mirror;

/** Told what the sync engine does; metrics implement it. */
public interface SyncObserver {
    SyncObserver NONE = new SyncObserver() { };

    default void onSynced(long repositoryId, long millis, long bytesFetched) {
    }

    default void onSyncFailed(long repositoryId) {
    }
}
