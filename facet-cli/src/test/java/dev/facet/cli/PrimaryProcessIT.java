package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code facet} command as a separate process: start-up, flags, the ready line, signals, exit codes. */
class PrimaryProcessIT {
    private static final Pattern READY = Pattern.compile("Facet primary ready at (http://\\S+)");

    @TempDir
    Path work;

    private static Path jar() {
        String jar = System.getProperty("facet.jar");
        assertThat(jar).as("the facet.jar system property (set by the build)").isNotNull();
        return Path.of(jar);
    }

    private ProcessBuilder facet(String... args) {
        List<String> command = new ArrayList<>(List.of("java", "-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("FACET_ADMIN_PASSWORD", "process-admin-1");
        // Beside other tests' servers: SSH on a free port, as HTTP's --port 0.
        builder.environment().put("FACET_SSH_PORT", "0");
        return builder;
    }

    private record Finished(int exitCode, String stdout, String stderr) {
    }

    private static Finished runToEnd(ProcessBuilder builder) throws Exception {
        Process process = builder.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String out = read(process.getInputStream());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Finished(process.exitValue(), out, err.get());
    }

    private static String read(java.io.InputStream stream) {
        try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void helpListsTheCommands() throws Exception {
        Finished help = runToEnd(facet("--help"));
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("primary");
    }

    @Test
    void launcherScriptRunsTheBuiltDistribution() throws Exception {
        Path launcher = jar().getParent().getParent().getParent().resolve("facet");
        Finished help = runToEnd(new ProcessBuilder(launcher.toString(), "--help"));
        assertThat(help.exitCode()).as(help.stderr()).isZero();
        assertThat(help.stdout()).contains("primary");
    }

    @Test
    void primaryPrintsItsUrlServesAndStopsCleanlyOnSigterm() throws Exception {
        Path home = work.resolve("home");
        Process primary = facet("primary", "--home", home.toString(), "--port", "0").start();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(primary.getErrorStream()));
        try {
            String baseUrl = awaitReadyLine(primary);
            RestClient rest = RestClient.anonymous(baseUrl);
            assertThat(rest.get("/status").json().path("state").asText()).isEqualTo("RUNNING");
            TestPrimary.expect(201, rest.as("admin", "process-admin-1").post("/rest/api/1.0/projects",
                    RestClient.json("key", "PROC", "name", "Process")));

            primary.destroy();
            assertThat(primary.waitFor(20, TimeUnit.SECONDS)).as("stopped within 20 s of SIGTERM").isTrue();
            assertThat(primary.exitValue()).isIn(0, 143);
        } finally {
            primary.destroyForcibly();
        }
        assertThat(stderr.get()).doesNotContain("Exception");
        assertThat(home.resolve("log/facet.log")).exists();
        assertThat(OwnerOnlyHomeTest.loosePaths(home)).as("started with the machine's umask, the home is owner-only")
                .isEmpty();

        Process again = facet("primary", "--home", home.toString(), "--port", "0").start();
        try {
            String baseUrl = awaitReadyLine(again);
            assertThat(RestClient.anonymous(baseUrl).as("admin", "process-admin-1").get("/rest/api/1.0/projects/PROC")
                    .status()).isEqualTo(200);
        } finally {
            again.destroy();
            again.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void backupAskedFromAnotherProcessWhileThePrimaryRunsRestoresIntoAWorkingHome() throws Exception {
        Path home = work.resolve("home");
        Path backup = work.resolve("backup.zip");
        Process primary = facet("primary", "--home", home.toString(), "--port", "0").start();
        try {
            String baseUrl = awaitReadyLine(primary);
            TestPrimary.expect(201, RestClient.anonymous(baseUrl).as("admin", "process-admin-1")
                    .post("/rest/api/1.0/projects", RestClient.json("key", "KEEP", "name", "Kept")));
            Finished run = runToEnd(facet("backup", "--home", home.toString(), "--to", backup.toString()));
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(run.stdout()).contains("is running; it writes the backup itself").contains("database included");
            Finished refused = runToEnd(facet("restore", "--from", backup.toString(), "--home", home.toString()));
            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.stderr()).contains("is running");
        } finally {
            primary.destroy();
            primary.waitFor(20, TimeUnit.SECONDS);
        }
        Path restored = work.resolve("restored");
        Finished restore = runToEnd(facet("restore", "--from", backup.toString(), "--home", restored.toString()));
        assertThat(restore.exitCode()).as(restore.stderr()).isZero();
        Process again = facet("primary", "--home", restored.toString(), "--port", "0").start();
        try {
            String baseUrl = awaitReadyLine(again);
            assertThat(RestClient.anonymous(baseUrl).as("admin", "process-admin-1").get("/rest/api/1.0/projects/KEEP")
                    .status()).isEqualTo(200);
        } finally {
            again.destroy();
            again.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void badSettingStopsStartUpNamingTheKey() throws Exception {
        Path home = Files.createDirectories(work.resolve("bad"));
        Files.writeString(home.resolve("facet.properties"), "facet.port=eighty\n");
        Finished run = runToEnd(facet("primary", "--home", home.toString()));
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("facet.port").contains("'eighty'").doesNotContain("\tat ");
    }

    @Test
    void unknownOptionIsAUsageError() throws Exception {
        Finished run = runToEnd(facet("primary", "--home", work.resolve("h").toString(), "--bogus"));
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("--bogus");
    }

    private static String awaitReadyLine(Process process) throws Exception {
        BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = stdout.readLine(); line != null; line = stdout.readLine()) {
                    Matcher matcher = READY.matcher(line);
                    if (matcher.find()) {
                        return matcher.group(1);
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        String url = ready.get(90, TimeUnit.SECONDS);
        assertThat(url).as("the ready line on standard output").isNotNull();
        return url;
    }
}
