package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.mirror.StateDigest;
import dev.facet.core.ref.RefsHash;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.git.LocalDiskRepositoryStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reconciliation compares state digests the primary keeps in its database, so it must not trust them
 * blindly: a change the database knows whose event the mirror never heard is repaired within one
 * reconciliation interval, and a change made on disk behind Facet's back is found by the primary's
 * rolling verification and reaches the mirror within its bound.
 */
class ReconciliationByDigestTest {
    private static final String PASSWORD = TestPrimary.ADMIN_PASSWORD;

    @TempDir
    Path work;

    @Test
    void lostEventForOneRepositoryAmongTwoHundredIsRepairedWithinOneInterval() throws Exception {
        // No rolling verification during the test: only the reconciliation can repair what follows.
        Map<String, String> noVerification = Map.of(RawSettings.environmentName(RawSettings.REFS_VERIFY_SECONDS), "3600");
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"), null, noVerification)) {
            List<Long> ids = new ArrayList<>();
            for (int project = 0; project < 4; project++) {
                primary.createProject("MANY" + project);
                for (int repository = 0; repository < 50; repository++) {
                    ids.add(TestPrimary.expect(201, primary.admin.post("/rest/api/1.0/projects/MANY" + project + "/repos",
                            RestClient.json("name", "repo-" + repository))).json().path("id").asLong());
                }
            }
            GitClient git = new GitClient(work.resolve("git-home"));
            Path source = git.newWorkTree(work.resolve("source"), "a.txt", "b.txt");
            String url = primary.gitUrl("admin", PASSWORD, "MANY2", "repo-17");
            git.run(source, "push", "-q", url, "main").requireSuccess();
            long quiet = ids.get(2 * 50 + 17);

            Duration interval = Duration.ofSeconds(5);
            try (TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary,
                    Map.of(RawSettings.RECONCILE_SECONDS, String.valueOf(interval.toSeconds())))) {
                mirror.awaitState("SYNCHRONIZED");
                // Quiet first: every copy synced, so no fetch still under way can bring the change along.
                await().atMost(Duration.ofSeconds(60)).until(() -> mirror.instance.store().inTransaction(
                        tx -> tx.repositories().all()).stream().filter(MirroredRepository::inSync).count() == 200);
                JsonNode progress = mirror.anonymous.get("/rest/mirroring/latest/progress").json();
                assertThat(progress.path("syncedRepos").asInt()).isEqualTo(200);
                assertThat(progress.path("syncsPerSecond").asDouble()).as("the first sync's recent rate").isPositive();
                assertThat(progress.has("secondsLeft")).as("nothing behind: no time left to tell").isFalse();
                String mirrorUrl = mirror.gitUrl("admin", PASSWORD, "MANY2", "repo-17");
                String first = git.run(source, "rev-parse", "HEAD~1").requireSuccess().stdout().strip();

                // What a push records, without its event: the refs move on disk and in the database.
                git.run(primary.home.resolve("data/repositories/" + quiet), "update-ref", "refs/heads/lost", first)
                        .requireSuccess();
                RefsHash onDisk = new LocalDiskRepositoryStore(primary.home.resolve("data/repositories")).refsHash(quiet);
                primary.instance.store().useTransaction(tx -> {
                    RepositoryRecord repository = tx.repositories().findById(quiet).orElseThrow();
                    tx.repositoryStates().save(quiet, repository.projectId(), onDisk.value(), StateDigest.ofRepository(
                            quiet, "MANY2", "repo-17", "repo-17", false, onDisk.value()));
                });
                long noticed = System.nanoTime();

                await().atMost(interval.plusSeconds(5)).pollInterval(Duration.ofMillis(200))
                        .until(() -> git.lsRemote(work, mirrorUrl).contains(first + "\trefs/heads/lost"));
                assertThat(Duration.ofNanos(System.nanoTime() - noticed))
                        .as("repaired within one interval and a fetch").isLessThan(interval.plusSeconds(5));
            }
        }
    }

    @Test
    void refWrittenWithPlainGitOnThePrimaryReachesTheMirrorWithinTheVerificationBound() throws Exception {
        // Two repositories verified per second: six repositories are all read again within three seconds.
        Map<String, String> verification = Map.of(
                RawSettings.environmentName(RawSettings.REFS_VERIFY_SECONDS), "1",
                RawSettings.environmentName(RawSettings.REFS_VERIFY_PER_ROUND), "2");
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"), null, verification)) {
            primary.createProject("DRIFT");
            Map<String, Long> ids = new HashMap<>();
            for (int i = 0; i < 6; i++) {
                ids.put("r" + i, TestPrimary.expect(201, primary.admin.post("/rest/api/1.0/projects/DRIFT/repos",
                        RestClient.json("name", "r" + i))).json().path("id").asLong());
            }
            GitClient git = new GitClient(work.resolve("git-home"));
            Path source = git.newWorkTree(work.resolve("source"), "a.txt", "b.txt");
            git.run(source, "push", "-q", primary.gitUrl("admin", PASSWORD, "DRIFT", "r4"), "main").requireSuccess();
            String first = git.run(source, "rev-parse", "HEAD~1").requireSuccess().stdout().strip();
            long eventsBefore = primary.instance.store().inTransaction(tx -> tx.events().head().sequence());

            try (TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary,
                    Map.of(RawSettings.RECONCILE_SECONDS, "2"))) {
                mirror.awaitState("SYNCHRONIZED");
                Path onPrimary = primary.home.resolve("data/repositories/" + ids.get("r4"));
                git.run(onPrimary, "update-ref", "refs/heads/behind-facets-back", first).requireSuccess();
                git.run(onPrimary, "pack-refs", "--all").requireSuccess();

                String mirrorUrl = mirror.gitUrl("admin", PASSWORD, "DRIFT", "r4");
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                        .until(() -> git.lsRemote(work, mirrorUrl).contains(first + "\trefs/heads/behind-facets-back"));
                long driftEvents = primary.instance.store().inTransaction(tx -> tx.events().after(eventsBefore, 100))
                        .stream().filter(event -> event.type().name().equals("REFS_CHANGED")).count();
                assertThat(driftEvents).as("the drift was recorded as one refs change").isEqualTo(1);
                assertThat(git.lsRemote(work, mirror.gitUrl("admin", PASSWORD, "DRIFT", "r0")))
                        .as("the other repositories are untouched").isEmpty();
            }
        }
    }

    @Test
    void unchangedMirrorLearnsThatNothingChangedFromOneDigestPerReconciliation() throws Exception {
        Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"));
             TamperingProxy counting = new TamperingProxy(primary.baseUrl())) {
            for (String project : List.of("ONE", "TWO", "THREE")) {
                primary.createProject(project);
                for (int i = 0; i < 5; i++) {
                    primary.createRepository(project, "r" + i, false);
                }
            }
            counting.rewriteAnswers((request, answer) -> {
                String path = request.target().replaceFirst("\\?.*", "");
                asked.computeIfAbsent(path.substring(path.lastIndexOf('/') + 1), key -> new AtomicInteger())
                        .incrementAndGet();
                return answer;
            });
            try (TestMirror mirror = TestMirror.start(work.resolve("mirror"), counting.url(),
                    Map.of(RawSettings.RECONCILE_SECONDS, "1"))) {
                mirror.authorizeOn(primary);
                mirror.awaitState("SYNCHRONIZED");
                await().atMost(Duration.ofSeconds(60)).until(() -> mirror.instance.store().inTransaction(
                        tx -> tx.repositories().all()).stream().filter(MirroredRepository::inSync).count() == 15);
                int digestsBefore = count(asked, "selection-digest");
                await().atMost(Duration.ofSeconds(30)).until(() -> count(asked, "selection-digest") >= digestsBefore + 2);
                int projectsBefore = count(asked, "project-digests");
                int statesBefore = count(asked, "repo-hashes");
                await().atMost(Duration.ofSeconds(30)).until(() -> count(asked, "selection-digest") >= digestsBefore + 5);
                assertThat(count(asked, "project-digests")).as("no descent while nothing changed").isEqualTo(projectsBefore);
                assertThat(count(asked, "repo-hashes")).as("no repository listed while nothing changed")
                        .isEqualTo(statesBefore);
            }
            for (String path : List.of("selection-digest", "project-digests", "repo-hashes?project=ONE&after=0")) {
                assertThat(primary.anonymous.get("/rest/mirroring/latest/" + path).status()).as(path).isEqualTo(401);
            }
        }
    }

    private static int count(Map<String, AtomicInteger> asked, String path) {
        AtomicInteger counter = asked.get(path);
        return counter == null ? 0 : counter.get();
    }
}
