package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code facet mirror reconnect} and {@code facet mirror reset} on a stopped mirror's home. */
class StoppedMirrorCommandsTest {
    @TempDir
    Path work;

    private static String upstreamState(TestMirror mirror) {
        return mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("state").asText();
    }

    @Test
    void removedMirrorReconnectedFromTheCommandLineIsAuthorizedAgainAndKeepsItsData() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            primary.createProject("CLI");
            primary.createRepository("CLI", "kept", false);
            Path home = work.resolve("mirror");
            String mirrorId;
            try (TestMirror mirror = TestMirror.startAuthorized(home, primary)) {
                mirrorId = mirror.instance.instanceId();
                FacetRun refused = FacetRun.of("mirror", "reconnect", "--home", home.toString());
                assertThat(refused.exit()).isNotZero();
                assertThat(refused.out()).contains("INSTALLED");
                TestPrimary.expect(200, primary.admin.delete("/rest/mirroring/latest/mirrorServers/" + mirrorId));
                await().atMost(Duration.ofSeconds(15)).until(() -> "REMOVED".equals(upstreamState(mirror)));
            }

            FacetRun reconnect = FacetRun.of("mirror", "reconnect", "--home", home.toString());
            assertThat(reconnect.exit()).as(reconnect.out()).isZero();
            assertThat(reconnect.out()).contains(primary.baseUrl());

            try (TestMirror again = TestMirror.start(home, primary, Map.of())) {
                assertThat(again.instance.instanceId()).isEqualTo(mirrorId);
                again.authorizeOn(primary);
                assertThat(again.home.resolve("data/repositories/1")).isDirectory();
            }
        }
    }

    @Test
    void resetForgetsTheRegistrationAndOptionallyTheData() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            primary.createProject("CLI");
            primary.createRepository("CLI", "wiped", false);
            Path home = work.resolve("mirror");
            TestMirror.startAuthorized(home, primary).close();

            FacetRun installed = FacetRun.of("mirror", "reconnect", "--home", home.toString());
            assertThat(installed.exit()).isNotZero();
            assertThat(installed.out()).contains("INSTALLED");

            FacetRun reset = FacetRun.of("mirror", "reset", "--home", home.toString(), "--wipe-data");
            assertThat(reset.exit()).as(reset.out()).isZero();
            assertThat(home.resolve("data/repositories/1")).doesNotExist();

            try (TestMirror again = TestMirror.start(home, primary, Map.of())) {
                await().atMost(Duration.ofSeconds(15)).until(() -> "PENDING".equals(upstreamState(again)));
                again.authorizeOn(primary);
                assertThat(again.home.resolve("data/repositories/1")).isDirectory();
            }
        }
    }
}
