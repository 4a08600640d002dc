package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.facet.core.mirror.MirroredRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which projects a mirror carries is an admin's choice on the primary, and changing it back and forth needs no reinstall. */
class MirrorSelectionTest {
    @TempDir
    Path work;

    private static List<String> carried(TestMirror mirror) {
        return mirror.instance.store().inTransaction(tx -> tx.repositories().all()).stream()
                .map(r -> r.projectKey() + "/" + r.slug()).sorted().toList();
    }

    @Test
    void mirrorCarriesOnlyTheChosenProjectsAndAllAgainWhenAsked() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            primary.createProject("ONE");
            primary.createProject("TWO");
            primary.createRepository("ONE", "first", false);
            primary.createRepository("TWO", "second", false);
            // The default reconciliation interval (60 s) is longer than the waits below: the selection event acts.
            try (TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary)) {
                assertThat(carried(mirror)).containsExactly("ONE/first", "TWO/second");
                String path = "/rest/mirroring/latest/mirrorServers/" + mirror.instance.instanceId() + "/projects";

                JsonNode chosen = TestPrimary.expect(200, primary.admin.put(path,
                        RestClient.json("allProjects", false, "projects", List.of("ONE")))).json();
                assertThat(chosen.path("projects")).extracting(JsonNode::asText).containsExactly("ONE");
                await().atMost(Duration.ofSeconds(15)).until(() -> carried(mirror).equals(List.of("ONE/first")));
                assertThat(mirror.home.resolve("data/repositories/2")).doesNotExist();

                TestPrimary.expect(200, primary.admin.put(path, RestClient.json("allProjects", true)));
                await().atMost(Duration.ofSeconds(15)).until(() ->
                        carried(mirror).equals(List.of("ONE/first", "TWO/second")));
                mirror.awaitState("SYNCHRONIZED");
                List<MirroredRepository> all = mirror.instance.store().inTransaction(tx -> tx.repositories().all());
                assertThat(all).allMatch(MirroredRepository::inSync);

                assertThat(primary.admin.put(path, RestClient.json("allProjects", false, "projects", List.of("NOPE")))
                        .status()).isEqualTo(404);
            }
        }
    }
}
