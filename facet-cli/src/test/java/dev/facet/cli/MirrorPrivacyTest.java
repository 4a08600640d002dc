package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which private repositories exist is itself private: a mirror names none to anonymous callers,
 * and the primary tells a mirror nothing about projects it does not carry.
 */
class MirrorPrivacyTest {
    private static final String ADMIN = TestPrimary.ADMIN_PASSWORD;
    private static final String PROGRESS = "/rest/mirroring/latest/progress";
    /** Reconciliation, which would fetch through the proxy, is an hour away: events drive what happens. */
    private static final Map<String, String> HOURLY = Map.of(RawSettings.RECONCILE_SECONDS, "3600");

    @TempDir
    Path work;

    @Test
    void anonymousCallersOfAMirrorSeeCountsOfLaggingRepositoriesButNoPrivateName() throws IOException {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            primary.createProject("PRIVY");
            primary.createRepository("PRIVY", "payroll-secrets", false);
            GitClient git = new GitClient(work.resolve("git-home"));
            Path source = git.newWorkTree(work.resolve("source"), "a.txt");
            String url = primary.gitUrl("admin", ADMIN, "PRIVY", "payroll-secrets");
            git.run(source, "push", "-q", url, "main").requireSuccess();
            Path home = work.resolve("mirror");
            TestMirror.startAuthorized(home, primary, HOURLY).close();

            try (TamperingProxy proxy = new TamperingProxy(primary.baseUrl());
                 TestMirror mirror = TestMirror.start(home, proxy.url(), HOURLY)) {
                mirror.awaitState("SYNCHRONIZED");
                // Git fetches fail on the way: the repository falls behind and stays behind.
                proxy.rewriteAnswers((request, answer) -> request.target().startsWith("/scm/")
                        ? answer.withStatus(503).withBody("down") : answer);
                git.commitFile(source, "b.txt", "more\n");
                git.run(source, "push", "-q", url, "main").requireSuccess();
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        mirror.anonymous.get(PROGRESS).json().path("behind").asInt() == 1);

                JsonNode counts = mirror.anonymous.get(PROGRESS).json();
                assertThat(counts.path("total").asInt()).isEqualTo(1);
                for (String path : List.of("/status", PROGRESS, "/rest/mirroring/latest/upstreamServer", "/mirror",
                        "/mirror/state.json", "/metrics")) {
                    assertThat(mirror.anonymous.get(path).body()).as(path)
                            .doesNotContain("payroll-secrets").doesNotContain("PRIVY");
                }
                assertThat(counts.path("worstLags")).isEmpty();
                assertThat(mirror.anonymous.get("/metrics").body()).contains("facet_sync_repositories_behind 1.0")
                        .contains("facet_sync_lag_max_seconds");

                RestClient administrator = mirror.anonymous.as("admin", ADMIN);
                assertThat(administrator.get(PROGRESS).json().path("worstLags").findValuesAsText("slug"))
                        .as("an administrator of the primary reads the names").containsExactly("payroll-secrets");
                assertThat(mirror.anonymous.as("admin", "not-the-password").get(PROGRESS).status()).isEqualTo(401);
            }
        }
    }

    @Test
    void aMirrorCarryingOneProjectIsNeverToldAboutAnotherProjectsRepositoriesAndKeepsFollowing() throws IOException {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            primary.createProject("ALPHA");
            primary.createRepository("ALPHA", "alpha-first", false);
            primary.createProject("BRAVO");
            Path home = work.resolve("mirror");
            String mirrorId;
            try (TestMirror direct = TestMirror.startAuthorized(home, primary, HOURLY)) {
                mirrorId = direct.instance.instanceId();
                TestPrimary.expect(200, primary.admin.put("/rest/mirroring/latest/mirrorServers/" + mirrorId
                        + "/projects", RestClient.json("allProjects", false, "projects", List.of("ALPHA"))));
                await().atMost(Duration.ofSeconds(15)).until(() -> direct.instance.store().inTransaction(tx ->
                        tx.repositories().all()).size() == 1);
            }

            List<String> eventAnswers = new CopyOnWriteArrayList<>();
            try (TamperingProxy proxy = new TamperingProxy(primary.baseUrl());
                 TestMirror mirror = TestMirror.start(home, proxy.url(), HOURLY)) {
                proxy.rewriteAnswers((request, answer) -> {
                    if (request.target().startsWith("/rest/mirroring/latest/events")) {
                        eventAnswers.add(answer.bodyText());
                    }
                    return answer;
                });
                mirror.awaitState("SYNCHRONIZED");

                primary.createRepository("BRAVO", "bravo-merger-plans", false);
                primary.createUser("bravo-insider", "insider-pass-1");
                primary.grantProject("BRAVO", "bravo-insider", "PROJECT_WRITE");
                GitClient git = new GitClient(work.resolve("git-home"));
                Path source = git.newWorkTree(work.resolve("source"), "a.txt");
                git.run(source, "push", "-q", primary.gitUrl("admin", ADMIN, "BRAVO", "bravo-merger-plans"), "main")
                        .requireSuccess();
                primary.createRepository("ALPHA", "alpha-after", false);

                await().atMost(Duration.ofSeconds(20)).until(() -> mirror.instance.store().inTransaction(tx ->
                        tx.repositories().find("ALPHA", "alpha-after")).isPresent());
                String received = String.join("\n", eventAnswers);
                assertThat(received).contains("alpha-after");
                assertThat(received).doesNotContainIgnoringCase("bravo");
                assertThat(withheld(eventAnswers)).as("BRAVO's three events (created, granted, pushed), each in its "
                        + "place in the chain").isEqualTo(3);
                assertThat(mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("alerts"))
                        .as("the chain checks out across the withheld events").isEmpty();
                boolean bravoCarried = mirror.instance.store().inTransaction(tx -> tx.repositories().find("BRAVO",
                        "bravo-merger-plans")).isPresent();
                assertThat(bravoCarried).isFalse();
            }
        }
    }

    private static int withheld(List<String> eventAnswers) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Long> sequences = new ArrayList<>();
        for (String answer : eventAnswers) {
            for (JsonNode event : json.readTree(answer).path("events")) {
                if (event.path("type").isNull() && event.path("payload").isNull()
                        && !sequences.contains(event.path("sequence").asLong())) {
                    sequences.add(event.path("sequence").asLong());
                }
            }
        }
        return sequences.size();
    }
}
