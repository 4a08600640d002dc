package dev.facet.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

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
    private LoggedProcess process;

    private PrimaryProcess(Path home, int port, Map<String, String> environment) {
        this.home = home;
        this.port = port;
        this.environment = environment;
    }

    /** Starts a primary on {@code home} with extra FACET_* settings; returns once it serves. */
    static PrimaryProcess start(Path home, Map<String, String> environment) {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
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
        ProcessBuilder builder = new ProcessBuilder("java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", LoggedProcess.jar().toString(), "primary", "--home", home.toString(),
                "--port", String.valueOf(port));
        builder.environment().put("FACET_ADMIN_PASSWORD", TestPrimary.ADMIN_PASSWORD);
        builder.environment().put("FACET_BASE_URL", baseUrl());
        // Beside other tests' servers: SSH on a free port.
        builder.environment().put("FACET_SSH_PORT", "0");
        builder.environment().putAll(environment);
        process = LoggedProcess.start("the primary", builder, home.resolveSibling("primary.log"), READY,
                START_WITHIN);
    }

    /** Kills the primary without a goodbye (SIGKILL, as {@code kill -9}) and waits until it is gone. */
    void kill() {
        process.kill();
    }

    /** Stops the primary as an operator does (SIGTERM), or kills it when it does not stop. */
    @Override
    public void close() {
        if (process != null) {
            process.stop();
        }
    }
}
