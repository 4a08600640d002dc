package dev.facet.git;

import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.BatchRefUpdate;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectDatabase;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ReceiveCommand;

/**
 * The one place where a mirror's refs move: to a given map of refs, in one atomic batch, with
 * what a rewind or deletion moves away from kept aside under {@link KeptRefs}. The batch
 * compares each ref with the value it was planned from, so a plan made before another writer
 * moved the refs fails whole instead of mixing two states. Used by the fetcher after a fetch
 * and by a farm node bringing itself to the farm's published state.
 */
public final class MirrorRefs {
    private final Clock clock;

    /** {@code clock} dates what is kept aside. */
    public MirrorRefs(Clock clock) {
        this.clock = clock;
    }

    /**
     * The ref updates from the repository's refs now to {@code wanted}; see {@link RefPlan#of}.
     *
     * @param destructive whether refs may be deleted or rewound; when not, those changes are held back
     */
    public Move plan(Repository repository, Map<String, ObjectId> wanted, boolean destructive) throws IOException {
        Map<String, ObjectId> current = read(repository);
        RefPlan plan;
        try (RevWalk walk = new RevWalk(repository)) {
            plan = RefPlan.of(wanted, current, (ancestor, descendant) -> isFastForward(walk, ancestor, descendant),
                    destructive, clock.instant());
        }
        Map<String, ObjectId> target = new HashMap<>(wanted);
        for (String heldBack : plan.heldBack()) {
            target.put(heldBack, current.get(heldBack));
        }
        return new Move(plan, Map.copyOf(target));
    }

    /**
     * Planned updates and the refs the repository holds once they are applied: the wanted refs, except those held
     * back, which keep what they had.
     */
    public record Move(RefPlan plan, Map<String, ObjectId> target) {
    }

    /**
     * Another writer moved a ref between the plan and the batch (a farm node's read gate or vet bringing the copy
     * to the published state); none of the move's refs moved. Planning again from the refs now there is the answer,
     * not a retry later.
     */
    public static final class MovedMeanwhile extends IOException {
        private static final long serialVersionUID = 1L;

        MovedMeanwhile(String message) {
            super(message);
        }
    }

    /**
     * Applies a move in one atomic batch.
     *
     * @return how many refs changed (kept ones included)
     * @throws MovedMeanwhile when a ref is no longer at the value it was planned from; then none has moved
     * @throws IOException    when any other ref update fails; then none has moved
     */
    public int apply(Repository repository, Move move) throws IOException {
        if (move.plan().isEmpty()) {
            return 0;
        }
        if (move.plan().steps().stream().anyMatch(step -> step.kind() == RefPlan.Kind.KEEP)) {
            KeptRefs.markHolder(repository);
        }
        List<ReceiveCommand> commands = move.plan().commands();
        BatchRefUpdate batch = repository.getRefDatabase().newBatchUpdate();
        batch.setAtomic(true);
        batch.setAllowNonFastForwards(true);
        batch.disableRefLog();
        batch.addCommand(commands);
        try (RevWalk walk = new RevWalk(repository)) {
            batch.execute(walk, NullProgressMonitor.INSTANCE);
        }
        for (ReceiveCommand command : commands) {
            if (command.getResult() != ReceiveCommand.Result.OK) {
                if (read(repository).equals(move.target())) {
                    // Another writer (a farm node's read gate, applying the same published state) got there first.
                    return 0;
                }
                String failure = "Ref update " + command.getRefName() + " failed: " + command.getResult()
                        + (command.getMessage() == null ? "" : " (" + command.getMessage() + ")");
                boolean movedMeanwhile = commands.stream()
                        .anyMatch(c -> c.getResult() == ReceiveCommand.Result.LOCK_FAILURE);
                throw movedMeanwhile ? new MovedMeanwhile(failure) : new IOException(failure);
            }
        }
        return commands.size();
    }

    /**
     * Moves the repository's refs to exactly {@code wanted}, deletions and rewinds included (kept aside).
     *
     * @throws IOException when an object the refs reach is missing from the repository, or a ref update fails; then none has moved
     */
    public int moveTo(Repository repository, Map<String, ObjectId> wanted) throws IOException {
        if (!holdsHistory(repository, wanted)) {
            throw new IOException("The repository lacks objects the refs point at; no ref moved");
        }
        return apply(repository, plan(repository, wanted, true));
    }

    /**
     * Whether the repository holds everything the refs reach: each tip, and every commit, tree and file under it
     * down to what the repository's own refs already reach (Git's own check after a fetch). A tip alone proves
     * nothing: JGit checks a fetched pack's connectivity only when asked to, so a pack cut short, or served from a
     * shallow or damaged copy, leaves a tip whose parents or files are missing, and refs moved to it would serve
     * clones that fail.
     */
    public static boolean holdsHistory(Repository repository, Map<String, ObjectId> refs) throws IOException {
        ObjectDatabase objects = repository.getObjectDatabase();
        for (ObjectId tip : refs.values()) {
            if (!objects.has(tip)) {
                return false;
            }
        }
        try (ObjectWalk walk = new ObjectWalk(repository)) {
            for (ObjectId tip : new HashSet<>(refs.values())) {
                walk.markStart(walk.parseAny(tip));
            }
            for (Ref held : repository.getRefDatabase().getRefs()) {
                ObjectId id = held.getPeeledObjectId() != null ? held.getPeeledObjectId() : held.getObjectId();
                if (id != null && objects.has(id)) {
                    walk.markUninteresting(walk.parseAny(id));
                }
            }
            walk.checkConnectivity();
            return true;
        } catch (MissingObjectException e) {
            return false;
        }
    }

    /** The refs a mirror serves: every ref under {@code refs/} except what it keeps aside, by name. */
    public static Map<String, ObjectId> read(Repository repository) throws IOException {
        Map<String, ObjectId> refs = new HashMap<>();
        for (Ref ref : repository.getRefDatabase().getRefsByPrefix(Constants.R_REFS)) {
            if (ref.getObjectId() != null && !KeptRefs.isKept(ref.getName())) {
                refs.put(ref.getName(), ref.getObjectId());
            }
        }
        return refs;
    }

    private static boolean isFastForward(RevWalk walk, ObjectId from, ObjectId to) {
        try {
            return walk.isMergedInto(walk.parseCommit(from), walk.parseCommit(to));
        } catch (IOException e) {
            return false;
        }
    }
}
