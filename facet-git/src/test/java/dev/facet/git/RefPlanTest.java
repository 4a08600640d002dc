package dev.facet.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.git.RefPlan.Kind;
import dev.facet.git.RefPlan.Step;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.BatchRefUpdate;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.junit.jupiter.api.Test;

class RefPlanTest {
    private static final Instant AT = Instant.parse("2026-11-30T12:00:00Z");
    private static final String MAIN = "refs/heads/main";
    private static final String TOPIC = "refs/heads/topic";
    private static final String TAG = "refs/tags/v1";

    private final InMemoryRepository repository = new InMemoryRepository(new DfsRepositoryDescription("mirror"));
    private final Commits commits = new Commits(repository);
    private final ObjectId base = commits.commit();
    private final ObjectId next = commits.commit(base);
    private final ObjectId sideways = commits.commit(base);

    private RefPlan plan(Map<String, ObjectId> upstream, Map<String, ObjectId> local, boolean destructive) {
        return RefPlan.of(upstream, local, commits::isAncestor, destructive, AT);
    }

    @Test
    void createsEveryRefTheMirrorDoesNotHaveYet() {
        RefPlan plan = plan(Map.of(MAIN, next, TAG, base), Map.of(), true);

        assertThat(plan.steps()).containsExactly(
                new Step(Kind.CREATE, MAIN, ObjectId.zeroId(), next),
                new Step(Kind.CREATE, TAG, ObjectId.zeroId(), base));
        assertThat(plan.heldBack()).isEmpty();
    }

    @Test
    void leavesARefThatAlreadyHasTheUpstreamsObjectAlone() {
        assertThat(plan(Map.of(MAIN, next), Map.of(MAIN, next), true).isEmpty()).isTrue();
    }

    @Test
    void fastForwardsARefWhoseNewCommitContainsItsOldOneAndKeepsNothingAside() {
        RefPlan plan = plan(Map.of(MAIN, next), Map.of(MAIN, base), true);

        assertThat(plan.steps()).containsExactly(new Step(Kind.FAST_FORWARD, MAIN, base, next));
    }

    @Test
    void rewindsARefMovedToACommitThatDoesNotContainItsOldOneAndKeepsTheOldOneAside() {
        RefPlan plan = plan(Map.of(MAIN, sideways), Map.of(MAIN, next), true);

        assertThat(plan.steps()).containsExactly(
                new Step(Kind.REWIND, MAIN, next, sideways),
                new Step(Kind.KEEP, KeptRefs.keptName(MAIN, AT), ObjectId.zeroId(), next));
    }

    @Test
    void rewindsARefMovedBackToAnAncestor() {
        RefPlan plan = plan(Map.of(MAIN, base), Map.of(MAIN, next), true);

        assertThat(plan.refs(Kind.REWIND)).containsExactly(MAIN);
        assertThat(plan.refs(Kind.KEEP)).containsExactly(KeptRefs.keptName(MAIN, AT));
    }

    @Test
    void deletesARefTheUpstreamNoLongerHasAndKeepsItAside() {
        RefPlan plan = plan(Map.of(MAIN, next), Map.of(MAIN, next, TOPIC, sideways), true);

        assertThat(plan.steps()).containsExactly(
                new Step(Kind.DELETE, TOPIC, sideways, ObjectId.zeroId()),
                new Step(Kind.KEEP, KeptRefs.keptName(TOPIC, AT), ObjectId.zeroId(), sideways));
    }

    @Test
    void neverTouchesWhatTheMirrorKeptAside() {
        String kept = KeptRefs.keptName(TOPIC, AT.minusSeconds(3600));

        RefPlan plan = plan(Map.of(MAIN, next), Map.of(MAIN, next, kept, sideways), true);

        assertThat(plan.isEmpty()).isTrue();
    }

    @Test
    void holdsBackRewindsAndDeletionsWhileDestructiveChangesAreNotAllowed() {
        Map<String, ObjectId> upstream = Map.of(MAIN, sideways, TAG, base, "refs/heads/new", next);
        Map<String, ObjectId> local = Map.of(MAIN, next, TOPIC, sideways, TAG, base);

        RefPlan plan = plan(upstream, local, false);

        assertThat(plan.steps()).containsExactly(new Step(Kind.CREATE, "refs/heads/new", ObjectId.zeroId(), next));
        assertThat(plan.heldBack()).containsExactly(MAIN, TOPIC);
        assertThat(plan.refs(Kind.KEEP)).isEmpty();
    }

    @Test
    void stillFastForwardsWhileDestructiveChangesAreNotAllowed() {
        RefPlan plan = plan(Map.of(MAIN, next), Map.of(MAIN, base), false);

        assertThat(plan.refs(Kind.FAST_FORWARD)).containsExactly(MAIN);
        assertThat(plan.heldBack()).isEmpty();
    }

    @Test
    void aPlanAppliedInOneBatchLeavesTheUpstreamsRefsAndKeepsWhatWasMovedAway() throws IOException {
        commits.set(MAIN, next);
        commits.set(TOPIC, sideways);
        commits.set(TAG, base);
        ObjectId ahead = commits.commit(next);
        Map<String, ObjectId> upstream = Map.of(MAIN, base, TAG, ahead, "refs/heads/new", sideways);

        RefPlan plan = plan(upstream, refs(), true);
        BatchRefUpdate batch = repository.getRefDatabase().newBatchUpdate();
        batch.setAtomic(true);
        batch.setAllowNonFastForwards(true);
        List<ReceiveCommand> commands = plan.commands();
        batch.addCommand(commands);
        try (RevWalk walk = new RevWalk(repository)) {
            batch.execute(walk, NullProgressMonitor.INSTANCE);
        }

        assertThat(commands).allMatch(command -> command.getResult() == ReceiveCommand.Result.OK);
        Map<String, ObjectId> after = refs();
        assertThat(after).containsEntry(MAIN, base).containsEntry(TAG, ahead).containsEntry("refs/heads/new", sideways)
                .containsEntry(KeptRefs.keptName(MAIN, AT), next).containsEntry(KeptRefs.keptName(TOPIC, AT), sideways)
                .doesNotContainKey(TOPIC).hasSize(5);
        assertThat(plan(upstream, after, true).isEmpty()).as("a second plan finds nothing left to do").isTrue();
    }

    private Map<String, ObjectId> refs() throws IOException {
        Map<String, ObjectId> refs = new HashMap<>();
        for (Ref ref : repository.getRefDatabase().getRefsByPrefix("refs/")) {
            refs.put(ref.getName(), ref.getObjectId());
        }
        return refs;
    }
}
