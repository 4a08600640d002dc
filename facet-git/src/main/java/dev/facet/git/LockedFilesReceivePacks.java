package dev.facet.git;

import dev.facet.core.lfs.LfsLock;
import dev.facet.core.lfs.LfsLocks;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PreReceiveHook;
import org.eclipse.jgit.transport.PreReceiveHookChain;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.resolver.ReceivePackFactory;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;
import org.eclipse.jgit.transport.resolver.ServiceNotEnabledException;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.AndTreeFilter;
import org.eclipse.jgit.treewalk.filter.PathFilterGroup;
import org.eclipse.jgit.treewalk.filter.TreeFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a push that changes a file another user holds a Git LFS lock on, for every transport:
 * each new commit the push brings (those no ref reached before) is compared with its parents, and
 * a command whose commits touch a path locked by someone else is rejected with the lock named.
 * git-lfs's own pre-push check asks the locks/verify API the same question; this is the one a
 * client cannot skip.
 */
public final class LockedFilesReceivePacks implements ReceivePackFactory<GitSession> {
    private static final Logger log = LoggerFactory.getLogger(LockedFilesReceivePacks.class);

    private final ReceivePackFactory<GitSession> receivePacks;
    private final LfsLocks locks;

    public LockedFilesReceivePacks(ReceivePackFactory<GitSession> receivePacks, LfsLocks locks) {
        this.receivePacks = receivePacks;
        this.locks = locks;
    }

    @Override
    public ReceivePack create(GitSession session, Repository repository)
            throws ServiceNotEnabledException, ServiceNotAuthorizedException {
        ReceivePack receivePack = receivePacks.create(session, repository);
        PreReceiveHook check = (rp, commands) -> refuseLockedChanges(session, rp, commands);
        receivePack.setPreReceiveHook(PreReceiveHookChain.newChain(List.of(check, receivePack.getPreReceiveHook())));
        return receivePack;
    }

    private void refuseLockedChanges(GitSession session, ReceivePack rp, Collection<ReceiveCommand> commands) {
        List<LfsLock> others = locks.heldByOthers(session.repositoryId(), session.caller());
        if (others.isEmpty()) {
            return;
        }
        Map<String, LfsLock> byPath = others.stream().collect(Collectors.toMap(LfsLock::path, Function.identity(),
                (a, b) -> a));
        for (ReceiveCommand command : commands) {
            if (command.getResult() != ReceiveCommand.Result.NOT_ATTEMPTED
                    || command.getType() == ReceiveCommand.Type.DELETE) {
                continue;
            }
            try {
                LfsLock touched = firstLockedPath(rp.getRepository(), command.getNewId(), byPath);
                if (touched != null) {
                    String reason = "'" + touched.path() + "' is locked by " + touched.owner() + " (Git LFS lock "
                            + touched.id() + ")";
                    command.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, reason);
                    rp.sendMessage("Push refused: " + reason + "; ask them to unlock it (git lfs unlock).");
                    log.info("repository {}: push of {} by {} refused: {}", session.repositoryId(),
                            command.getRefName(), session.caller(), reason);
                }
            } catch (IOException e) {
                command.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, "could not check Git LFS locks");
                log.warn("repository {}: checking Git LFS locks for {} failed", session.repositoryId(),
                        command.getRefName(), e);
            }
        }
    }

    /** The first lock whose path a commit new to the repository changes, on the way from {@code tip}. */
    private static LfsLock firstLockedPath(Repository repository, ObjectId tip, Map<String, LfsLock> byPath)
            throws IOException {
        try (RevWalk walk = new RevWalk(repository)) {
            walk.markStart(walk.parseCommit(tip));
            for (Ref ref : repository.getRefDatabase().getRefs()) {
                ObjectId id = ref.getPeeledObjectId() != null ? ref.getPeeledObjectId() : ref.getObjectId();
                try {
                    if (id != null && walk.parseAny(id) instanceof RevCommit commit) {
                        walk.markUninteresting(commit);
                    }
                } catch (org.eclipse.jgit.errors.MissingObjectException e) {
                    // A ref to a missing object reaches nothing; it marks no commit as known.
                }
            }
            TreeFilter lockedPaths = PathFilterGroup.createFromStrings(byPath.keySet());
            for (RevCommit commit : walk) {
                try (TreeWalk tree = new TreeWalk(repository)) {
                    tree.setRecursive(true);
                    if (commit.getParentCount() == 0) {
                        tree.setFilter(lockedPaths);
                        tree.addTree(commit.getTree());
                    } else {
                        tree.setFilter(AndTreeFilter.create(lockedPaths, TreeFilter.ANY_DIFF));
                        for (RevCommit parent : commit.getParents()) {
                            tree.addTree(walk.parseCommit(parent).getTree());
                        }
                        tree.addTree(commit.getTree());
                    }
                    while (tree.next()) {
                        LfsLock lock = byPath.get(tree.getPathString());
                        if (lock != null) {
                            return lock;
                        }
                    }
                }
            }
        }
        return null;
    }
}
