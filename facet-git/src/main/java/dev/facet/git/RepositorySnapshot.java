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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * A consistent copy of a bare repository that is in use. The refs are read first and the object
 * files linked after them, listing the object directory again until nothing new appears: objects
 * are written before the refs that name them, pack files never change, and a gc writes its new pack
 * before it deletes the old ones, so the copy holds every object its refs reach, unless a gc dropped
 * an object that became unreachable in between. The copy is walked from its refs to check exactly
 * that, and taken again when it happened.
 */
public final class RepositorySnapshot {
    private static final int ATTEMPTS = 5;
    /** A gc that keeps writing packs faster than they are linked is waited out this many listings at most. */
    private static final int LISTINGS = 20;

    private RepositorySnapshot() {
    }

    /** Copies {@code gitDir} to {@code target} (replaced when it exists), hard-linking object files where the disk allows. */
    public static void take(Path gitDir, Path target) throws IOException {
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
            linkObjects(gitDir.resolve("objects"), target.resolve("objects"));
            Files.copy(gitDir.resolve("config"), target.resolve("config"));
            Files.writeString(target.resolve("HEAD"), head + "\n", StandardCharsets.UTF_8);
            Files.createDirectories(target.resolve("refs"));
            Files.writeString(target.resolve("packed-refs"), packedRefs(refs), StandardCharsets.UTF_8);
            if (holdsEveryNamedObject(target, refs)) {
                return;
            }
        }
        Directories.deleteTree(target);
        throw new IOException("The refs of " + gitDir + " kept naming objects that vanished while they were copied ("
                + ATTEMPTS + " attempts); is a gc running in a loop?");
    }

    private static void linkObjects(Path from, Path to) throws IOException {
        Set<Path> linked = new HashSet<>();
        for (int listing = 0; listing < LISTINGS; listing++) {
            List<Path> fresh;
            try (Stream<Path> walk = Files.walk(from)) {
                fresh = walk.filter(Files::isRegularFile).filter(RepositorySnapshot::isObjectFile)
                        .filter(file -> !linked.contains(file)).sorted(Comparator.naturalOrder()).toList();
            }
            if (fresh.isEmpty()) {
                break;
            }
            for (Path file : fresh) {
                linked.add(file);
                Path copy = to.resolve(from.relativize(file).toString());
                Files.createDirectories(copy.getParent());
                try {
                    linkOrCopy(file, copy);
                } catch (NoSuchFileException vanished) {
                    // A gc replaced it meanwhile; its objects are in the pack the next listing finds.
                }
            }
        }
    }

    /** A hard link where the file system has them (instant, and safe: object files never change), else a copy. */
    private static void linkOrCopy(Path file, Path copy) throws IOException {
        try {
            Files.createLink(copy, file);
        } catch (NoSuchFileException vanished) {
            throw vanished;
        } catch (UnsupportedOperationException | FileSystemException noLinks) {
            Files.copy(file, copy);
        }
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

    /** Whether every object reachable from the refs is in the copy: the walk a clone of it would make. */
    private static boolean holdsEveryNamedObject(Path copy, List<Ref> refs) throws IOException {
        try (Repository repository = new FileRepositoryBuilder().setGitDir(copy.toFile()).setMustExist(true).build();
             ObjectWalk walk = new ObjectWalk(repository)) {
            for (Ref ref : refs) {
                ObjectId id = ref.getObjectId();
                if (id == null) {
                    continue;
                }
                if (!repository.getObjectDatabase().has(id)) {
                    return false;
                }
                walk.markStart(walk.parseAny(id));
            }
            // Every commit, tree and blob reachable from the refs is read or looked up; a missing one throws.
            walk.checkConnectivity();
            return true;
        } catch (org.eclipse.jgit.errors.MissingObjectException missing) {
            return false;
        }
    }
}
