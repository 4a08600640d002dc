package dev.facet.git;

import dev.facet.core.access.Caller;
import dev.facet.core.access.GitAccessPolicy;
import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.FacetException;
import dev.facet.core.ref.RefChange;
import java.util.Collection;
import java.util.List;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.resolver.ReceivePackFactory;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;
import org.eclipse.jgit.transport.resolver.ServiceNotEnabledException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives pushes into repositories this instance hosts. This is where JGit decides to take a
 * pack, so this is where WRITE is checked, for every transport and whatever the URL looked like.
 * It checks every received object, then, once refs have moved, tells the listener what moved and
 * the repository's new refs hash.
 */
public final class HostedReceivePackFactory implements ReceivePackFactory<GitSession> {
    private static final Logger log = LoggerFactory.getLogger(HostedReceivePackFactory.class);

    private final RepositoryStore repositories;
    private final GitAccessPolicy access;
    private final RefChangeListener refChangeListener;
    private final GitOperationObserver observer;

    public HostedReceivePackFactory(RepositoryStore repositories, GitAccessPolicy access,
                                    RefChangeListener refChangeListener, GitOperationObserver observer) {
        this.repositories = repositories;
        this.access = access;
        this.refChangeListener = refChangeListener;
        this.observer = observer;
    }

    @Override
    public ReceivePack create(GitSession session, Repository repository)
            throws ServiceNotAuthorizedException, ServiceNotEnabledException {
        long repositoryId = session.repositoryId();
        Caller caller = session.caller();
        if (caller.isAnonymous()) {
            throw new ServiceNotAuthorizedException();
        }
        try {
            access.requireWrite(caller, repositoryId);
        } catch (AuthenticationRequired e) {
            throw new ServiceNotAuthorizedException();
        } catch (FacetException e) {
            log.info("repository {}: push by {} refused: {}", repositoryId, caller, e.getMessage());
            throw new ServiceNotEnabledException(e.getMessage());
        }
        ReceivePack receivePack = new ReceivePack(repository);
        receivePack.setCheckReceivedObjects(true);
        receivePack.setAllowCreates(true);
        receivePack.setAllowDeletes(true);
        receivePack.setAllowNonFastForwards(true);
        receivePack.setRefLogIdent(new PersonIdent(caller.name().value(), caller.name().value() + "@facet"));
        receivePack.setPostReceiveHook((rp, commands) -> afterPush(repositoryId, caller, repository, commands));
        return receivePack;
    }

    private void afterPush(long repositoryId, Caller pusher, Repository repository,
                           Collection<ReceiveCommand> commands) {
        List<RefChange> changes = commands.stream()
                .filter(c -> c.getResult() == ReceiveCommand.Result.OK)
                .map(c -> new RefChange(c.getRefName(), c.getOldId(), c.getNewId()))
                .toList();
        if (changes.isEmpty()) {
            return;
        }
        DefaultBranch.adoptWhenDangling(repository);
        refChangeListener.onRefsChanged(repositoryId, pusher.name(), changes, repositories.refsHash(repositoryId));
        observer.onPush(repositoryId, changes.size());
        log.debug("repository {}: push moved {} refs", repositoryId, changes.size());
    }
}
