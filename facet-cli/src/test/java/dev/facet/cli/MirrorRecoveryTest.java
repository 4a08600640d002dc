package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import dev.facet.core.mirror.MirroredRepository;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a mirror missed is repaired: pushes while it was down, and changes that never produced an event. */
class MirrorRecoveryTest {
    @TempDir
    Path work;

    @Test
    void mirrorStoppedWhilePushesHappenCatchesUpWithoutANewApproval() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            primary.createProject("REC");
            primary.createRepository("REC", "busy", false);
            GitClient git = new GitClient(work.resolve("git-home"));
            String url = primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "REC", "busy");
            Path source = git.newWorkTree(work.resolve("source"), "a.txt");
            git.run(source, "push", "-q", url, "main").requireSuccess();

            Path mirrorHome = work.resolve("mirror");
            TestMirror.startAuthorized(mirrorHome, primary).close();

            for (int i = 0; i < 3; i++) {
                git.commitFile(source, "while-down-" + i + ".txt", "pushed while the mirror was down\n");
                git.run(source, "push", "-q", url, "main").requireSuccess();
            }
            primary.createRepository("REC", "born-while-down", false);
            String head = git.run(source, "rev-parse", "HEAD").requireSuccess().stdout().strip();

            try (TestMirror again = TestMirror.start(mirrorHome, primary, Map.of())) {
                again.awaitState("SYNCHRONIZED");
                assertThat(git.lsRemote(work, again.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "REC", "busy")))
                        .contains(head + "\trefs/heads/main");
                assertThat(primary.admin.get("/rest/mirroring/latest/requests").json().path("values")).hasSize(1);
                Optional<MirroredRepository> born =
                        again.instance.store().inTransaction(tx -> tx.repositories().find("REC", "born-while-down"));
                assertThat(born).isPresent();
            }
        }
    }

    @Test
    void changeThatNeverProducedAnEventIsRepairedByReconciliation() throws Exception {
        // The primary re-reads the refs on disk of a few repositories each second: that finds the change.
        Map<String, String> quickVerification = Map.of(
                RawSettings.environmentName(RawSettings.REFS_VERIFY_SECONDS), "1");
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"), null, quickVerification)) {
            primary.createProject("REC");
            long id = TestPrimary.expect(201, primary.admin.post("/rest/api/1.0/projects/REC/repos",
                    RestClient.json("name", "silent"))).json().path("id").asLong();
            GitClient git = new GitClient(work.resolve("git-home"));
            String url = primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "REC", "silent");
            Path source = git.newWorkTree(work.resolve("source"), "a.txt", "b.txt");
            git.run(source, "push", "-q", url, "main").requireSuccess();
            ObjectId first = ObjectId.fromString(git.run(source, "rev-parse", "HEAD~1").requireSuccess().stdout().strip());

            try (TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary,
                    Map.of(RawSettings.RECONCILE_SECONDS, "1"))) {
                // Move a ref on the primary's disk behind Facet's back: no push, so no event reaches the mirror.
                try (Repository onDisk = new FileRepositoryBuilder()
                        .setGitDir(primary.home.resolve("data/repositories/" + id).toFile()).setMustExist(true).build()) {
                    RefUpdate update = onDisk.updateRef("refs/heads/silently-created");
                    update.setNewObjectId(first);
                    assertThat(update.update()).isEqualTo(RefUpdate.Result.NEW);
                }

                await().atMost(Duration.ofSeconds(15)).until(() -> git.lsRemote(work,
                        mirror.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "REC", "silent"))
                        .contains(first.name() + "\trefs/heads/silently-created"));
            }
        }
    }

    @Test
    void mirrorAwayLongerThanTheEventRetentionReconcilesInsteadOfSeeingAFork() {
        Map<String, String> shortRetention = Map.of(RawSettings.environmentName(RawSettings.EVENT_RETENTION_SECONDS), "1");
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"), null, shortRetention)) {
            primary.createProject("RET");
            primary.createRepository("RET", "kept", false);
            GitClient git = new GitClient(work.resolve("git-home"));
            String url = primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "RET", "kept");
            Path source = git.newWorkTree(work.resolve("source"), "a.txt");
            git.run(source, "push", "-q", url, "main").requireSuccess();
            Path mirrorHome = work.resolve("mirror");
            TestMirror.startAuthorized(mirrorHome, primary).close();

            git.commitFile(source, "while-away.txt", "pushed while the mirror was away\n");
            git.run(source, "push", "-q", url, "main").requireSuccess();
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    primary.instance.store().inTransaction(tx -> tx.events().after(0, 10)).isEmpty());
            // One event the primary still keeps: it does not follow the last one this mirror saw.
            git.commitFile(source, "after-the-purge.txt", "pushed after the purge\n");
            git.run(source, "push", "-q", url, "main").requireSuccess();
            String head = git.run(source, "rev-parse", "HEAD").requireSuccess().stdout().strip();

            try (TestMirror back = TestMirror.start(mirrorHome, primary, Map.of())) {
                back.awaitState("SYNCHRONIZED");
                await().atMost(Duration.ofSeconds(15)).until(() -> git.lsRemote(work,
                        back.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "RET", "kept")).contains(head + "\trefs/heads/main"));
                assertThat(back.anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("alerts"))
                        .as("a purged history is not a forked one").isEmpty();
                long primaryHead = primary.instance.store().inTransaction(tx -> tx.events().head().sequence());
                // The reconciliation may bring the commit before the event stream has moved its position past the gap.
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    long applied = back.instance.store().inTransaction(
                            tx -> tx.upstream().get().orElseThrow().appliedSequence());
                    assertThat(applied).as("the stream resumes at the primary's head").isEqualTo(primaryHead);
                });
            }
        }
    }
}
