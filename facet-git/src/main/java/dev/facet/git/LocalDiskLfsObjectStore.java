package dev.facet.git;

import dev.facet.core.digest.Sha256;
import dev.facet.core.error.NotFound;
import dev.facet.core.lfs.LfsContent;
import dev.facet.core.lfs.LfsObjectBusy;
import dev.facet.core.lfs.LfsObjectRejected;
import dev.facet.core.lfs.LfsObjectStore;
import dev.facet.core.lfs.LfsOid;
import dev.facet.core.lfs.LfsPointer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Git LFS objects as files under a directory of the home, named by oid:
 * {@code objects/ab/cd/abcd...}, the layout git-lfs itself uses. An upload is written to
 * {@code tmp/} while its size and SHA-256 are checked, and moved in only when both match, so a
 * file under {@code objects/} is always exactly the object its name says.
 */
public final class LocalDiskLfsObjectStore implements LfsObjectStore {
    private static final int BUFFER_BYTES = 64 * 1024;
    private final Path root;
    /**
     * Objects an upload or the purge is working on: one at a time per object, so two uploads never race to
     * move one object in, and the purge never deletes a file an upload has just found and touched.
     */
    private final Set<LfsOid> busy = ConcurrentHashMap.newKeySet();

    /** @param root the store's directory, {@code data/lfs} of the home */
    public LocalDiskLfsObjectStore(Path root) {
        this.root = root;
    }

    public Path objectsDirectory() {
        return root.resolve("objects");
    }

    Path file(LfsOid oid) {
        String value = oid.value();
        return objectsDirectory().resolve(value.substring(0, 2)).resolve(value.substring(2, 4)).resolve(value);
    }

    @Override
    public OptionalLong size(LfsOid oid) {
        try {
            return OptionalLong.of(Files.size(file(oid)));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the size of LFS object " + oid, e);
        }
    }

    @Override
    public LfsContent open(LfsOid oid) {
        Path file = file(oid);
        try {
            return new LfsContent(Files.size(file), Files.newInputStream(file));
        } catch (NoSuchFileException e) {
            throw new NotFound("oid", "Object " + oid + " does not exist.");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open LFS object " + oid, e);
        }
    }

    /** @throws LfsObjectBusy when another upload of the same object is under way */
    @Override
    public void receive(LfsPointer expected, InputStream body) {
        if (!busy.add(expected.oid())) {
            throw new LfsObjectBusy(expected.oid());
        }
        try {
            store(expected, body);
        } finally {
            busy.remove(expected.oid());
        }
    }

    private void store(LfsPointer expected, InputStream body) {
        Path tmp;
        try {
            tmp = Files.createTempFile(Files.createDirectories(root.resolve("tmp")), expected.oid().value(), ".part");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary file under " + root, e);
        }
        try {
            MessageDigest digest = Sha256.newDigest();
            long received = 0;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buffer = new byte[BUFFER_BYTES];
                for (int n; (n = readFromClient(body, buffer, expected)) > 0; ) {
                    received += n;
                    if (received > expected.size()) {
                        throw new LfsObjectRejected("Object " + expected.oid() + " was announced with " + expected.size()
                                + " bytes but more were sent; nothing was stored.");
                    }
                    digest.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            if (received != expected.size()) {
                throw new LfsObjectRejected("Object " + expected.oid() + " was announced with " + expected.size()
                        + " bytes but " + received + " were sent; nothing was stored.");
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(expected.oid().value())) {
                throw new LfsObjectRejected("The bytes sent for object " + expected.oid() + " have the SHA-256 " + actual
                        + "; nothing was stored.");
            }
            Path target = file(expected.oid());
            Files.createDirectories(target.getParent());
            if (Files.exists(target)) {
                // Another repository (or a concurrent upload) stored the same bytes: they are the same object.
                Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
            } else {
                // A rename: readers see the whole file or none, and a concurrent twin replaces it with equal bytes.
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot store LFS object " + expected.oid(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // Left in tmp/ it holds nothing anybody reads; the next start-up sweep takes it.
            }
        }
    }

    /** A client that hangs up mid-upload is the client's failure, not the store's: refused, never a server error. */
    private static int readFromClient(InputStream body, byte[] buffer, LfsPointer expected) {
        try {
            return body.read(buffer);
        } catch (IOException e) {
            throw new LfsObjectRejected("The upload of object " + expected.oid() + " broke off (" + e.getMessage()
                    + "); nothing was stored.");
        }
    }

    @Override
    public int purge(Instant olderThan, java.util.function.Predicate<LfsOid> stillHeld) {
        int purged = 0;
        try {
            if (Files.isDirectory(root.resolve("tmp"))) {
                try (java.util.stream.Stream<Path> parts = Files.list(root.resolve("tmp"))) {
                    for (Path part : parts.toList()) {
                        if (Files.getLastModifiedTime(part).toInstant().isBefore(olderThan)) {
                            Files.deleteIfExists(part);
                        }
                    }
                }
            }
            if (!Files.isDirectory(objectsDirectory())) {
                return 0;
            }
            try (java.util.stream.Stream<Path> files = Files.walk(objectsDirectory())) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    LfsOid oid;
                    try {
                        oid = LfsOid.of(file.getFileName().toString());
                    } catch (RuntimeException e) {
                        continue;
                    }
                    if (purgeOne(file, oid, olderThan, stillHeld)) {
                        purged++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot purge LFS objects under " + root, e);
        }
        return purged;
    }

    /**
     * Deletes one object's file when it is old and unheld, while no upload of it runs: an upload of the same bytes
     * touches the file under the same guard, so the purge sees it fresh, and the record the upload then writes keeps
     * it; an upload that comes while the purge looks is told to retry, and then finds the file gone and moves it in.
     */
    private boolean purgeOne(Path file, LfsOid oid, Instant olderThan, java.util.function.Predicate<LfsOid> stillHeld)
            throws IOException {
        if (!busy.add(oid)) {
            return false;
        }
        try {
            if (Files.getLastModifiedTime(file).toInstant().isBefore(olderThan) && !stillHeld.test(oid)) {
                return Files.deleteIfExists(file);
            }
            return false;
        } catch (NoSuchFileException e) {
            return false;
        } finally {
            busy.remove(oid);
        }
    }

    @Override
    public void restartAge(LfsOid oid) {
        try {
            Files.setLastModifiedTime(file(oid), java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
        } catch (NoSuchFileException e) {
            // Not fetched (or already purged): nothing to keep.
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep Git LFS object " + oid + " under " + root, e);
        }
    }

    @Override
    public Optional<String> damage(LfsPointer pointer) {
        Path file = file(pointer.oid());
        if (!Files.isRegularFile(file)) {
            return Optional.of("LFS object " + pointer.oid() + " is missing (" + file + ")");
        }
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = Sha256.newDigest();
            byte[] buffer = new byte[BUFFER_BYTES];
            long size = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
                size += n;
            }
            if (size != pointer.size()) {
                return Optional.of("LFS object " + pointer.oid() + " has " + size + " bytes instead of " + pointer.size()
                        + " (" + file + ")");
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(pointer.oid().value())) {
                return Optional.of("LFS object " + pointer.oid() + " is corrupt: its content has the SHA-256 " + actual
                        + " (" + file + ")");
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("LFS object " + pointer.oid() + " cannot be read: " + e.getMessage());
        }
    }
}
