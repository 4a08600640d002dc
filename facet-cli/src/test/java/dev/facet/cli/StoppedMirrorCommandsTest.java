package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

    private record Run(int exit, String out) {
    }

    private static Run facet(String... args) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream original = System.out;
        PrintStream originalErr = System.err;
        try {
            PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
            System.setOut(capture);
            System.setErr(capture);
            int exit = new CommandLine(new FacetCommand()).execute(args);
            return new Run(exit, printed.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
            System.setErr(originalErr);
        }
    }

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
                Run refused = facet("mirror", "reconnect", "--home", home.toString());
                assertThat(refused.exit()).isNotZero();
                assertThat(refused.out()).contains("INSTALLED");
                TestPrimary.expect(200, primary.admin.delete("/rest/mirroring/latest/mirrorServers/" + mirrorId));
                await().atMost(Duration.ofSeconds(15)).until(() -> "REMOVED".equals(upstreamState(mirror)));
            }

            Run reconnect = facet("mirror", "reconnect", "--home", home.toString());
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

            Run installed = facet("mirror", "reconnect", "--home", home.toString());
            assertThat(installed.exit()).isNotZero();
            assertThat(installed.out()).contains("INSTALLED");

            Run reset = facet("mirror", "reset", "--home", home.toString(), "--wipe-data");
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
