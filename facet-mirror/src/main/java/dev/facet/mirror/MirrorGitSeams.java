package dev.facet.mirror;

import dev.facet.git.AdvertisedRefsCache;
import dev.facet.git.AuthorizedRepositoryResolver;
import dev.facet.git.GitOperationObserver;
import dev.facet.git.GitSeams;
import dev.facet.git.GitSession;
import dev.facet.git.HostedUploadPackFactory;
import dev.facet.git.RepositoryStore;
import org.eclipse.jgit.transport.resolver.ReceivePackFactory;
import org.eclipse.jgit.transport.resolver.ServiceNotEnabledException;
import org.eclipse.jgit.transport.resolver.UploadPackFactory;

/**
 * How a mirror serves Git over SSH: reads from its own copies, behind its {@link ReadGate} as over
 * HTTP; a push goes on to the primary through {@link SshPushForwarder}, which decides it with the
 * client's own login signature.
 */
public final class MirrorGitSeams {
    private MirrorGitSeams() {
    }

    public static GitSeams overSsh(RepositoryStore repositories, AdvertisedRefsCache advertisedRefs,
                                   GitOperationObserver observer, ReadGate readGate,
                                   ReceivePackFactory<GitSession> pushes) {
        HostedUploadPackFactory uploads = new HostedUploadPackFactory(observer, advertisedRefs);
        UploadPackFactory<GitSession> gatedUploads = (session, repository) -> {
            try {
                readGate.beforeRead(session.repositoryId());
            } catch (CatchingUp e) {
                throw new ServiceNotEnabledException(e.getMessage());
            }
            return uploads.create(session, repository);
        };
        return new GitSeams(new AuthorizedRepositoryResolver(repositories), gatedUploads, pushes);
    }
}
