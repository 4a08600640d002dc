package dev.facet.git;

import dev.facet.core.ref.RefChange;
import java.util.List;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PostReceiveHookChain;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.resolver.ReceivePackFactory;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;
import org.eclipse.jgit.transport.resolver.ServiceNotEnabledException;

/** Adds, after whatever a push already does once its refs moved, a line in the push log naming the pusher. */
public final class AuditedReceivePacks implements ReceivePackFactory<GitSession> {
    private final ReceivePackFactory<GitSession> receivePacks;
    private final PushLog pushLog;

    public AuditedReceivePacks(ReceivePackFactory<GitSession> receivePacks, PushLog pushLog) {
        this.receivePacks = receivePacks;
        this.pushLog = pushLog;
    }

    @Override
    public ReceivePack create(GitSession session, Repository repository)
            throws ServiceNotEnabledException, ServiceNotAuthorizedException {
        ReceivePack receivePack = receivePacks.create(session, repository);
        receivePack.setPostReceiveHook(PostReceiveHookChain.newChain(List.of(receivePack.getPostReceiveHook(),
                (pack, commands) -> {
                    List<RefChange> changes = commands.stream()
                            .filter(command -> command.getResult() == ReceiveCommand.Result.OK)
                            .map(command -> new RefChange(command.getRefName(), command.getOldId(), command.getNewId()))
                            .toList();
                    if (!changes.isEmpty()) {
                        pushLog.pushed(session.caller(), session.repositoryId(), changes);
                    }
                })));
        return receivePack;
    }
}
