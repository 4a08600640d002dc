package dev.facet.git;

import dev.facet.core.access.GitAccessPolicy;
import dev.facet.core.lfs.LfsLocks;
import org.eclipse.jgit.transport.resolver.ReceivePackFactory;
import org.eclipse.jgit.transport.resolver.RepositoryResolver;
import org.eclipse.jgit.transport.resolver.UploadPackFactory;

/**
 * How this instance serves a {@link GitSession}, built once and shared by every transport, so a
 * clone or push over SSH runs exactly the checks, hooks and limits one over HTTP does.
 */
public record GitSeams(RepositoryResolver<GitSession> repositories, UploadPackFactory<GitSession> uploadPacks,
                       ReceivePackFactory<GitSession> receivePacks) {

    /**
     * Repositories this instance hosts and receives pushes into: WRITE checked where the pack is
     * taken, the pack capped at {@code maxPushBytes}, files others hold Git LFS locks on left unchanged,
     * each push logged and announced; the refs advertised to readers come from {@code advertisedRefs}.
     */
    public static GitSeams hosted(RepositoryStore repositories, GitAccessPolicy access, RefChangeListener refChanges,
                                  PushLog pushLog, long maxPushBytes, GitOperationObserver observer, LfsLocks lfsLocks,
                                  AdvertisedRefsCache advertisedRefs) {
        return new GitSeams(new AuthorizedRepositoryResolver(repositories),
                new HostedUploadPackFactory(observer, advertisedRefs),
                new SizeLimitedReceivePacks(new AuditedReceivePacks(new LockedFilesReceivePacks(
                        new HostedReceivePackFactory(repositories, access, refChanges, observer), lfsLocks), pushLog),
                        maxPushBytes));
    }
}
