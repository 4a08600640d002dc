package dev.facet.cli;

import dev.facet.store.DatabaseSettings;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code facet backup}: one file holding an instance's home, made while it runs or while it is stopped. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Write a consistent backup of a primary's or a mirror's home (settings, keys, the embedded "
                + "database, every repository) to one file. A running instance makes it itself, online.")
final class BackupCommand implements Callable<Integer> {
    @Option(names = "--home", required = true, description = "The instance's home.")
    Path home;

    @Option(names = "--to", required = true, description = "The backup file to write (it must not exist).")
    Path to;

    @Override
    public Integer call() throws IOException {
        Path absoluteHome = home.toAbsolutePath().normalize();
        Path target = to.toAbsolutePath().normalize();
        if (!Files.isDirectory(absoluteHome)) {
            throw new SettingsError(absoluteHome + " does not exist or is not a directory.");
        }
        InstanceHome.Role role = InstanceHome.role(absoluteHome).orElseThrow(() ->
                new SettingsError(absoluteHome + " is not a Facet home (it has no role file)."));
        BackupProgress progress = BackupProgress.printingTo(System.out, System.console() != null);
        Optional<SocketChannel> running = InstanceControl.connect(absoluteHome);
        HomeBackup.Summary summary;
        if (running.isPresent()) {
            System.out.println("The " + role.name().toLowerCase(java.util.Locale.ROOT) + " on " + absoluteHome
                    + " is running; it writes the backup itself.");
            summary = askRunning(running.get(), target, progress);
        } else {
            DatabaseSettings database = role == InstanceHome.Role.PRIMARY
                    ? PrimarySettings.load(absoluteHome, Map.of(), System.getenv()).database()
                    : StoppedMirrorHome.database(absoluteHome);
            summary = HomeBackup.write(absoluteHome, database, target, progress);
        }
        System.out.println("Backup written: " + summary.file() + " (" + BackupProgress.mebibytes(summary.bytes())
                + "): " + summary.role() + " " + summary.instanceId() + ", " + summary.repositories() + " repositories, "
                + (summary.databaseIncluded() ? "database included." : "database NOT included (back it up with its own tools)."));
        System.out.println("Restore it with: facet restore --from " + summary.file() + " --home <empty directory>");
        return 0;
    }

    private static HomeBackup.Summary askRunning(SocketChannel channel, Path target, BackupProgress progress)
            throws IOException {
        HomeBackup.Summary[] summary = new HomeBackup.Summary[1];
        InstanceControl.ask(channel, "backup", target.toString(), words -> {
            switch (words[0]) {
                case "phase" -> progress.phase(words[1]);
                case "bytes" -> progress.bytes(Long.parseLong(words[1]), Long.parseLong(words[2]));
                case "done" -> summary[0] = new HomeBackup.Summary(Path.of(words[1]), words[2], words[3],
                        Integer.parseInt(words[4]), Boolean.parseBoolean(words[5]), Long.parseLong(words[6]));
                default -> {
                    // A line from a newer instance: not ours to interpret.
                }
            }
        });
        return summary[0];
    }
}
