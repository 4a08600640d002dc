package dev.facet.git;

import dev.facet.core.lfs.LfsLock;
import dev.facet.core.lfs.LfsLocks;
import java.io.IOException;
import java.text.Normalizer;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevTree;
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
import org.eclipse.jgit.treewalk.filter.TreeFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a push that changes a file another user holds a Git LFS lock on, for every transport:
 * each new commit the push brings (those no ref reached before) is compared with its parents, a
 * branch's new tip with its old one, and a command that touches a path locked by someone else is
 * rejected with the lock named. Paths are compared in Unicode NFC.
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
        LockedPaths locked = new LockedPaths(others);
        for (ReceiveCommand command : commands) {
            if (command.getResult() != ReceiveCommand.Result.NOT_ATTEMPTED
                    || command.getType() == ReceiveCommand.Type.DELETE) {
                continue;
            }
            try {
                LfsLock touched = firstLockedPath(rp.getRepository(), command, locked);
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

    /**
     * The first lock whose path the command changes: in a commit new to the repository (one no ref reached), or
     * between the ref's old and new tip, so moving a branch onto a commit that is already here counts too. A ref
     * to a tree or a blob (a tag may name one) carries no history and changes no file; when it becomes a commit,
     * that commit is checked like any new one.
     */
    private static LfsLock firstLockedPath(Repository repository, ReceiveCommand command, LockedPaths locked)
            throws IOException {
        try (RevWalk walk = new RevWalk(repository)) {
            if (!(walk.peel(walk.parseAny(command.getNewId())) instanceof RevCommit newTip)) {
                return null;
            }
            if (!command.getOldId().equals(ObjectId.zeroId())
                    && walk.peel(walk.parseAny(command.getOldId())) instanceof RevCommit oldTip) {
                LfsLock moved = firstChanged(repository, locked, walk.parseCommit(oldTip).getTree(),
                        walk.parseCommit(newTip).getTree());
                if (moved != null) {
                    return moved;
                }
            }
            walk.markStart(newTip);
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
            for (RevCommit commit : walk) {
                RevTree[] trees = new RevTree[commit.getParentCount() + 1];
                for (int i = 0; i < commit.getParentCount(); i++) {
                    trees[i] = walk.parseCommit(commit.getParent(i)).getTree();
                }
                trees[trees.length - 1] = commit.getTree();
                LfsLock lock = firstChanged(repository, locked, trees);
                if (lock != null) {
                    return lock;
                }
            }
        }
        return null;
    }

    /** The first locked path that differs between {@code trees} (or, for one tree, that it holds). */
    private static LfsLock firstChanged(Repository repository, LockedPaths locked, RevTree... trees)
            throws IOException {
        try (TreeWalk tree = new TreeWalk(repository)) {
            tree.setRecursive(true);
            tree.setFilter(trees.length == 1 ? locked : AndTreeFilter.create(locked, TreeFilter.ANY_DIFF));
            for (RevTree each : trees) {
                tree.addTree(each);
            }
            while (tree.next()) {
                LfsLock lock = locked.at(tree.getPathString());
                if (lock != null) {
                    return lock;
                }
            }
        }
        return null;
    }

    /**
     * The paths others hold locks on, compared after Unicode NFC normalization: a file name written in
     * decomposed form (as macOS writes it) is the same file as its composed form, so one lock holds both.
     */
    static final class LockedPaths extends TreeFilter {
        private final Map<String, LfsLock> files = new HashMap<>();
        private final Set<String> directories = new HashSet<>();

        LockedPaths(List<LfsLock> locks) {
            for (LfsLock lock : locks) {
                String path = nfc(lock.path());
                files.putIfAbsent(path, lock);
                for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                    directories.add(path.substring(0, slash));
                }
            }
        }

        LfsLock at(String path) {
            return files.get(nfc(path));
        }

        @Override
        public boolean include(TreeWalk walker) {
            String path = nfc(walker.getPathString());
            return walker.isSubtree() ? directories.contains(path) : files.containsKey(path);
        }

        @Override
        public boolean shouldBeRecursive() {
            return false;
        }

        @Override
        public TreeFilter clone() {
            return this;
        }

        private static String nfc(String path) {
            return Normalizer.normalize(path, Normalizer.Form.NFC);
        }
    }
}
