package dev.facet.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One farm node as the real {@code facet mirror --farm …} command in a process of its own, so
 * that a test can kill it without a goodbye ({@code kill -9}) and start it again on the same home
 * and ports. Its output goes to {@code HOME/../NAME.log}, kept for a failed test's reader.
 */
final class FarmNodeProcess implements AutoCloseable {
    private static final String READY = "Facet mirror ready at ";
    /** Generous: on a loaded machine, a node joining a farm waits for the cluster to hand it its partitions. */
    private static final Duration START_WITHIN = Duration.ofSeconds(180);
    /** The sync's own steps at DEBUG, for the reader of a failed test; the cluster's chatter left out. */
    private static final String LOGGING = """
            <configuration>
              <appender name="console" class="ch.qos.logback.core.ConsoleAppender">
                <target>System.err</target>
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n</pattern></encoder>
              </appender>
              <logger name="org.eclipse.jetty" level="WARN"/>
              <logger name="io.javalin" level="WARN"/>
              <logger name="com.zaxxer.hikari" level="WARN"/>
              <logger name="org.flywaydb" level="WARN"/>
              <logger name="com.hazelcast" level="WARN"/>
              <logger name="facet.sync" level="DEBUG"/>
              <logger name="dev.facet.farm" level="DEBUG"/>
              <root level="INFO"><appender-ref ref="console"/></root>
            </configuration>
            """;

    /** Where a node lives and listens: the same on every start. */
    record Plan(String name, Path home, int port, int farmPort) {
        String url() {
            return "http://127.0.0.1:" + port;
        }
    }

    /** What every node of one farm shares. */
    record Farm(String name, String upstreamUrl, String balancerUrl, List<String> members, String trustedProxies) {
    }

    private final Plan plan;
    private final Farm farm;
    private LoggedProcess process;

    private FarmNodeProcess(Plan plan, Farm farm) {
        this.plan = plan;
        this.farm = farm;
    }

    /** Starts the node and returns once it prints that it serves. */
    static FarmNodeProcess start(Plan plan, Farm farm) {
        FarmNodeProcess node = new FarmNodeProcess(plan, farm);
        node.startAgain();
        return node;
    }

    Plan plan() {
        return plan;
    }

    /** Starts the node (again) on its home and ports; returns once it serves. */
    void startAgain() {
        Path log = plan.home().resolveSibling(plan.name() + ".log");
        Path logging = plan.home().resolveSibling(plan.name() + "-logback.xml");
        // The machine's few cores are shared by several nodes, a primary and the test: the quick compiler and
        // the serial collector start a node sooner and leave more to the others.
        List<String> command = new ArrayList<>(List.of("java", "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dlogback.configurationFile=" + logging, "-jar",
                LoggedProcess.jar().toString(), "mirror", "--home", plan.home().toString(), "--upstream",
                farm.upstreamUrl(), "--port", String.valueOf(plan.port()),
                "--base-url", farm.balancerUrl(), "--name", plan.name(), "--farm", farm.name(),
                "--farm-port", String.valueOf(plan.farmPort()), "--farm-members", String.join(",", farm.members())));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("FACET_HTTP_TRUSTED_PROXIES", farm.trustedProxies());
        // Short intervals, so that a test sees reconciliations and lag within its waits.
        builder.environment().put("FACET_MIRROR_RECONCILE_SECONDS", "5");
        // Four nodes on one machine: each its own free SSH port.
        builder.environment().put("FACET_SSH_PORT", "0");
        try {
            Files.createDirectories(plan.home());
            Files.writeString(logging, LOGGING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        process = LoggedProcess.start("farm node " + plan.name(), builder, log, READY, START_WITHIN);
    }

    /** Kills the node without a goodbye, as {@code kill -9} does, and waits until it is gone. */
    void kill() {
        process.kill();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Stops the node as an operator does (SIGTERM), or kills it when it does not stop. */
    @Override
    public void close() {
        if (process != null) {
            process.stop();
        }
    }
}
