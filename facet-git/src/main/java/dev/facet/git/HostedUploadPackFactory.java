package dev.facet.git;

import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.resolver.UploadPackFactory;

/** Serves clones and fetches from a repository on this instance's disk, counting each for metrics. */
public final class HostedUploadPackFactory implements UploadPackFactory<GitSession> {
    private final GitOperationObserver observer;

    public HostedUploadPackFactory(GitOperationObserver observer) {
        this.observer = observer;
    }

    @Override
    public UploadPack create(GitSession session, Repository repository) {
        long repositoryId = session.repositoryId();
        UploadPack uploadPack = new UploadPack(repository);
        uploadPack.setRefFilter(KeptRefs.HIDDEN);
        uploadPack.setExtraParameters(session.protocolParameters());
        uploadPack.setPostUploadHook(stats -> observer.onUpload(repositoryId, stats.getHaves() == 0,
                stats.getTotalBytes()));
        return uploadPack;
    }
}
