package dev.facet.cli;

import dev.facet.store.DatabaseSettings;
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
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running instance's local control channel, the Unix socket {@code HOME/run/control.sock} in an
 * owner-only directory: commands on the same machine ask the instance for work only the process
 * holding the database can do (an online backup). Whoever can open it can read the home anyway;
 * nothing on the network reaches it.
 *
 * <p>The conversation is lines of tab-separated words: the command sends {@code backup <file>},
 * the instance answers {@code phase <text>} and {@code bytes <done> <total>} lines and ends with
 * {@code done <file>} or {@code error <message>}.
 */
final class InstanceControl implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InstanceControl.class);

    private final ServerSocketChannel server;
    private final Path socket;
    private final Thread acceptor;

    private InstanceControl(ServerSocketChannel server, Path socket, Path home, DatabaseSettings database) {
        this.server = server;
        this.socket = socket;
        this.acceptor = new Thread(() -> acceptLoop(home, database), "facet-control");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static Path socketOf(Path home) {
        return home.toAbsolutePath().normalize().resolve("run").resolve("control.sock");
    }

    /**
     * Opens the channel; a socket file left by an instance that crashed is replaced, a live one is refused.
     * When the socket cannot be made (a home path longer than a Unix socket name allows), the instance runs
     * without it and says so: only online backups need it.
     */
    static Optional<InstanceControl> open(Path home, DatabaseSettings database) {
        Path socket = socketOf(home);
        try {
            Path run = socket.getParent();
            if (!Files.isDirectory(run)) {
                Files.createDirectories(run, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwx------"));
            if (Files.exists(socket)) {
                if (connect(home).isPresent()) {
                    throw new SettingsError("Another Facet instance is running on " + home.toAbsolutePath()
                            + " (its control socket " + socket + " answers); stop it first.");
                }
                Files.delete(socket);
            }
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            return Optional.of(new InstanceControl(server, socket, home, database));
        } catch (IOException | IllegalArgumentException e) {
            log.warn("No control socket at {} ({}): facet backup cannot ask this instance for an online backup; "
                    + "stop it to back it up.", socket, e.getMessage());
            return Optional.empty();
        }
    }

    /** A connection to the instance running on {@code home}, when one is. */
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

    private void acceptLoop(Path home, DatabaseSettings database) {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                serve(client, home, database);
            } catch (IOException e) {
                if (server.isOpen()) {
                    log.warn("control socket: {}", e.toString());
                }
            }
        }
    }

    private static void serve(SocketChannel client, Path home, DatabaseSettings database) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(Channels.newOutputStream(client), true, StandardCharsets.UTF_8);
        String request = in.readLine();
        String[] words = request == null ? new String[0] : request.split("\t", 2);
        if (words.length != 2 || !words[0].equals("backup")) {
            out.println("error\tUnknown control command: " + request);
            return;
        }
        log.info("backup of {} to {} asked through the control socket", home, words[1]);
        try {
            HomeBackup.Summary summary = HomeBackup.write(home, database, Path.of(words[1]), new BackupProgress() {
                @Override
                public void phase(String line) {
                    out.println("phase\t" + line);
                }

                @Override
                public void bytes(long done, long total) {
                    out.println("bytes\t" + done + "\t" + total);
                }
            });
            log.info("backup written to {} ({} repositories, {} bytes)", summary.file(), summary.repositories(),
                    summary.bytes());
            out.println("done\t" + summary.file() + "\t" + summary.role() + "\t" + summary.instanceId() + "\t"
                    + summary.repositories() + "\t" + summary.databaseIncluded() + "\t" + summary.bytes());
        } catch (SettingsError e) {
            out.println("error\t" + e.getMessage());
        } catch (IOException | RuntimeException e) {
            log.warn("backup to {} failed", words[1], e);
            out.println("error\tThe backup failed: " + e.getMessage());
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
