package dev.facet.cli;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a home owner-only: it holds password hashes (the H2 file), private repositories, keys and
 * logs. Files are created by Facet, H2, JGit and Logback alike, so the one rule that reaches all
 * of them is the process's umask: 077, directories 0700 and files 0600. The home itself is made
 * 0700 as well, which protects a home whose older files are looser; {@code facet doctor} names those.
 */
final class OwnerOnlyFiles {
    private static final Logger log = LoggerFactory.getLogger(OwnerOnlyFiles.class);
    private static final int OWNER_ONLY_UMASK = 0077;
    static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private OwnerOnlyFiles() {
    }

    /** The C library's umask(2), the only call made through JNA. */
    private interface CLibrary extends Library {
        int umask(int mask);
    }

    /** Makes this process create files owner-only from now on; false where it cannot (no umask, no C library). */
    static boolean restrictUmask() {
        if (!isPosix(Path.of("."))) {
            return false;
        }
        try {
            CLibrary libc = Native.load("c", CLibrary.class);
            int before = libc.umask(OWNER_ONLY_UMASK);
            libc.umask(before | OWNER_ONLY_UMASK);
            return true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            log.warn("Cannot set this process's umask ({}); files in the home may be readable by others: start Facet "
                    + "with umask 077", e.toString());
            return false;
        }
    }

    /**
     * Makes every file this process creates from now on owner-only, and {@code home} (created when
     * missing) a directory only its owner can enter.
     */
    static Path secureHome(Path home) {
        restrictUmask();
        try {
            Files.createDirectories(home);
            if (isPosix(home)) {
                Set<PosixFilePermission> current = Files.getPosixFilePermissions(home);
                if (current.stream().anyMatch(GROUP_AND_OTHERS::contains)) {
                    Files.setPosixFilePermissions(home, OWNER_ONLY_DIRECTORY);
                    log.info("{} was {}; made it owner-only (rwx------)", home, PosixFilePermissions.toString(current));
                }
            }
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create or secure the home " + home, e);
        }
    }

    /** A path under a home that group or others may use, with its mode as ls shows it. */
    record Loose(Path path, String mode) {
    }

    /** Every file and directory under {@code home} (itself included) that group or others may read, write or enter. */
    static List<Loose> loosePaths(Path home) throws IOException {
        List<Loose> loose = new ArrayList<>();
        if (!isPosix(home)) {
            return loose;
        }
        Files.walkFileTree(home, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                check(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (!attributes.isSymbolicLink() && !attributes.isOther()) {
                    check(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE; // gone meanwhile (a lock file, a temporary pack)
            }

            private void check(Path path) throws IOException {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
                if (permissions.stream().anyMatch(GROUP_AND_OTHERS::contains)) {
                    loose.add(new Loose(path, PosixFilePermissions.toString(permissions)));
                }
            }
        });
        return loose;
    }

    private static boolean isPosix(Path path) {
        return path.toAbsolutePath().getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
