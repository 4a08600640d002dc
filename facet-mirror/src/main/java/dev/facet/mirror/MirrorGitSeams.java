package dev.facet.mirror;

import dev.facet.core.store.MirrorStore;
import dev.facet.git.AuthorizedRepositoryResolver;
import dev.facet.git.GitOperationObserver;
import dev.facet.git.GitSeams;
import dev.facet.git.GitSession;
import dev.facet.git.HostedUploadPackFactory;
import dev.facet.git.RepositoryStore;
import java.util.Locale;
import org.eclipse.jgit.transport.resolver.ReceivePackFactory;
import org.eclipse.jgit.transport.resolver.ServiceNotEnabledException;
import org.eclipse.jgit.transport.resolver.UploadPackFactory;

/**
 * How a mirror serves Git over SSH: reads from its own copies, behind its {@link ReadGate} as over
 * HTTP; a push is refused with the primary's address to push to. Over SSH the mirror holds no
 * secret of the client's to pass on (the key's private half stays with the client), so it cannot
 * push to the primary as that user the way HTTP's {@link PushForwarder} does.
 */
public final class MirrorGitSeams {
    private MirrorGitSeams() {
    }

    public static GitSeams readOnly(RepositoryStore repositories, GitOperationObserver observer, ReadGate readGate,
                                    MirrorStore store, UpstreamClient upstream) {
        HostedUploadPackFactory uploads = new HostedUploadPackFactory(observer);
        UploadPackFactory<GitSession> gatedUploads = (session, repository) -> {
            try {
                readGate.beforeRead(session.repositoryId());
            } catch (CatchingUp e) {
                throw new ServiceNotEnabledException(e.getMessage());
            }
            return uploads.create(session, repository);
        };
        ReceivePackFactory<GitSession> refusedPushes = (session, repository) -> {
            String target = store.inTransaction(tx -> tx.repositories().find(session.repositoryId()))
                    .map(carried -> upstream.gitUrl(carried.projectKey().value().toLowerCase(Locale.ROOT),
                            carried.slug().value()))
                    .orElse(upstream.upstreamUrl());
            throw new ServiceNotEnabledException("This mirror serves reads only over SSH; push to the primary: "
                    + "git push " + target + " (or its SSH address).");
        };
        return new GitSeams(new AuthorizedRepositoryResolver(repositories), gatedUploads, refusedPushes);
    }
}
