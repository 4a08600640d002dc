package dev.facet.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running instance's local control channel, the Unix socket {@code HOME/run/control.sock} in an
 * owner-only directory: commands on the same machine ask the instance for work only the process
 * holding the database can do (an online backup, checks of its live state). Whoever can open it
 * can read the home anyway; nothing on the network reaches it.
 *
 * <p>The conversation is lines of tab-separated words: the command sends its name and argument
 * ({@code backup <file>}, {@code doctor -}), the instance answers with lines the command reads
 * and ends with {@code done ...} or {@code error <message>}.
 */
final class InstanceControl implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InstanceControl.class);

    /** One command the instance answers. */
    interface Handler {
        /** Answers on {@code reply}, ending with a {@code done} line; a failure is answered as an error line. */
        void handle(String argument, PrintWriter reply) throws IOException;
    }

    private final ServerSocketChannel server;
    private final Path socket;
    private final Thread acceptor;

    private InstanceControl(ServerSocketChannel server, Path socket, Map<String, Handler> handlers) {
        this.server = server;
        this.socket = socket;
        this.acceptor = new Thread(() -> acceptLoop(handlers), "facet-control");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static Path socketOf(Path home) {
        return home.toAbsolutePath().normalize().resolve("run").resolve("control.sock");
    }

    /**
     * Opens the channel; a socket file left by an instance that crashed is replaced, a live one is refused.
     * When the socket cannot be made (a home path longer than a Unix socket name allows), the instance runs
     * without it and says so: only online backups and live checks need it.
     */
    static Optional<InstanceControl> open(Path home, Map<String, Handler> handlers) {
        Path socket = socketOf(home);
        try {
            Path run = socket.getParent();
            if (!Files.isDirectory(run)) {
                Files.createDirectories(run, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwx------"));
            if (Files.exists(socket)) {
                if (isRunning(home)) {
                    throw new SettingsError("Another Facet instance is running on " + home.toAbsolutePath()
                            + " (its control socket " + socket + " answers); stop it first.");
                }
                Files.delete(socket);
            }
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            return Optional.of(new InstanceControl(server, socket, handlers));
        } catch (IOException | IllegalArgumentException e) {
            log.warn("No control socket at {} ({}): facet backup and facet doctor cannot ask this instance; "
                    + "stop it to back it up or check it.", socket, e.getMessage());
            return Optional.empty();
        }
    }

    /** Whether an instance answers on {@code home}'s control socket; the probe is closed at once. */
    static boolean isRunning(Path home) {
        Optional<SocketChannel> probe = connect(home);
        probe.ifPresent(channel -> {
            try {
                channel.close();
            } catch (IOException e) {
                // it answered; closing the probe cannot change that
            }
        });
        return probe.isPresent();
    }

    /** A connection to the instance running on {@code home}, when one is; the caller closes it. */
    static Optional<SocketChannel> connect(Path home) {
        Path socket = socketOf(home);
        if (!Files.exists(socket)) {
            return Optional.empty();
        }
        try {
            return Optional.of(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Sends one command to a running instance and hands each answer line, split into words, to {@code answer} until {@code done}. */
    static void ask(SocketChannel channel, String command, String argument, Consumer<String[]> answer) throws IOException {
        try (channel) {
            PrintWriter out = new PrintWriter(Channels.newOutputStream(channel), true, StandardCharsets.UTF_8);
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                    StandardCharsets.UTF_8));
            out.println(command + "\t" + argument);
            for (String line; (line = in.readLine()) != null; ) {
                String[] words = line.split("\t", -1);
                if (words[0].equals("error")) {
                    throw new SettingsError(words.length > 1 ? words[1] : "The running instance refused " + command + ".");
                }
                answer.accept(words);
                if (words[0].equals("done")) {
                    return;
                }
            }
        }
        throw new SettingsError("The running instance closed the control socket before " + command + " was done; "
                + "see its log.");
    }

    /** One word of an answer line: tabs and line breaks in free text would split it. */
    static String word(Object text) {
        return String.valueOf(text).replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }

    /** Each command runs on a thread of its own: a long backup does not keep {@code facet doctor} waiting. */
    private void acceptLoop(Map<String, Handler> handlers) {
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (server.isOpen()) {
                    log.warn("control socket: {}", e.toString());
                }
                continue;
            }
            Thread worker = new Thread(() -> {
                try (client) {
                    serve(client, handlers);
                } catch (IOException e) {
                    log.debug("control socket client: {}", e.toString());
                }
            }, "facet-control-command");
            worker.setDaemon(true);
            worker.start();
        }
    }

    private static void serve(SocketChannel client, Map<String, Handler> handlers) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(Channels.newOutputStream(client), true, StandardCharsets.UTF_8);
        String request = in.readLine();
        String[] words = request == null ? new String[0] : request.split("\t", 2);
        Handler handler = words.length == 2 ? handlers.get(words[0]) : null;
        if (handler == null) {
            out.println("error\tUnknown control command: " + word(request) + "; this instance answers "
                    + String.join(", ", handlers.keySet()) + ".");
            return;
        }
        try {
            handler.handle(words[1], out);
        } catch (SettingsError e) {
            out.println("error\t" + word(e.getMessage()));
        } catch (IOException | RuntimeException e) {
            log.warn("control command {} failed", words[0], e);
            out.println("error\t" + word(words[0] + " failed: " + e.getMessage()));
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            log.debug("closing the control socket: {}", e.toString());
        }
    }
}
