package dev.facet.git;

import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.resolver.ReceivePackFactory;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;
import org.eclipse.jgit.transport.resolver.ServiceNotEnabledException;

/**
 * Caps the pack a push may send. JGit stops reading once the pack passes the limit and tells the
 * Git client, in the push's own report, that the pack exceeds it; nothing of it is kept.
 */
public final class SizeLimitedReceivePacks implements ReceivePackFactory<GitSession> {
    private final ReceivePackFactory<GitSession> receivePacks;
    private final long maxPushBytes;

    public SizeLimitedReceivePacks(ReceivePackFactory<GitSession> receivePacks, long maxPushBytes) {
        if (maxPushBytes <= 0) {
            throw new IllegalArgumentException("The push size limit must be positive");
        }
        this.receivePacks = receivePacks;
        this.maxPushBytes = maxPushBytes;
    }

    @Override
    public ReceivePack create(GitSession session, Repository repository)
            throws ServiceNotEnabledException, ServiceNotAuthorizedException {
        ReceivePack receivePack = receivePacks.create(session, repository);
        receivePack.setMaxPackSizeLimit(maxPushBytes);
        return receivePack;
    }
}
