package dev.facet.git;

import dev.facet.core.file.Directories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clone answers kept on disk, held within their limits: at most so many files and bytes per
 * repository, and so many bytes in all. When a new answer would pass a limit, the answers used
 * least recently make room for it; an answer larger than a limit is not kept at all. The index
 * lives in memory and is rebuilt from the files at start-up, oldest first.
 */
final class KeptPacks {
    private static final Logger log = LoggerFactory.getLogger(KeptPacks.class);

    private record Kept(long repositoryId, long bytes) {
    }

    private final Path repositoriesRoot;
    private final ClonePackCache.Limits limits;
    /** Every kept file, least recently used first (access order). */
    private final LinkedHashMap<Path, Kept> kept = new LinkedHashMap<>(64, 0.75f, true);
    private long totalBytes;

    KeptPacks(Path repositoriesRoot, ClonePackCache.Limits limits) {
        this.repositoriesRoot = repositoriesRoot;
        this.limits = limits;
        indexExistingFiles();
    }

    /** The directory of one repository's answers for one refs hash. */
    Path stateDirectory(long repositoryId, String refsHash) {
        return repositoriesRoot.resolve(Long.toString(repositoryId)).resolve(ClonePackCache.DIRECTORY).resolve(refsHash);
    }

    /** Marks a kept file as just used; false when it is not (or no longer) kept. */
    synchronized boolean use(Path file) {
        return kept.get(file) != null && Files.isRegularFile(file);
    }

    /**
     * Moves a complete answer into place and makes room for it; false (and the answer deleted)
     * when it is larger than a limit allows. Also drops the repository's answers for other states.
     */
    synchronized boolean keep(long repositoryId, Path complete, Path target) throws IOException {
        long bytes = Files.size(complete);
        if (limits.maxFilesPerRepository() == 0 || bytes > limits.maxBytesPerRepository() || bytes > limits.maxBytesTotal()) {
            Files.deleteIfExists(complete);
            return false;
        }
        forgetOtherStates(repositoryId, target.getParent());
        Files.move(complete, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Kept previous = kept.put(target, new Kept(repositoryId, bytes));
        totalBytes += bytes - (previous == null ? 0 : previous.bytes());
        evictForRepository(repositoryId, target);
        evictForTotal(target);
        return true;
    }

    private void evictForRepository(long repositoryId, Path spared) {
        int files = 0;
        long bytes = 0;
        for (Kept entry : kept.values()) {
            if (entry.repositoryId() == repositoryId) {
                files++;
                bytes += entry.bytes();
            }
        }
        Iterator<Map.Entry<Path, Kept>> oldestFirst = kept.entrySet().iterator();
        while ((files > limits.maxFilesPerRepository() || bytes > limits.maxBytesPerRepository()) && oldestFirst.hasNext()) {
            Map.Entry<Path, Kept> entry = oldestFirst.next();
            if (entry.getValue().repositoryId() == repositoryId && !entry.getKey().equals(spared)) {
                files--;
                bytes -= entry.getValue().bytes();
                oldestFirst.remove();
                evicted(entry);
            }
        }
    }

    private void evictForTotal(Path spared) {
        Iterator<Map.Entry<Path, Kept>> oldestFirst = kept.entrySet().iterator();
        while (totalBytes > limits.maxBytesTotal() && oldestFirst.hasNext()) {
            Map.Entry<Path, Kept> entry = oldestFirst.next();
            if (!entry.getKey().equals(spared)) {
                oldestFirst.remove();
                evicted(entry);
            }
        }
    }

    private void evicted(Map.Entry<Path, Kept> entry) {
        totalBytes -= entry.getValue().bytes();
        try {
            // a clone streaming this file keeps reading it: the name goes, the open file stays
            Files.deleteIfExists(entry.getKey());
        } catch (IOException e) {
            log.warn("repository {}: could not remove kept clone answer {}", entry.getValue().repositoryId(),
                    entry.getKey().getFileName(), e);
        }
    }

    /** Removes the files of the repository's earlier states; nothing can ask for them any more. */
    private void forgetOtherStates(long repositoryId, Path current) {
        Path cache = current.getParent();
        Iterator<Map.Entry<Path, Kept>> entries = kept.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<Path, Kept> entry = entries.next();
            if (entry.getKey().startsWith(cache) && !entry.getKey().getParent().equals(current)) {
                entries.remove();
                totalBytes -= entry.getValue().bytes();
            }
        }
        if (!Files.isDirectory(cache)) {
            return;
        }
        try (Stream<Path> states = Files.list(cache)) {
            for (Path state : states.filter(p -> !p.equals(current)).toList()) {
                Directories.deleteTree(state);
            }
        } catch (IOException e) {
            log.warn("repository {}: could not remove old clone cache files", repositoryId, e);
        }
    }

    /** Takes in the answers an earlier run kept, least recently written first, and trims them to the limits. */
    private void indexExistingFiles() {
        if (!Files.isDirectory(repositoriesRoot)) {
            return;
        }
        record Found(Path file, long repositoryId, long bytes, long modified) {
        }
        List<Found> found = new ArrayList<>();
        try (Stream<Path> repositories = Files.list(repositoriesRoot)) {
            for (Path repository : repositories.toList()) {
                Path cache = repository.resolve(ClonePackCache.DIRECTORY);
                long repositoryId;
                try {
                    repositoryId = Long.parseLong(repository.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                if (!Files.isDirectory(cache)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(cache, 2)) {
                    for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".pack")).toList()) {
                        found.add(new Found(file, repositoryId, Files.size(file),
                                Files.getLastModifiedTime(file).toMillis()));
                    }
                }
            }
        } catch (IOException e) {
            log.warn("could not read the kept clone answers under {}; they are ignored", repositoriesRoot, e);
            return;
        }
        found.sort(Comparator.comparingLong(Found::modified));
        for (Found file : found) {
            kept.put(file.file(), new Kept(file.repositoryId(), file.bytes()));
            totalBytes += file.bytes();
        }
        for (Found file : found) {
            evictForRepository(file.repositoryId(), null);
        }
        evictForTotal(null);
    }
}
