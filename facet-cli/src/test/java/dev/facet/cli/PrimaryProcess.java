package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code facet primary} command in a process of its own, on a home and port that stay the same across
 * starts, so that a test can kill it without a goodbye ({@code kill -9}) and start it again as an operator would.
 * Its output goes to {@code HOME/../primary.log}, kept for a failed test's reader.
 */
final class PrimaryProcess implements AutoCloseable {
    private static final String READY = "Facet primary ready at ";
    private static final Duration START_WITHIN = Duration.ofSeconds(120);

    private final Path home;
    private final int port;
    private final Map<String, String> environment;
    private Process process;

    private PrimaryProcess(Path home, int port, Map<String, String> environment) {
        this.home = home;
        this.port = port;
        this.environment = environment;
    }

    /** Starts a primary on {@code home} with extra FACET_* settings; returns once it serves. */
    static PrimaryProcess start(Path home, Map<String, String> environment) {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PrimaryProcess primary = new PrimaryProcess(home, port, environment);
        primary.startAgain();
        return primary;
    }

    String baseUrl() {
        return "http://localhost:" + port;
    }

    RestClient admin() {
        return RestClient.anonymous(baseUrl()).as("admin", TestPrimary.ADMIN_PASSWORD);
    }

    String gitUrl(String project, String slug) {
        return GitUrls.withCredentials(baseUrl(), "admin", TestPrimary.ADMIN_PASSWORD, project, slug);
    }

    /** Starts the primary (again) on its home and port; returns once it serves. */
    void startAgain() {
        Path log = home.resolveSibling("primary.log");
        ProcessBuilder builder = new ProcessBuilder("java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar().toString(), "primary", "--home", home.toString(), "--port", String.valueOf(port))
                .redirectErrorStream(true);
        builder.environment().put("FACET_ADMIN_PASSWORD", TestPrimary.ADMIN_PASSWORD);
        builder.environment().put("FACET_BASE_URL", baseUrl());
        builder.environment().put("FACET_SSH_PORT", "0");
        builder.environment().putAll(environment);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> copyOutput(log, ready), "primary-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(START_WITHIN.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new AssertionError("the primary did not print that it serves within " + START_WITHIN + "; see " + log,
                    e);
        }
    }

    private void copyOutput(Path log, CompletableFuture<Void> ready) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                Files.writeString(log, line + System.lineSeparator(), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                if (line.contains(READY)) {
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        ready.completeExceptionally(new IllegalStateException("the process ended"));
    }

    /** Kills the primary without a goodbye (SIGKILL, as {@code kill -9}) and waits until it is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("primary gone after SIGKILL").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Stops the primary as an operator does (SIGTERM), or kills it when it does not stop. */
    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }

    private static Path jar() {
        String jar = System.getProperty("facet.jar");
        assertThat(jar).as("the facet.jar system property (set by the build)").isNotNull();
        return Path.of(jar);
    }
}
