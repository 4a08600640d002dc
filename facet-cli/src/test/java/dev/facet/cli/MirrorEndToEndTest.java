package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real primary and a real mirror on loopback, driven by the real git client. */
class MirrorEndToEndTest {
    private static final String ADMIN = TestPrimary.ADMIN_PASSWORD;

    @TempDir
    static Path home;
    @TempDir
    Path work;
    static TestPrimary primary;
    static TestMirror mirror;
    static GitClient seeder;

    @BeforeAll
    static void startPrimaryAndAuthorizedMirror() {
        primary = TestPrimary.start(home.resolve("primary"));
        primary.createProject("MIR");
        primary.createRepository("MIR", "seeded", false);
        primary.createUser("alice", "alice-pass-1");
        primary.grantProject("MIR", "alice", "PROJECT_WRITE");
        primary.createUser("bob", "bob-pass-12");
        seeder = new GitClient(home.resolve("seeder-home"));
        Path seed = seeder.newWorkTree(home.resolve("seed"), "README.md", "src.txt");
        seeder.run(seed, "branch", "develop").requireSuccess();
        seeder.run(seed, "tag", "-a", "v1", "-m", "first").requireSuccess();
        seeder.run(seed, "push", "-q", primary.gitUrl("admin", ADMIN, "MIR", "seeded"), "--all").requireSuccess();
        seeder.run(seed, "push", "-q", primary.gitUrl("admin", ADMIN, "MIR", "seeded"), "--tags").requireSuccess();

        mirror = TestMirror.startAuthorized(home.resolve("mirror"), primary, Map.of(RawSettings.RECONCILE_SECONDS, "2"));
    }

    @AfterAll
    static void stopBoth() {
        mirror.close();
        primary.close();
    }

    private GitClient git() {
        return new GitClient(work.resolve("git-home"));
    }

    private static JsonNode mirrorOnPrimary() {
        return primary.admin.get("/rest/mirroring/latest/mirrorServers/" + mirror.instance.instanceId()).json();
    }

    private static List<String> refs(GitClient git, Path dir, String url) {
        return git.lsRemote(dir, url);
    }

    @Test
    void primaryShowsTheMirrorSynchronizedFromItsOwnHeartbeats() {
        await().atMost(Duration.ofSeconds(15)).until(() -> "SYNCHRONIZED".equals(mirrorOnPrimary().path("state").asText()));
        JsonNode shown = mirrorOnPrimary();
        assertThat(shown.path("baseUrl").asText()).isEqualTo(mirror.baseUrl());
        assertThat(shown.path("lastSeenDate").asLong()).isPositive();
        assertThat(shown.path("version").asText()).isNotBlank();
        assertThat(Math.abs(shown.path("clockSkewMillis").asLong()))
                .as("same host, same clock: the skew is the time a signed request took to arrive, not a second off")
                .isLessThan(400);
        assertThat(mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("state").asText())
                .isEqualTo("INSTALLED");
        assertThat(mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("pinnedInstanceId").asText())
                .isEqualTo(primary.instance.instanceId());
    }

    @Test
    void cloneFromTheMirrorEqualsThePrimary() {
        GitClient git = git();
        List<String> onPrimary = refs(git, work, primary.gitUrl("alice", "alice-pass-1", "MIR", "seeded"));
        List<String> onMirror = refs(git, work, mirror.gitUrl("alice", "alice-pass-1", "MIR", "seeded"));
        assertThat(onMirror).isEqualTo(onPrimary).anyMatch(l -> l.endsWith("\tHEAD"));

        Path clone = work.resolve("clone");
        git.run(work, "clone", "-q", "--mirror", mirror.gitUrl("alice", "alice-pass-1", "MIR", "seeded"),
                clone.toString()).requireSuccess();
        git.run(clone, "fsck", "--strict", "--no-dangling").requireSuccess();
        assertThat(git.run(clone, "symbolic-ref", "HEAD").requireSuccess().stdout().strip()).isEqualTo("refs/heads/main");
    }

    @Test
    void pushToThePrimaryAppearsOnTheMirror() {
        GitClient git = git();
        String primaryUrl = primary.gitUrl("alice", "alice-pass-1", "MIR", "seeded");
        git.run(work, "clone", "-q", primaryUrl, work.resolve("c").toString()).requireSuccess();
        git.commitFile(work.resolve("c"), "pushed-to-primary.txt", "hello\n");
        git.run(work.resolve("c"), "push", "-q", primaryUrl, "HEAD:refs/heads/from-primary").requireSuccess();
        String head = git.run(work.resolve("c"), "rev-parse", "HEAD").requireSuccess().stdout().strip();

        await().atMost(Duration.ofSeconds(10)).until(() -> refs(git, work,
                mirror.gitUrl("alice", "alice-pass-1", "MIR", "seeded")).contains(head + "\trefs/heads/from-primary"));
    }

    @Test
    void pushThroughTheMirrorLandsOnThePrimaryAndIsServedByTheMirrorWhenItReturns() {
        GitClient git = git();
        String mirrorUrl = mirror.gitUrl("alice", "alice-pass-1", "MIR", "seeded");
        git.run(work, "clone", "-q", mirrorUrl, work.resolve("c").toString()).requireSuccess();
        git.commitFile(work.resolve("c"), "via-mirror.txt", "through the mirror\n");
        git.run(work.resolve("c"), "push", "-q", mirrorUrl, "HEAD:refs/heads/via-mirror").requireSuccess();
        String head = git.run(work.resolve("c"), "rev-parse", "HEAD").requireSuccess().stdout().strip();

        assertThat(refs(git, work, mirrorUrl)).contains(head + "\trefs/heads/via-mirror");
        assertThat(refs(git, work, primary.gitUrl("alice", "alice-pass-1", "MIR", "seeded")))
                .contains(head + "\trefs/heads/via-mirror");
    }

    @Test
    void pushThroughTheMirrorGetsThePrimarysRefusal() {
        GitClient git = git();
        primary.grantProject("MIR", "bob", "PROJECT_READ");
        String bobUrl = mirror.gitUrl("bob", "bob-pass-12", "MIR", "seeded");
        await().atMost(Duration.ofSeconds(10)).until(() -> git.run(work, "ls-remote", bobUrl).exitCode() == 0);
        git.run(work, "clone", "-q", bobUrl, work.resolve("c").toString()).requireSuccess();
        git.commitFile(work.resolve("c"), "bob.txt", "bob\n");

        GitClient.Result push = git.run(work.resolve("c"), "push", bobUrl, "HEAD:refs/heads/bob");

        assertThat(push.exitCode()).isNotZero();
        assertThat(push.stderr()).contains("403");
        primary.admin.delete("/rest/api/1.0/projects/MIR/permissions/users?name=bob");
    }

    @Test
    void accessOnTheMirrorFollowsThePrimary() {
        primary.createRepository("MIR", "guarded", false);
        GitClient git = git();
        Path source = git.newWorkTree(work.resolve("source"), "a.txt");
        git.run(source, "push", "-q", primary.gitUrl("admin", ADMIN, "MIR", "guarded"), "main").requireSuccess();
        primary.createUser("carol", "carol-pass-1");
        String carolUrl = mirror.gitUrl("carol", "carol-pass-1", "MIR", "guarded");
        await().atMost(Duration.ofSeconds(10)).until(() -> mirror.instance.store().inTransaction(tx ->
                tx.repositories().find("MIR", "guarded")).map(r -> r.inSync()).orElse(false));

        GitClient.Result refused = git.run(work, "ls-remote", carolUrl);
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("not found");

        TestPrimary.expect(204, primary.admin.put(
                "/rest/api/1.0/projects/MIR/repos/guarded/permissions/users?name=carol&permission=REPO_READ", null));

        await().atMost(Duration.ofSeconds(10)).until(() -> git.run(work, "ls-remote", carolUrl).exitCode() == 0);
    }

    @Test
    void wrongPasswordAndAnonymousAreRefusedByTheMirror() {
        GitClient git = git();
        GitClient.Result wrong = git.run(work, "ls-remote", mirror.gitUrl("alice", "not-her-password", "MIR", "seeded"));
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.stderr()).contains("Authentication failed");

        RestClient.Response anonymous = mirror.anonymous.get("/scm/MIR/seeded.git/info/refs?service=git-upload-pack");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.raw().headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"Facet\"");
    }

    @Test
    void publicRepositoryIsServedAnonymouslyByTheMirror() {
        primary.createRepository("MIR", "open-source", true);
        GitClient git = git();
        Path source = git.newWorkTree(work.resolve("source"), "a.txt");
        git.run(source, "push", "-q", primary.gitUrl("admin", ADMIN, "MIR", "open-source"), "main").requireSuccess();

        await().atMost(Duration.ofSeconds(10)).until(() ->
                git.run(work, "ls-remote", mirror.anonymousGitUrl("MIR", "open-source")).exitCode() == 0);
        git.run(work, "clone", "-q", mirror.anonymousGitUrl("MIR", "open-source"), work.resolve("c").toString())
                .requireSuccess();
    }

    @Test
    void repositoryCreatedRenamedAndDeletedOnThePrimaryFollowsOnTheMirror() {
        primary.createRepository("MIR", "Life Cycle", false);
        GitClient git = git();
        Path source = git.newWorkTree(work.resolve("source"), "a.txt");
        git.run(source, "push", "-q", primary.gitUrl("admin", ADMIN, "MIR", "life-cycle"), "main").requireSuccess();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                git.run(work, "ls-remote", mirror.gitUrl("admin", ADMIN, "MIR", "life-cycle")).stdout().contains("refs/heads/main"));

        TestPrimary.expect(201, primary.admin.put("/rest/api/1.0/projects/MIR/repos/life-cycle",
                RestClient.json("name", "Renamed Cycle")));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                git.run(work, "ls-remote", mirror.gitUrl("admin", ADMIN, "MIR", "renamed-cycle")).stdout().contains("refs/heads/main"));
        assertThat(git.run(work, "ls-remote", mirror.gitUrl("admin", ADMIN, "MIR", "life-cycle")).exitCode()).isNotZero();

        TestPrimary.expect(202, primary.admin.delete("/rest/api/1.0/projects/MIR/repos/renamed-cycle"));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                git.run(work, "ls-remote", mirror.gitUrl("admin", ADMIN, "MIR", "renamed-cycle")).exitCode() != 0);
        java.util.Optional<dev.facet.core.mirror.MirroredRepository> gone =
                mirror.instance.store().inTransaction(tx -> tx.repositories().find("MIR", "renamed-cycle"));
        assertThat(gone).isEmpty();
    }

    @Test
    void mirrorStatusAndProgressAreReadableWithoutLogin() {
        RestClient.Response status = mirror.anonymous.get("/status");
        assertThat(status.json().path("state").asText()).isIn("SYNCHRONIZED", "SYNCHRONIZING");
        JsonNode progress = mirror.anonymous.get("/rest/mirroring/latest/progress").json();
        assertThat(progress.path("total").asInt()).isPositive();
        assertThat(mirror.anonymous.get("/metrics").body()).contains("facet_sync_duration_seconds");
    }
}
