package dev.facet.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HAProxy or nginx, run in the foreground from the configuration in {@code docs/load-balancers/},
 * in front of the given nodes. The documented file is the template: only the listening port, the
 * nodes' addresses and the paths that belong to the machine (pid, logs, temporary files, the
 * privileges dropped after start) are replaced, each by a rule that fails when the file no longer
 * has the line it replaces, so the documentation and what the tests prove cannot drift apart.
 * {@link #close()} stops the process and waits for it.
 */
final class LoadBalancerProcess implements AutoCloseable {

    /** The two balancers Facet documents, and how each one's documented file becomes a runnable one. */
    enum Kind {
        HAPROXY("/usr/sbin/haproxy", "haproxy.cfg") {
            @Override
            String render(String documented, int port, List<String> nodes, Path dir) {
                String rendered = replaceOne(documented, "(?m)^(\\s*bind) :80$", "$1 127.0.0.1:" + port);
                rendered = replaceServerLines(rendered, Pattern.compile("(?m)^(\\s*server\\s+)node\\d+\\s+\\S+(.*)$"),
                        nodes, (i, node) -> "node" + (i + 1) + " " + node);
                rendered = replaceOne(rendered, "(?m)^(\\s*stats socket) /run/haproxy/admin\\.sock",
                        "$1 " + Matcher.quoteReplacement(dir.resolve("admin.sock").toString()));
                // Dropping privileges needs root and the package's user: the tests' balancer runs as the tests do.
                for (String directive : List.of("user", "group", "chroot")) {
                    rendered = replaceOne(rendered, "(?m)^[ \\t]*" + directive + " \\S+\\n", "");
                }
                return rendered;
            }

            @Override
            List<String> command(Path config, Path dir) {
                return List.of(binary, "-f", config.toString(), "-db");
            }
        },
        NGINX("/usr/sbin/nginx", "nginx.conf") {
            @Override
            String render(String documented, int port, List<String> nodes, Path dir) {
                String rendered = replaceOne(documented, "(?m)^(\\s*listen) 80;$", "$1 127.0.0.1:" + port + ";");
                rendered = replaceServerLines(rendered,
                        Pattern.compile("(?m)^(\\s*server\\s+)\\d{1,3}(?:\\.\\d{1,3}){3}:\\d+(.*;)$"), nodes,
                        (i, node) -> node);
                rendered = replaceOne(rendered, "(?m)^user \\S+;\\n", "");
                rendered = replaceOne(rendered, "(?m)^pid /run/nginx\\.pid;$", "pid " + path(dir, "nginx.pid") + ";");
                rendered = replaceOne(rendered, "(?m)^(error_log) /var/log/nginx/error\\.log",
                        "$1 " + path(dir, "error.log"));
                rendered = replaceOne(rendered, "(?m)^(\\s*access_log) /var/log/nginx/access\\.log",
                        "$1 " + path(dir, "access.log"));
                // The package's temporary directories belong to its user; these stay unused, since
                // bodies are streamed both ways, but nginx creates them at start.
                StringBuilder temporary = new StringBuilder();
                for (String kind : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
                    temporary.append("    ").append(kind).append("_temp_path ")
                            .append(path(dir, "temp-" + kind)).append(";\n");
                }
                return replaceOne(rendered, "(?m)^http \\{\\n", "http {\n" + Matcher.quoteReplacement(temporary.toString()));
            }

            @Override
            List<String> command(Path config, Path dir) {
                return List.of(binary, "-p", dir + "/", "-c", config.toString(), "-g", "daemon off;");
            }
        };

        final String binary;
        final String documentedFile;

        Kind(String binary, String documentedFile) {
            this.binary = binary;
            this.documentedFile = documentedFile;
        }

        /** The documented configuration with this test's port, nodes ("127.0.0.1:port") and paths. */
        abstract String render(String documented, int port, List<String> nodes, Path dir);

        abstract List<String> command(Path config, Path dir);

        String documented() {
            try {
                return Files.readString(documentedConfigurations().resolve(documentedFile));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Skips the calling test, with the reason, when this balancer is not installed. */
        void assumeInstalled() {
            assumeTrue(Files.isExecutable(Path.of(binary)), () -> binary + " is not installed, so the " + name()
                    + " tests are skipped; .ci/run installs Debian's haproxy and nginx");
        }

        private static String path(Path dir, String name) {
            return Matcher.quoteReplacement(dir.resolve(name).toString());
        }
    }

    private final Kind kind;
    private final Process process;
    private final int port;
    private final Path dir;

    private LoadBalancerProcess(Kind kind, Process process, int port, Path dir) {
        this.kind = kind;
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /**
     * Starts {@code kind} on a free loopback port in front of {@code nodes} ("127.0.0.1:port") and
     * returns once it accepts connections. {@code dir} holds its configuration, pid, logs and
     * temporary files.
     */
    static LoadBalancerProcess start(Kind kind, Path dir, List<String> nodes) {
        kind.assumeInstalled();
        try {
            Files.createDirectories(dir);
            int port = TestFarm.freePort();
            Path config = dir.resolve(kind.documentedFile);
            Files.writeString(config, kind.render(kind.documented(), port, nodes, dir));
            Process process = new ProcessBuilder(kind.command(config, dir))
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("output.log").toFile())
                    .start();
            LoadBalancerProcess balancer = new LoadBalancerProcess(kind, process, port, dir);
            try {
                await().atMost(Duration.ofSeconds(20)).until(balancer::acceptsConnections);
            } catch (RuntimeException | Error e) {
                balancer.close();
                throw e;
            }
            return balancer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** What the balancer wrote (its output and, for nginx, its error log), to explain a failed assertion. */
    String log() {
        StringBuilder log = new StringBuilder();
        for (String name : List.of("output.log", "error.log")) {
            Path file = dir.resolve(name);
            try {
                if (Files.exists(file)) {
                    log.append("--- ").append(name).append('\n').append(Files.readString(file, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                log.append("(").append(name).append(" unreadable: ").append(e.getMessage()).append(")\n");
            }
        }
        return log.toString();
    }

    /** What HAProxy counted for one server of the nodes' backend: its check state, and requests it was sent. */
    record ServerStats(String server, String status, long sessions, long answered2xx) {
    }

    /**
     * HAProxy's counters for each node of the backend, read from its stats socket ({@code show stat}):
     * {@code sessions} counts requests sent to the node, never the health checks.
     */
    Map<String, ServerStats> serverStats() {
        if (kind != Kind.HAPROXY) {
            throw new IllegalStateException("only HAProxy has a stats socket");
        }
        String csv;
        try (SocketChannel socket = SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("admin.sock")))) {
            socket.write(ByteBuffer.wrap("show stat\n".getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (socket.read(buffer) >= 0) {
                answer.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            csv = answer.toString(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> lines = csv.lines().filter(line -> !line.isBlank()).toList();
        List<String> columns = List.of(lines.get(0).replaceFirst("^# ", "").split(","));
        Map<String, ServerStats> servers = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1);
            String server = fields[columns.indexOf("svname")];
            if (fields[columns.indexOf("pxname")].equals("facet_mirrors") && !server.equals("BACKEND")) {
                servers.put(server, new ServerStats(server, fields[columns.indexOf("status")],
                        Long.parseLong(fields[columns.indexOf("stot")]),
                        Long.parseLong(fields[columns.indexOf("hrsp_2xx")])));
            }
        }
        return servers;
    }

    private boolean acceptsConnections() {
        if (!process.isAlive()) {
            throw new AssertionError(kind + " exited with " + process.exitValue() + " at start:\n" + log());
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the balancer (nginx's workers too) and waits until it is gone, forcibly after ten seconds. */
    @Override
    public void close() {
        List<ProcessHandle> workers = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle worker : workers) {
            worker.destroyForcibly();
            worker.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(gone -> worker).join();
        }
    }

    /** {@code docs/load-balancers} of this checkout, found upwards from where the tests run (facet-cli). */
    static Path documentedConfigurations() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("docs/load-balancers");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("No docs/load-balancers above " + Path.of("").toAbsolutePath());
    }

    /** Replaces the one match of {@code regex}, and fails when the documented file has none or several. */
    static String replaceOne(String text, String regex, String replacement) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        int matches = 0;
        while (matcher.find()) {
            matches++;
        }
        if (matches != 1) {
            throw new IllegalStateException("The documented load-balancer configuration should have exactly one line "
                    + "matching " + regex + " but has " + matches + "; update LoadBalancerProcess with the docs");
        }
        return Pattern.compile(regex).matcher(text).replaceFirst(replacement);
    }

    /** The address part of a server line for the node at {@code index}. */
    interface ServerAddress {
        String of(int index, String node);
    }

    /**
     * Replaces the documented example nodes, consecutive lines matching {@code serverLine}, with one
     * line per given node, keeping what the first example says before and after its address.
     */
    static String replaceServerLines(String text, Pattern serverLine, List<String> nodes, ServerAddress address) {
        Matcher matcher = serverLine.matcher(text);
        if (!matcher.find()) {
            throw new IllegalStateException("The documented load-balancer configuration has no line matching "
                    + serverLine + "; update LoadBalancerProcess with the docs");
        }
        String prefix = matcher.group(1);
        String options = matcher.group(2);
        int start = matcher.start();
        int end = matcher.end();
        while (matcher.find()) {
            if (matcher.start() != end + 1) {
                throw new IllegalStateException("The documented example nodes should be consecutive lines");
            }
            end = matcher.end();
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            lines.add(prefix + address.of(i, nodes.get(i)) + options);
        }
        return text.substring(0, start) + String.join("\n", lines) + text.substring(end);
    }
}
