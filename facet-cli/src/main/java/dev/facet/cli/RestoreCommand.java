package dev.facet.cli;

import dev.facet.core.file.Directories;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code facet restore}: puts a home back from a {@code facet backup} file. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Restore an instance's home from a file written by facet backup. The home must be empty or "
                + "missing; with --force, what is there is moved aside, never deleted. A restored mirror comes back "
                + "installed, with no new approval, and catches up with its upstream.")
final class RestoreCommand implements Callable<Integer> {
    private static final Set<PosixFilePermission> OWNER_DIRECTORY =
            PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE =
            PosixFilePermissions.fromString("rw-------");

    @Option(names = "--from", required = true, description = "The backup file.")
    Path from;

    @Option(names = "--home", required = true, description = "The home to restore into.")
    Path home;

    @Option(names = "--force", description = "Restore even when the home is not empty: its content is moved to "
            + "<home>.before-restore-<time> first.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        Path file = from.toAbsolutePath().normalize();
        Path target = home.toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new SettingsError(file + " does not exist or is not a file.");
        }
        try (ZipFile zip = open(file)) {
            Properties manifest = manifest(zip, file);
            if (InstanceControl.isRunning(target)) {
                throw new SettingsError("A Facet instance is running on " + target + "; stop it before restoring.");
            }
            boolean occupied = Files.exists(target) && !Directories.isEmptyDirectory(target);
            if (occupied && !force) {
                throw new SettingsError(target + " is not empty. Restore into an empty or new directory, or pass "
                        + "--force to move what is there to " + target.getFileName() + ".before-restore-<time> first.");
            }
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
            Path restoring = target.resolveSibling(target.getFileName() + ".restoring-" + stamp);
            BackupProgress progress = BackupProgress.printingTo(System.out, System.console() != null);
            progress.phase("Restoring a " + manifest.getProperty("role") + " home (instance "
                    + manifest.getProperty("instance-id") + ", backed up " + manifest.getProperty("created") + ") into "
                    + target);
            Path movedAside = null;
            try {
                // Everything is unpacked beside the home first: a restore that fails leaves the home as it was.
                try {
                    extract(zip, restoring, progress);
                } catch (IOException e) {
                    throw new SettingsError("The backup " + file + " could not be unpacked (" + e + "); " + target
                            + " is unchanged.");
                }
                if (occupied) {
                    movedAside = target.resolveSibling(target.getFileName() + ".before-restore-" + stamp);
                    Files.move(target, movedAside, StandardCopyOption.ATOMIC_MOVE);
                }
                Files.deleteIfExists(target);
                Files.move(restoring, target, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Directories.deleteTree(restoring);
            }
            if (movedAside != null) {
                System.out.println("What was in " + target + " before is in " + movedAside + ".");
            }
            System.out.println("Restored " + manifest.getProperty("repositories") + " repositories into " + target + ".");
            if (!"h2".equals(manifest.getProperty("database"))) {
                System.out.println("The database was not in the backup (" + manifest.getProperty("database")
                        + "): restore it with its own tools before you start the instance.");
            }
            System.out.println("Start it with: facet " + manifest.getProperty("role") + " --home " + target
                    + ("mirror".equals(manifest.getProperty("role"))
                    ? "   (it comes back installed and catches up with its upstream)" : ""));
        }
        return 0;
    }

    private static ZipFile open(Path file) throws IOException {
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new SettingsError(file + " is not a Facet backup (it is not a zip file: " + e.getMessage() + ").");
        }
    }

    private static Properties manifest(ZipFile zip, Path file) throws IOException {
        ZipEntry entry = zip.getEntry(HomeBackup.MANIFEST);
        if (entry == null) {
            throw new SettingsError(file + " is not a Facet backup (it has no " + HomeBackup.MANIFEST + ").");
        }
        Properties manifest = new Properties();
        try (InputStream in = zip.getInputStream(entry)) {
            manifest.load(in);
        }
        String format = manifest.getProperty("format", "");
        if (!format.equals(Integer.toString(HomeBackup.FORMAT))) {
            throw new SettingsError(file + " is a Facet backup of format " + format + "; this Facet reads format "
                    + HomeBackup.FORMAT + ".");
        }
        if (!List.of("primary", "mirror").contains(manifest.getProperty("role", ""))) {
            throw new SettingsError(file + " names no role (primary or mirror) in its " + HomeBackup.MANIFEST + ".");
        }
        return manifest;
    }

    private static void extract(ZipFile zip, Path into, BackupProgress progress) throws IOException {
        List<? extends ZipEntry> entries = Collections.list(zip.entries()).stream()
                .filter(e -> e.getName().startsWith(HomeBackup.HOME_PREFIX)).toList();
        long total = entries.stream().mapToLong(e -> Math.max(0, e.getSize())).sum();
        long done = 0;
        byte[] buffer = new byte[64 * 1024];
        // The home holds keys, passwords and the database: nothing in it is for other users of the machine.
        Files.createDirectory(into, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
        for (ZipEntry entry : entries) {
            String relative = entry.getName().substring(HomeBackup.HOME_PREFIX.length());
            Path out = into.resolve(relative).normalize();
            if (relative.isEmpty() || relative.startsWith("/") || relative.contains("\\") || !out.startsWith(into)
                    || out.equals(into)) {
                throw new SettingsError("The backup holds a file outside the home (" + entry.getName()
                        + "); it was not written by facet backup and is not restored.");
            }
            if (entry.isDirectory()) {
                createOwnerOnlyDirectories(into, out);
                continue;
            }
            createOwnerOnlyDirectories(into, out.getParent());
            Files.createFile(out, PosixFilePermissions.asFileAttribute(OWNER_FILE));
            try (InputStream in = zip.getInputStream(entry); OutputStream os = Files.newOutputStream(out)) {
                HomeBackup.copy(in, os, buffer);
            }
            done += Math.max(0, entry.getSize());
            progress.bytes(done, total);
        }
    }

    private static void createOwnerOnlyDirectories(Path root, Path directory) throws IOException {
        if (directory.equals(root) || Files.isDirectory(directory)) {
            return;
        }
        createOwnerOnlyDirectories(root, directory.getParent());
        Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
    }
}
