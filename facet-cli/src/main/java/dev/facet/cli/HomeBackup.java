package dev.facet.cli;

import dev.facet.core.file.Directories;
import dev.facet.farm.FarmId;
import dev.facet.git.RepositorySnapshot;
import dev.facet.store.DatabaseSettings;
import dev.facet.store.EmbeddedDatabaseBackup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * One zip file holding an instance's home: settings, keys, the database (an H2 online backup) and
 * every repository (refs captured together with their objects). It is written by the process that
 * has the database open: the running instance, or {@code facet backup} itself when it is stopped.
 */
final class HomeBackup {
    static final String MANIFEST = "facet-backup.properties";
    static final String HOME_PREFIX = "home/";
    static final int FORMAT = 1;
    /** Files of the home itself; a farm node's farm id among them, or a restored node could found a new farm. */
    private static final List<String> HOME_FILES = List.of("facet.properties", "role", "admin-password", FarmId.FILE);
    private static final String STAGING = "backup-staging";

    /** What a backup holds, as its manifest records it. */
    record Summary(Path file, String role, String instanceId, int repositories, boolean databaseIncluded, long bytes) {
    }

    private HomeBackup() {
    }

    /** The running instance's side of {@code facet backup}: it writes the file and reports its progress. */
    static InstanceControl.Handler controlHandler(Path home, DatabaseSettings database) {
        return (argument, reply) -> {
            Summary summary = write(home, database, Path.of(argument), new BackupProgress() {
                @Override
                public void phase(String line) {
                    reply.println("phase\t" + InstanceControl.word(line));
                }

                @Override
                public void bytes(long done, long total) {
                    reply.println("bytes\t" + done + "\t" + total);
                }
            });
            reply.println("done\t" + summary.file() + "\t" + summary.role() + "\t" + summary.instanceId() + "\t"
                    + summary.repositories() + "\t" + summary.databaseIncluded() + "\t" + summary.bytes());
        };
    }

    static Summary write(Path home, DatabaseSettings database, Path target, BackupProgress progress) throws IOException {
        Path absoluteHome = home.toAbsolutePath().normalize();
        Path file = target.toAbsolutePath().normalize();
        if (Files.exists(file)) {
            throw new SettingsError(file + " exists already; choose a new file for the backup.");
        }
        if (file.startsWith(absoluteHome)) {
            throw new SettingsError("The backup cannot be written inside the home it backs up (" + absoluteHome + ").");
        }
        String role = InstanceHome.role(absoluteHome).map(r -> r.name().toLowerCase(java.util.Locale.ROOT))
                .orElseThrow(() -> new SettingsError(absoluteHome + " is not a Facet home (it has no role file)."));
        Files.createDirectories(absoluteHome.resolve("data"));
        try (FileChannel lockFile = FileChannel.open(
                absoluteHome.resolve("data").resolve("backup.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock lock = lockFile.tryLock()) {
            if (lock == null) {
                throw new SettingsError("Another backup of " + absoluteHome + " is running; wait for it to finish.");
            }
            return writeLocked(absoluteHome, role, database, file, progress);
        } catch (OverlappingFileLockException e) {
            throw new SettingsError("Another backup of " + absoluteHome + " is running; wait for it to finish.");
        }
    }

    /** One backup at a time per home: they share the staging directory. */
    private static Summary writeLocked(Path absoluteHome, String role, DatabaseSettings database, Path file,
                                       BackupProgress progress) throws IOException {
        Path staging = absoluteHome.resolve("data").resolve(STAGING);
        Directories.deleteTree(staging);
        Files.createDirectories(staging);
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            List<Entry> entries = new ArrayList<>();
            for (String name : HOME_FILES) {
                Path path = absoluteHome.resolve(name);
                if (Files.isRegularFile(path)) {
                    entries.add(new Entry(HOME_PREFIX + name, path));
                }
            }
            entries.addAll(tree(absoluteHome, absoluteHome.resolve("keys")));

            boolean databaseIncluded = EmbeddedDatabaseBackup.supports(database);
            if (databaseIncluded) {
                progress.phase("Backing up the database (H2 online backup)...");
                Path databaseZip = staging.resolve("database.zip");
                EmbeddedDatabaseBackup.backup(database, databaseZip);
                entries.addAll(unpack(databaseZip, staging.resolve("db"), HOME_PREFIX + "data/db/"));
            } else {
                progress.phase("The database (" + database.url() + ") is not in this backup: back it up with its own "
                        + "tools (pg_dump); this backup holds the settings, the keys and the repositories.");
            }

            int repositories = 0;
            for (String area : List.of("repositories", "kept-repositories")) {
                Path root = absoluteHome.resolve("data").resolve(area);
                List<Path> directories = repositoryDirectories(root);
                if (!directories.isEmpty()) {
                    progress.phase("Capturing " + directories.size() + " " + (area.equals("repositories")
                            ? "repositories" : "kept-aside repositories") + " (refs with their objects)...");
                }
                for (Path directory : directories) {
                    Path copy = staging.resolve(area).resolve(directory.getFileName().toString());
                    try {
                        RepositorySnapshot.take(directory, copy);
                    } catch (IOException e) {
                        if (Files.isDirectory(directory)) {
                            throw e;
                        }
                        // Deleted or moved aside while the backup ran: the database backup, taken first, may still
                        // list it; the instance restored from this file fetches or recreates what it needs.
                        progress.phase("  " + directory.getFileName() + " was removed while the backup ran; left out.");
                        continue;
                    }
                    entries.addAll(tree(staging, copy).stream().map(e -> new Entry(HOME_PREFIX + "data/"
                            + e.name().substring(HOME_PREFIX.length()), e.file())).toList());
                    repositories++;
                }
            }

            // After the database: an object is recorded only once its file is in place, and files are never changed,
            // so every object the database backup names is among these.
            Path lfsObjects = InstanceHome.lfs(absoluteHome).resolve("objects");
            List<Entry> lfs = tree(absoluteHome, lfsObjects).stream().filter(e -> !e.name().endsWith("/")).toList();
            if (!lfs.isEmpty()) {
                progress.phase("Capturing " + lfs.size() + " Git LFS objects...");
                entries.addAll(lfs);
            }

            String instanceId = Files.isRegularFile(absoluteHome.resolve("keys").resolve("instance-id"))
                    ? Files.readString(absoluteHome.resolve("keys").resolve("instance-id")).strip() : "unknown";
            long total = 0;
            for (Entry entry : entries) {
                total += entry.name().endsWith("/") ? 0 : Files.size(entry.file());
            }
            progress.phase("Writing " + file + " (" + entries.size() + " files, " + BackupProgress.mebibytes(total) + ")");
            Properties manifest = new Properties();
            manifest.setProperty("format", Integer.toString(FORMAT));
            manifest.setProperty("role", role);
            manifest.setProperty("instance-id", instanceId);
            manifest.setProperty("created", Instant.now().toString());
            manifest.setProperty("facet-version", MirrorInstance.VERSION);
            manifest.setProperty("database", databaseIncluded ? "h2" : "not included: " + database.url());
            manifest.setProperty("repositories", Integer.toString(repositories));
            Files.deleteIfExists(partial);
            Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(partial))) {
                zip.setLevel(1);
                zip.putNextEntry(new ZipEntry(MANIFEST));
                manifest.store(zip, "Facet backup of " + absoluteHome);
                zip.closeEntry();
                long done = 0;
                byte[] buffer = new byte[64 * 1024];
                for (Entry entry : entries) {
                    done += add(zip, entry, buffer);
                    progress.bytes(done, total);
                }
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            return new Summary(file, role, instanceId, repositories, databaseIncluded, Files.size(file));
        } finally {
            Files.deleteIfExists(partial);
            Directories.deleteTree(staging);
        }
    }

    private record Entry(String name, Path file) {
    }

    /** Every repository directory under root; {@code .trash} and other dot-directories hold nothing to keep. */
    private static List<Path> repositoryDirectories(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.naturalOrder()).toList();
        }
    }

    /**
     * The files under {@code directory}, named by their path relative to {@code base}, and its empty
     * directories (a repository's empty {@code refs/} is part of what makes it one).
     */
    private static List<Entry> tree(Path base, Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(p -> Files.isRegularFile(p) || isEmptyDirectory(p)).sorted(Comparator.naturalOrder())
                    .map(p -> new Entry(HOME_PREFIX + base.relativize(p).toString().replace('\\', '/')
                            + (Files.isDirectory(p) ? "/" : ""), p)).toList();
        }
    }

    private static boolean isEmptyDirectory(Path path) {
        try {
            return Directories.isEmptyDirectory(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Entry> unpack(Path zipFile, Path into, String prefix) throws IOException {
        List<Entry> entries = new ArrayList<>();
        Files.createDirectories(into);
        try (ZipFile zip = new ZipFile(zipFile.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                if (entry.isDirectory()) {
                    continue;
                }
                Path out = into.resolve(Path.of(entry.getName()).getFileName().toString());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
                entries.add(new Entry(prefix + out.getFileName(), out));
            }
        }
        return entries;
    }

    /** Pack files are compressed already: they are stored, everything else deflated. */
    private static long add(ZipOutputStream zip, Entry entry, byte[] buffer) throws IOException {
        ZipEntry zipEntry = new ZipEntry(entry.name());
        if (entry.name().endsWith("/")) {
            zip.putNextEntry(zipEntry);
            zip.closeEntry();
            return 0;
        }
        long size = Files.size(entry.file());
        if (entry.name().endsWith(".pack")) {
            CRC32 crc = new CRC32();
            try (InputStream in = Files.newInputStream(entry.file())) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    crc.update(buffer, 0, n);
                }
            }
            zipEntry.setMethod(ZipEntry.STORED);
            zipEntry.setSize(size);
            zipEntry.setCompressedSize(size);
            zipEntry.setCrc(crc.getValue());
        }
        zip.putNextEntry(zipEntry);
        try (InputStream in = Files.newInputStream(entry.file())) {
            copy(in, zip, buffer);
        }
        zip.closeEntry();
        return size;
    }

    static void copy(InputStream in, OutputStream out, byte[] buffer) throws IOException {
        for (int n; (n = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, n);
        }
    }
}
