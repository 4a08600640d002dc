package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Someone on the path between a mirror and its primary changes the mirror's Git fetches, which,
 * unlike the mirror's other exchanges, carry no signature: a "not found" in place of a repository,
 * or an older advertisement of its refs in place of the current one. The mirror removes nothing,
 * rewinds nothing, deletes no branch, and raises an alert naming the repository, because it holds
 * every fetch to the refs hash the primary signed.
 */
class MirrorFetchTamperingTest {
    private static final String ADMIN = TestPrimary.ADMIN_PASSWORD;

    @TempDir
    static Path work;
    static TestPrimary primary;
    static TamperingProxy proxy;
    static TestMirror mirror;
    static GitClient git;

    @BeforeAll
    static void mirrorBehindAProxy() throws IOException {
        primary = TestPrimary.start(work.resolve("primary"));
        primary.createProject("PRIV");
        git = new GitClient(work.resolve("git-home"));
        // Every fetch, whether an event or a reconciliation asks for it, goes through the proxy; reconciling
        // often brings the mirror back to following events soon after each test accepts the upstream again.
        Map<String, String> often = Map.of(RawSettings.RECONCILE_SECONDS, "5");
        Path home = work.resolve("mirror");
        TestMirror.startAuthorized(home, primary, often).close();
        proxy = new TamperingProxy(primary.baseUrl());
        mirror = TestMirror.start(home, proxy.url(), often);
        mirror.awaitState("SYNCHRONIZED");
    }

    @AfterEach
    void relayFaithfullyAndAcceptTheUpstreamAgain() {
        proxy.relayFaithfully();
        TestPrimary.expect(200, mirror.anonymous.as("admin", ADMIN)
                .post("/rest/mirroring/latest/upstreamServer/accept-upstream", null));
    }

    @AfterAll
    static void stop() throws IOException {
        mirror.close();
        proxy.close();
        primary.close();
    }

    @Test
    void aGitNotFoundOnTheWayRemovesNoRepositoryAndRaisesAnAlertNamingIt() {
        primary.createRepository("PRIV", "kept", false);
        Path source = git.newWorkTree(work.resolve("kept-source"), "a.txt");
        push(source, "kept", "main");
        await().atMost(Duration.ofSeconds(60)).until(() -> mirrorRefs("kept").equals(primaryRefs("kept")));
        AtomicInteger notFounds = new AtomicInteger();
        proxy.rewriteAnswers((request, answer) -> {
            if (!request.target().startsWith("/scm/PRIV/kept.git")) {
                return answer;
            }
            notFounds.incrementAndGet();
            return new TamperingProxy.Answer(404, "text/plain", Optional.empty(),
                    "Repository not found".getBytes(StandardCharsets.UTF_8));
        });

        git.commitFile(source, "b.txt", "b\n");
        push(source, "kept", "main");

        await().atMost(Duration.ofSeconds(40)).until(() -> alert("ANSWER_ALTERED").isPresent() || !clones("kept"));
        assertThat(clones("kept")).as("the repository is still carried and served after %s 'not found' answers",
                notFounds.get()).isTrue();
        assertThat(alert("ANSWER_ALTERED").orElseThrow().path("details").asText()).contains("PRIV/kept")
                .contains("not found");

        proxy.relayFaithfully();
        await().atMost(Duration.ofSeconds(70)).until(() -> mirrorRefs("kept").equals(primaryRefs("kept")));
    }

    @Test
    void anOlderRefAdvertisementReplayedOnTheWayRewindsNothingDeletesNoBranchAndRaisesAnAlert() {
        primary.createRepository("PRIV", "rewound", false);
        Path source = git.newWorkTree(work.resolve("rewound-source"), "a.txt");
        // The attacker keeps the advertisement of the first state, when main was older and feature did not exist.
        AtomicReference<TamperingProxy.Answer> firstAdvertisement = new AtomicReference<>();
        proxy.rewriteAnswers((request, answer) -> {
            if (isAdvertisement(request, "rewound") && answer.status() == 200
                    && answer.bodyText().contains("refs/heads/main")) {
                firstAdvertisement.compareAndSet(null, answer);
            }
            return answer;
        });
        push(source, "rewound", "main");
        await().atMost(Duration.ofSeconds(60)).until(() -> firstAdvertisement.get() != null
                && mirrorRefs("rewound").equals(primaryRefs("rewound")));
        proxy.relayFaithfully();
        git.run(source, "checkout", "-q", "-b", "feature").requireSuccess();
        git.commitFile(source, "f.txt", "f\n");
        push(source, "rewound", "feature");
        git.run(source, "checkout", "-q", "main").requireSuccess();
        git.commitFile(source, "b.txt", "b\n");
        push(source, "rewound", "main");
        await().atMost(Duration.ofSeconds(60)).until(() -> mirrorRefs("rewound").equals(primaryRefs("rewound")));
        List<String> beforeTheReplay = mirrorRefs("rewound");
        assertThat(beforeTheReplay).anyMatch(line -> line.endsWith("refs/heads/feature"));

        proxy.rewriteAnswers((request, answer) -> isAdvertisement(request, "rewound") ? firstAdvertisement.get() : answer);
        // A push the mirror is told about, signed, so that it fetches and meets the replayed advertisement.
        git.run(source, "checkout", "-q", "-b", "topic").requireSuccess();
        git.commitFile(source, "t.txt", "t\n");
        push(source, "rewound", "topic");

        await().atMost(Duration.ofSeconds(40)).until(() -> alert("ANSWER_ALTERED").isPresent()
                || !mirrorRefs("rewound").equals(beforeTheReplay));
        assertThat(mirrorRefs("rewound")).as("main not rewound, feature not deleted").isEqualTo(beforeTheReplay);
        assertThat(alert("ANSWER_ALTERED").orElseThrow().path("details").asText()).contains("PRIV/rewound");

        proxy.relayFaithfully();
        await().atMost(Duration.ofSeconds(70)).until(() -> mirrorRefs("rewound").equals(primaryRefs("rewound")));
    }

    @Test
    void aGitLfsBatchAnswerChangedOnTheWayIsNotRecordedNorFollowedAndRaisesAnAlert() throws Exception {
        primary.createRepository("PRIV", "art", false);
        primary.createRepository("PRIV", "other", false);
        push(git.newWorkTree(work.resolve("art-source"), "a.txt"), "art", "main");
        await().atMost(Duration.ofSeconds(60)).until(() -> mirrorRefs("art").equals(primaryRefs("art")));
        // The object is in another repository: the attacker wants the mirror to believe "art" holds it too.
        byte[] content = "held by another repository\n".getBytes(StandardCharsets.UTF_8);
        String oid = LfsHttp.oid(content);
        LfsHttp onPrimary = new LfsHttp(primary.baseUrl());
        String admin = LfsHttp.basic("admin", ADMIN);
        assertThat(onPrimary.act(onPrimary.batch("PRIV/other", admin, "upload", oid, content.length), "upload",
                content).status()).isEqualTo(200);
        String forged = "{\"transfer\":\"basic\",\"objects\":[{\"oid\":\"" + oid + "\",\"size\":" + content.length
                + ",\"authenticated\":true,\"actions\":{\"download\":{\"href\":\"" + primary.baseUrl()
                + "/scm/PRIV/art.git/info/lfs/objects/" + oid
                + "\",\"header\":{\"Authorization\":\"FacetLfsTransfer x\"},"
                + "\"expires_in\":300}}}],\"hash_algo\":\"sha256\"}";
        proxy.rewriteAnswers((request, answer) -> request.target().equals("/scm/PRIV/art.git/info/lfs/objects/batch")
                ? answer.withBody(forged) : answer);

        LfsHttp onMirror = new LfsHttp(mirror.baseUrl());
        LfsHttp.Answer altered = onMirror.batch("PRIV/art", admin, "download", oid, content.length);
        assertThat(altered.status()).as(altered.body()).isEqualTo(200);
        assertThat(altered.json().path("objects").path(0).path("error").path("code").asInt()).as(altered.body())
                .isEqualTo(503);
        assertThat(alert("ANSWER_ALTERED").orElseThrow().path("details").asText()).contains("info/lfs/objects/batch");

        proxy.relayFaithfully();
        TestPrimary.expect(200, mirror.anonymous.as("admin", ADMIN)
                .post("/rest/mirroring/latest/upstreamServer/accept-upstream", null));
        LfsHttp.Answer honest = onMirror.batch("PRIV/art", admin, "download", oid, content.length);
        assertThat(honest.json().path("objects").path(0).path("error").path("code").asInt()).as(honest.body())
                .isEqualTo(404);
    }

    @Test
    void anUnsignedGitLfsBatchAnswerAsAnOlderPrimaryGivesIsRefusedPerObjectWithoutAnAlert() throws Exception {
        primary.createRepository("PRIV", "older", false);
        push(git.newWorkTree(work.resolve("older-source"), "a.txt"), "older", "main");
        await().atMost(Duration.ofSeconds(60)).until(() -> mirrorRefs("older").equals(primaryRefs("older")));
        byte[] content = "uploaded before the mirror was upgraded\n".getBytes(StandardCharsets.UTF_8);
        String oid = LfsHttp.oid(content);
        LfsHttp onPrimary = new LfsHttp(primary.baseUrl());
        String admin = LfsHttp.basic("admin", ADMIN);
        assertThat(onPrimary.act(onPrimary.batch("PRIV/older", admin, "upload", oid, content.length), "upload",
                content).status()).isEqualTo(200);
        // What a primary from before signed Git LFS answers sends: the same answer, no signature.
        proxy.rewriteAnswers((request, answer) -> request.target().equals("/scm/PRIV/older.git/info/lfs/objects/batch")
                ? new TamperingProxy.Answer(answer.status(), answer.contentType(), Optional.empty(), answer.body())
                : answer);

        LfsHttp.Answer refused = new LfsHttp(mirror.baseUrl()).batch("PRIV/older", admin, "download", oid,
                content.length);
        assertThat(refused.status()).as(refused.body()).isEqualTo(200);
        assertThat(refused.json().path("objects").path(0).path("error").path("code").asInt()).isEqualTo(503);
        assertThat(refused.json().path("objects").path(0).path("error").path("message").asText())
                .contains("older than this mirror");
        // No alert: the mirror's destructive changes (deletions, rewinds) are not held back by an upgrade order.
        assertThat(mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("alerts")).isEmpty();
    }

    private static boolean isAdvertisement(TamperingProxy.Request request, String slug) {
        return request.method().equals("GET") && request.target().startsWith("/scm/PRIV/" + slug + ".git/info/refs");
    }

    private static void push(Path source, String slug, String branch) {
        git.run(source, "push", "-q", primary.gitUrl("admin", ADMIN, "PRIV", slug), branch).requireSuccess();
    }

    private static List<String> primaryRefs(String slug) {
        return git.lsRemote(work, primary.gitUrl("admin", ADMIN, "PRIV", slug)).stream()
                .filter(line -> !line.endsWith("HEAD")).toList();
    }

    private static List<String> mirrorRefs(String slug) {
        GitClient.Result listed = git.run(work, "ls-remote", mirror.gitUrl("admin", ADMIN, "PRIV", slug));
        return listed.exitCode() != 0 ? List.of("unreadable: " + listed.stderr().strip())
                : listed.stdout().lines().filter(line -> !line.endsWith("HEAD")).sorted().toList();
    }

    private static boolean clones(String slug) {
        return git.run(work, "clone", "-q", mirror.gitUrl("admin", ADMIN, "PRIV", slug),
                work.resolve("clone-" + System.nanoTime()).toString()).exitCode() == 0;
    }

    private static Optional<JsonNode> alert(String kind) {
        for (JsonNode alert : mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("alerts")) {
            if (kind.equals(alert.path("kind").asText())) {
                return Optional.of(alert);
            }
        }
        return Optional.empty();
    }
}
