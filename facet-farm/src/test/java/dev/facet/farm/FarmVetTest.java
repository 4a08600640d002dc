package dev.facet.farm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.AuditEntry;
import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.ref.RefsHash;
import dev.facet.core.store.MirrorStore;
import dev.facet.git.KeptRefs;
import dev.facet.git.MirrorFetcher;
import dev.facet.store.DatabaseSettings;
import dev.facet.store.JdbcMirrorStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The farm vet with real Hazelcast members, real repositories on disk changed with the real {@code git}
 * behind Facet's back, and real audit trails in H2: a copy that left the published state is brought
 * back to it and the repair is audited on that node alone; a read never advertises the changed refs.
 */
class FarmVetTest {
    private static final long REPO = 7;
    private static final Duration PATIENCE = TestFarm.PATIENCE;
    private static final PublishedRefs.Settings PATIENT =
            new PublishedRefs.Settings(PATIENCE, Duration.ofSeconds(1), Duration.ofMillis(300));

    @TempDir
    Path home;
    private TestFarm farm;
    private final List<MirrorStore> stores = new ArrayList<>();
    private final List<FarmVet> vets = new ArrayList<>();
    private TestFarm.Node a;
    private TestFarm.Node b;
    private Upstream upstream;
    private ObjectId first;
    private ObjectId published;

    @BeforeEach
    void aFarmOfTwoThatPublishedARepository() throws Exception {
        farm = TestFarm.start(home, 2, PATIENT);
        a = farm.node(0);
        b = farm.node(1);
        a.ready();
        b.ready();
        farm.awaitRequired(Set.of(a.id, b.id));
        upstream = new Upstream(home.resolve("upstream.git"), "upstream");
        first = upstream.push();
        upstream.branch("feature");
        published = upstream.push();
        CompletableFuture<MirrorFetcher.Outcome> atA = a.syncInBackground(REPO, upstream);
        b.sync(REPO, upstream);
        atA.get();
        assertThat(a.published.record(REPO).generation()).isEqualTo(1);
        // Each node has read the repository since, so it counts itself at the published state.
        a.gate.beforeRead(REPO);
        b.gate.beforeRead(REPO);
    }

    @AfterEach
    void close() throws Exception {
        vets.forEach(FarmVet::stop);
        if (farm != null) {
            farm.close();
        }
        for (MirrorStore store : stores) {
            store.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private Map<String, ObjectId> publishedRefs() {
        return Map.of(Upstream.MAIN, published, "refs/heads/feature", first);
    }

    private MirrorStore storeOf(TestFarm.Node node) {
        MirrorStore store = JdbcMirrorStore.open(DatabaseSettings.embeddedH2(home.resolve("db-" + node.id)));
        stores.add(store);
        store.inTransaction(tx -> {
            tx.repositories().save(new MirroredRepository(REPO, ProjectKey.of("PRJ"), RepositorySlug.of("repo"),
                    "repo", false, null, null, false, null, null));
            return null;
        });
        return store;
    }

    private FarmVet vet(TestFarm.Node node, MirrorStore store, AtomicBoolean syncing, List<Long> syncsAsked,
                        Duration interval) {
        FarmVet vet = new FarmVet(node.id, node.published, store, id -> syncing.get(), syncsAsked::add,
                Clock.systemUTC(), interval);
        vets.add(vet);
        return vet;
    }

    private static List<AuditEntry> repairs(MirrorStore store) {
        return store.inTransaction(tx -> tx.audit().list(0, 100)).stream()
                .filter(entry -> entry.action() == AuditAction.REPAIR).toList();
    }

    /** Changes the node's copy on disk as an operator's stray script would, with the real git. */
    private void git(TestFarm.Node node, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "--git-dir",
                node.repositories.root().resolve(Long.toString(REPO)).toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
    }

    private Map<String, ObjectId> tamperWith(TestFarm.Node node) throws Exception {
        git(node, "update-ref", Upstream.MAIN, first.name());
        git(node, "update-ref", "-d", "refs/heads/feature");
        git(node, "update-ref", "refs/heads/stray", published.name());
        Map<String, ObjectId> tampered = node.refs(REPO);
        assertThat(tampered).isEqualTo(Map.of(Upstream.MAIN, first, "refs/heads/stray", published));
        return tampered;
    }

    @Test
    void aCopyChangedOnDiskIsRepairedWithinTheIntervalAndTheRepairIsAuditedOnThatNodeAlone() throws Exception {
        MirrorStore storeA = storeOf(a);
        MirrorStore storeB = storeOf(b);
        List<Long> syncsAsked = new CopyOnWriteArrayList<>();
        FarmVet vetA = vet(a, storeA, new AtomicBoolean(), syncsAsked, Duration.ofMillis(300));
        FarmVet vetB = vet(b, storeB, new AtomicBoolean(), syncsAsked, Duration.ofMillis(300));
        Map<String, ObjectId> tampered = tamperWith(a);

        vetA.start();
        vetB.start();

        await().atMost(PATIENCE).until(() -> a.refs(REPO).equals(publishedRefs()));
        await().atMost(PATIENCE).until(() -> vetB.lastPass() != null);
        List<AuditEntry> repairs = repairs(storeA);
        assertThat(repairs).hasSize(1);
        assertThat(repairs.get(0).instanceId()).isEqualTo(a.id);
        assertThat(repairs.get(0).details())
                .contains("PRJ/repo")
                .contains("had refs hash " + RefsHash.of(tampered).value())
                .contains("restored generation 1 (" + RefsHash.of(publishedRefs()).value() + ")")
                .contains("FAST_FORWARD refs/heads/main " + first.name() + " -> " + published.name())
                .contains("CREATE refs/heads/feature")
                .contains("DELETE refs/heads/stray " + published.name());
        try (var repository = a.repositories.open(REPO)) {
            assertThat(repository.getRefDatabase().getRefsByPrefix(KeptRefs.PREFIX))
                    .as("the stray ref is kept aside, not lost").extracting(ref -> ref.getObjectId())
                    .containsExactly(published);
        }
        assertThat(b.refs(REPO)).isEqualTo(publishedRefs());
        assertThat(repairs(storeB)).as("the other node was not touched").isEmpty();
        assertThat(a.published.record(REPO).generation()).as("a repair publishes nothing").isEqualTo(1);
        assertThat(syncsAsked).isEmpty();
    }

    @Test
    void aReadThroughTheChangedNodeAdvertisesThePublishedStateAndTheRepairIsAudited() throws Exception {
        MirrorStore storeA = storeOf(a);
        vet(a, storeA, new AtomicBoolean(), new ArrayList<>(), Duration.ofHours(1));
        tamperWith(a);

        a.gate.beforeRead(REPO);

        assertThat(a.refs(REPO)).isEqualTo(publishedRefs());
        assertThat(repairs(storeA)).hasSize(1);
    }

    @Test
    void theVetLeavesARepositoryWhoseSyncIsInFlightToThatSync() throws Exception {
        MirrorStore storeA = storeOf(a);
        AtomicBoolean syncing = new AtomicBoolean(true);
        FarmVet vetA = vet(a, storeA, syncing, new ArrayList<>(), Duration.ofHours(1));
        Map<String, ObjectId> tampered = tamperWith(a);

        FarmVet.Pass during = vetA.pass();

        assertThat(during.checked()).isZero();
        assertThat(during.left()).isEqualTo(1);
        assertThat(a.refs(REPO)).isEqualTo(tampered);

        syncing.set(false);
        FarmVet.Pass after = vetA.pass();

        assertThat(after.checked()).isEqualTo(1);
        assertThat(after.repaired()).extracting(PublishedRefs.Repair::repositoryId).containsExactly(REPO);
        assertThat(a.refs(REPO)).isEqualTo(publishedRefs());
    }

    @Test
    void aCopyAtThePublishedStateIsLeftAsItIs() throws Exception {
        MirrorStore storeA = storeOf(a);
        FarmVet vetA = vet(a, storeA, new AtomicBoolean(), new ArrayList<>(), Duration.ofHours(1));

        FarmVet.Pass pass = vetA.pass();

        assertThat(pass.checked()).isEqualTo(1);
        assertThat(pass.repaired()).isEmpty();
        assertThat(repairs(storeA)).isEmpty();
        assertThat(a.refs(REPO)).isEqualTo(publishedRefs());
    }

    @Test
    void aRepositoryNoLongerCarriedLeavesNoRecordInTheFarm() throws IOException {
        a.barrier.removed(REPO);

        await().atMost(PATIENCE).until(() -> b.published.record(REPO).equals(FarmRefsRecord.EMPTY));
        b.barrier.removed(REPO);
        assertThat(a.published.record(REPO)).as("forgetting twice is harmless").isEqualTo(FarmRefsRecord.EMPTY);
        assertThat(b.published.publishedGeneration(REPO)).isZero();
        assertThat(a.published.publishedGeneration(REPO)).isZero();
    }
}
