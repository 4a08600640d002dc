package dev.facet.git;

import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.resolver.UploadPackFactory;

/**
 * Serves clones and fetches from a repository on this instance's disk, counting each for metrics; the refs it
 * advertises come from {@code advertisedRefs}, read once per change of the repository's refs. Small incremental
 * fetches are packed without the bitmap ({@link SmallFetchPacking}).
 */
public final class HostedUploadPackFactory implements UploadPackFactory<GitSession> {
    private final GitOperationObserver observer;
    private final AdvertisedRefsCache advertisedRefs;

    public HostedUploadPackFactory(GitOperationObserver observer, AdvertisedRefsCache advertisedRefs) {
        this.observer = observer;
        this.advertisedRefs = advertisedRefs;
    }

    @Override
    public UploadPack create(GitSession session, Repository repository) {
        long repositoryId = session.repositoryId();
        UploadPack uploadPack = new UploadPack(SmallFetchPacking.servable(repository));
        uploadPack.setPreUploadHook(SmallFetchPacking.HOOK);
        uploadPack.setRefFilter(KeptRefs.HIDDEN);
        uploadPack.setAdvertiseRefsHook(advertisedRefs.hook(repository));
        uploadPack.setExtraParameters(session.protocolParameters());
        uploadPack.setPostUploadHook(stats -> observer.onUpload(repositoryId, stats.getHaves() == 0,
                stats.getTotalBytes()));
        return uploadPack;
    }
}
