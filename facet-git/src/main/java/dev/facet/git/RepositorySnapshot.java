package dev.facet.git;

import dev.facet.core.file.Directories;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * A consistent copy of a bare repository that is in use. The refs are read first and the object
 * files linked after them: objects are written before the refs that name them and pack files
 * never change, so the copy holds every object its refs need, unless a gc dropped one in between.
 * The copy is checked for exactly that and taken again when it happened.
 */
public final class RepositorySnapshot {
    private static final int ATTEMPTS = 5;

    /** What the copy holds. */
    public record Outcome(int refs, long bytes) {
    }

    private RepositorySnapshot() {
    }

    /** Copies {@code gitDir} to {@code target} (replaced when it exists), hard-linking object files where the disk allows. */
    public static Outcome take(Path gitDir, Path target) throws IOException {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Directories.deleteTree(target);
            Files.createDirectories(target.resolve("objects"));
            List<Ref> refs;
            String head;
            try (Repository source = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setMustExist(true).build()) {
                refs = source.getRefDatabase().getRefsByPrefix(Constants.R_REFS);
                Ref headRef = source.exactRef(Constants.HEAD);
                head = headRef != null && headRef.isSymbolic() ? "ref: " + headRef.getTarget().getName()
                        : headRef != null && headRef.getObjectId() != null ? headRef.getObjectId().name()
                        : "ref: " + Constants.R_HEADS + Constants.MASTER;
            }
            long bytes = linkObjects(gitDir.resolve("objects"), target.resolve("objects"));
            Files.copy(gitDir.resolve("config"), target.resolve("config"));
            Files.writeString(target.resolve("HEAD"), head + "\n", StandardCharsets.UTF_8);
            Files.createDirectories(target.resolve("refs"));
            Files.writeString(target.resolve("packed-refs"), packedRefs(refs), StandardCharsets.UTF_8);
            if (holdsEveryNamedObject(target, refs)) {
                return new Outcome(refs.size(), bytes);
            }
        }
        Directories.deleteTree(target);
        throw new IOException("The refs of " + gitDir + " kept naming objects that vanished while they were copied ("
                + ATTEMPTS + " attempts); is a gc running in a loop?");
    }

    private static long linkObjects(Path from, Path to) throws IOException {
        long bytes = 0;
        List<Path> files;
        try (Stream<Path> walk = Files.walk(from)) {
            files = walk.filter(Files::isRegularFile).filter(RepositorySnapshot::isObjectFile)
                    .sorted(Comparator.naturalOrder()).toList();
        }
        for (Path file : files) {
            Path copy = to.resolve(from.relativize(file).toString());
            Files.createDirectories(copy.getParent());
            try {
                try {
                    Files.createLink(copy, file);
                } catch (UnsupportedOperationException | FileSystemException e) {
                    if (e instanceof NoSuchFileException) {
                        throw (NoSuchFileException) e;
                    }
                    Files.copy(file, copy);
                }
                bytes += Files.size(copy);
            } catch (NoSuchFileException vanished) {
                // A gc replaced it meanwhile; the check after the copy tells whether anything named went with it.
            }
        }
        return bytes;
    }

    /** Pack and loose object files; not the temporary files of a pack being written, nor locks or keep markers. */
    private static boolean isObjectFile(Path file) {
        String name = file.getFileName().toString();
        return !name.startsWith("tmp_") && !name.startsWith("incoming_") && !name.endsWith(".tmp")
                && !name.endsWith(".keep") && !name.endsWith(".lock") && !file.toString().contains("/info/");
    }

    private static String packedRefs(List<Ref> refs) {
        List<Ref> sorted = new ArrayList<>(refs);
        sorted.sort(Comparator.comparing(Ref::getName));
        StringBuilder out = new StringBuilder("# pack-refs with: sorted \n");
        for (Ref ref : sorted) {
            if (!ref.isSymbolic() && ref.getObjectId() != null) {
                out.append(ref.getObjectId().name()).append(' ').append(ref.getName()).append('\n');
            }
        }
        return out.toString();
    }

    private static boolean holdsEveryNamedObject(Path copy, List<Ref> refs) throws IOException {
        try (Repository repository = new FileRepositoryBuilder().setGitDir(copy.toFile()).setMustExist(true).build()) {
            for (Ref ref : refs) {
                ObjectId id = ref.getObjectId();
                if (id != null && !repository.getObjectDatabase().has(id)) {
                    return false;
                }
            }
        }
        return true;
    }
}
