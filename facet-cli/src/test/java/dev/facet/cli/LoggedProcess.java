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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code facet} command run in a process of its own, its output copied to a log file kept for a failed
 * test's reader, that a test can stop as an operator does or kill without a goodbye ({@code kill -9}).
 */
final class LoggedProcess {
    private final Process process;
    private final String name;

    private LoggedProcess(Process process, String name) {
        this.process = process;
        this.name = name;
    }

    /** Starts {@code builder} (its error stream joined to its output) and returns once it prints {@code ready}. */
    static LoggedProcess start(String name, ProcessBuilder builder, Path log, String ready, Duration within) {
        Process process;
        try {
            process = builder.redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CompletableFuture<Void> started = new CompletableFuture<>();
        Thread reader = new Thread(() -> copyOutput(process, log, ready, started), name + "-output");
        reader.setDaemon(true);
        reader.start();
        try {
            started.get(within.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new AssertionError(name + " did not print that it serves within " + within + "; see " + log, e);
        }
        return new LoggedProcess(process, name);
    }

    private static void copyOutput(Process process, Path log, String ready, CompletableFuture<Void> started) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                Files.writeString(log, line + System.lineSeparator(), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                if (line.contains(ready)) {
                    started.complete(null);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        started.completeExceptionally(new IllegalStateException("the process ended"));
    }

    /** Kills the process without a goodbye (SIGKILL, as {@code kill -9}) and waits until it is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s gone after SIGKILL", name).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the process as an operator does (SIGTERM), or kills it when it does not stop. */
    void stop() {
        if (!process.isAlive()) {
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

    /** The built {@code facet} jar, which the build names in a system property. */
    static Path jar() {
        String jar = System.getProperty("facet.jar");
        assertThat(jar).as("the facet.jar system property (set by the build)").isNotNull();
        return Path.of(jar);
    }
}
