package dev.facet.mirror;

import dev.facet.core.store.MirrorStore;

/** A node applying the changes it learns of to itself: its records, its sync engine, its users' answers. */
public final class LocalUpstreamChanges implements UpstreamChanges {
    private final CarriedRepositories carried;
    private final SyncEngine sync;
    private final Reconciler reconciler;
    private final Runnable onPermissionsChanged;

    public LocalUpstreamChanges(MirrorStore store, SyncEngine sync, Reconciler reconciler,
                                Runnable onPermissionsChanged) {
        this.carried = new CarriedRepositories(store);
        this.sync = sync;
        this.reconciler = reconciler;
        this.onPermissionsChanged = onPermissionsChanged;
    }

    @Override
    public void announced(Announcement announcement) {
        if (carried.announce(announcement.id(), announcement.project(), announcement.slug(), announcement.name(),
                announcement.isPublic(), announcement.upstreamRefsHash(), announcement.changedAt())) {
            sync.request(announcement.id());
        }
    }

    @Override
    public void removed(long repositoryId) {
        sync.remove(repositoryId);
    }

    @Override
    public void permissionsChanged() {
        onPermissionsChanged.run();
    }

    @Override
    public void reconcile() {
        reconciler.reconcile();
    }

    @Override
    public void syncNow(long repositoryId) {
        sync.request(repositoryId);
    }
}
