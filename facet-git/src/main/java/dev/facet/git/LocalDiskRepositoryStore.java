package dev.facet.git;

import dev.facet.core.file.Directories;
import dev.facet.core.error.NotFound;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.file.GC;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Bare repositories under {@code <root>/<id>}; a rename moves no files because the path holds no name. */
public final class LocalDiskRepositoryStore implements RepositoryStore {
    private static final Logger log = LoggerFactory.getLogger(LocalDiskRepositoryStore.class);
    /**
     * How long a repository nobody uses stays open. JGit's default, an hour, kept every repository a primary created
     * or a mirror synced within the hour; five minutes keeps busy repositories open, and reopening one costs a read of
     * its config and pack list.
     */
    static final Duration UNUSED_REPOSITORY_KEPT_OPEN = Duration.ofMinutes(5);
    /** The most repositories kept open at once, whatever their use: about 8 KiB of heap each. */
    static final int REPOSITORIES_KEPT_OPEN = 4096;
    /** One for the process, as JGit's was: nodes in one process keep their repositories under different paths. */
    private static final OpenRepositories OPEN = new OpenRepositories(REPOSITORIES_KEPT_OPEN, UNUSED_REPOSITORY_KEPT_OPEN);

    /** Subdirectories of a new bare repository that Git and JGit expect to find. */
    private static final List<String> NEW_REPOSITORY_DIRECTORIES = List.of("objects/info", "objects/pack", "refs/heads",
            "refs/tags");

    private final Path root;
    private final byte[] newConfig;
    /**
     * How often a purge reads the refs of every repository again, besides the first after a start: a kept ref
     * written just as the purge unmarked its repository is found by then.
     */
    static final Duration EVERY_REPOSITORY_PURGED_EVERY = Duration.ofDays(1);
    /** When a purge last read the refs of every repository ({@link System#nanoTime}); empty before the first. */
    private volatile OptionalLong sweptEveryRepositoryAt = OptionalLong.empty();

    public LocalDiskRepositoryStore(Path root) {
        this.root = root.toAbsolutePath();
        try {
            Files.createDirectories(this.root);
            if (Files.exists(staging())) {
                Directories.deleteTree(staging());
            }
            this.newConfig = newConfig(keepsExecutableBits(this.root));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the repositories directory " + this.root, e);
        }
    }

    public Path root() {
        return root;
    }

    private Path directory(long repositoryId) {
        if (repositoryId <= 0) {
            throw new IllegalArgumentException("Repository ids are positive, not " + repositoryId);
        }
        return root.resolve(Long.toString(repositoryId));
    }

    @Override
    public void create(long repositoryId) {
        Path dir = directory(repositoryId);
        if (Files.exists(dir)) {
            throw new IllegalStateException("Repository directory " + dir + " already exists");
        }
        // Laid out beside the others and moved into place whole: a crash never leaves a half-made repository under
        // its id, and the files are written once each. JGit's own create() writes the config twice with Facet's
        // keys and probes the file system for executable bits and symbolic links every time; a mirror's first sync
        // creates thousands of repositories, and that was a fifth of its CPU.
        Path staging = staging().resolve(repositoryId + "-" + System.nanoTime());
        try {
            for (String sub : NEW_REPOSITORY_DIRECTORIES) {
                Files.createDirectories(staging.resolve(sub));
            }
            Files.write(staging.resolve(Constants.HEAD), Constants.encode("ref: " + Constants.R_HEADS
                    + initialBranch() + "\n"));
            Files.write(staging.resolve(Constants.CONFIG), newConfig);
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            // An open of the id's previous repository that raced its removal must not be served for this one.
            OPEN.forget(dir);
        } catch (IOException e) {
            try {
                Directories.deleteTree(staging);
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new UncheckedIOException("Cannot create repository " + repositoryId + " in " + dir, e);
        }
    }

    /** Where new repositories are laid out before they move to their place; what a crash left there is garbage. */
    private Path staging() {
        return root.resolve(".new");
    }

    /** The branch a new repository's HEAD names, as {@code git init} picks it: {@code init.defaultBranch}, else master. */
    private static String initialBranch() {
        try {
            String configured = SystemReader.getInstance().getUserConfig()
                    .getString(ConfigConstants.CONFIG_INIT_SECTION, null, ConfigConstants.CONFIG_KEY_DEFAULT_BRANCH);
            return configured == null || configured.isBlank() ? Constants.MASTER : configured.trim();
        } catch (IOException | org.eclipse.jgit.errors.ConfigInvalidException e) {
            return Constants.MASTER;
        }
    }

    /** The config of every new repository: what {@code git init --bare} writes, and the keys Facet relies on. */
    private static byte[] newConfig(boolean fileMode) {
        Config config = new Config();
        config.setInt(ConfigConstants.CONFIG_CORE_SECTION, null, ConfigConstants.CONFIG_KEY_REPO_FORMAT_VERSION, 0);
        config.setBoolean(ConfigConstants.CONFIG_CORE_SECTION, null, ConfigConstants.CONFIG_KEY_FILEMODE, fileMode);
        config.setBoolean(ConfigConstants.CONFIG_CORE_SECTION, null, ConfigConstants.CONFIG_KEY_BARE, true);
        config.setBoolean(ConfigConstants.CONFIG_CORE_SECTION, null, ConfigConstants.CONFIG_KEY_LOGALLREFUPDATES, true);
        // Bitmaps cut the server's CPU per clone about four times; both JGit and native git read these keys.
        config.setBoolean(ConfigConstants.CONFIG_PACK_SECTION, null, ConfigConstants.CONFIG_KEY_BUILD_BITMAPS, true);
        config.setBoolean("repack", null, "writeBitmaps", true);
        config.setBoolean("receive", null, "fsckObjects", true);
        // protocol.version stays unset: JGit serves v2 to every client that asks for it (and fetches with v2).
        config.setBoolean("uploadpack", null, "allowFilter", true);
        // Packs replaced by a gc go at once; kept for git's default hour, they keep the pack count over
        // gc.autoPackLimit, so every later push would start another full gc.
        config.setString("gc", null, "prunePackExpire", "now");
        // A mirror's sync engine repacks on its own schedule; a gc started by each fetch would race it.
        config.setBoolean("fetch", null, "autogc", false);
        return Constants.encode(config.toText());
    }

    /** Whether the file system keeps executable bits, asked once of the root as {@code git init} asks of each new repository. */
    private static boolean keepsExecutableBits(Path root) throws IOException {
        if (!FS.DETECTED.supportsExecute()) {
            return false;
        }
        Path probe = Files.createTempFile(root, "probe", ".execute");
        try {
            File file = probe.toFile();
            return FS.DETECTED.setExecute(file, true) && FS.DETECTED.canExecute(file)
                    && FS.DETECTED.setExecute(file, false) && !FS.DETECTED.canExecute(file);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    @Override
    public Repository open(long repositoryId) {
        Path dir = directory(repositoryId);
        if (!Files.isDirectory(dir)) {
            throw new NotFound("repository", "Repository " + repositoryId + " has no files on disk.");
        }
        try {
            return OPEN.open(dir);
        } catch (org.eclipse.jgit.errors.RepositoryNotFoundException e) {
            throw new NotFound("repository", "Repository " + repositoryId + " has files on disk that do not form a Git "
                    + "repository (" + dir + "); restore them from a backup.");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open repository " + repositoryId + " in " + dir, e);
        }
    }

    @Override
    public void verify(long repositoryId) {
        Path dir = directory(repositoryId);
        try (Repository repository = new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build()) {
            if (repository.exactRef(org.eclipse.jgit.lib.Constants.HEAD) == null) {
                throw new NotFound("repository", "Repository " + repositoryId + " has no HEAD in " + dir + ".");
            }
            for (org.eclipse.jgit.lib.Ref ref : repository.getRefDatabase().getRefs()) {
                if (ref.getObjectId() != null && !repository.getObjectDatabase().has(ref.getObjectId())) {
                    throw new NotFound("repository", "Repository " + repositoryId + " in " + dir + ": " + ref.getName()
                            + " points at " + ref.getObjectId().name() + ", which is not in its objects.");
                }
            }
        } catch (IOException e) {
            throw new NotFound("repository", "Repository " + repositoryId + " in " + dir
                    + " is not a readable Git repository (" + e.getMessage() + ").");
        }
    }

    @Override
    public boolean exists(long repositoryId) {
        return Files.isDirectory(directory(repositoryId));
    }

    @Override
    public void delete(long repositoryId) {
        Path dir = directory(repositoryId);
        if (!Files.exists(dir)) {
            return;
        }
        OPEN.forget(dir);
        try {
            // Move aside first: a half-deleted directory must never look like a repository.
            Path trash = Files.createDirectories(root.resolve(".trash")).resolve(repositoryId + "-" + System.nanoTime());
            Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
            Directories.deleteTree(trash);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete repository " + repositoryId + " in " + dir, e);
        }
    }

    @Override
    public void repack(long repositoryId) {
        try (Repository repository = open(repositoryId)) {
            GC gc = new GC((FileRepository) repository);
            gc.setAuto(false);
            // Replaced packs go at once: readers that still hold one keep reading it from the open file, and
            // packs left behind for an hour would make every later pack count (and fetch) look worse.
            gc.setPackExpireAgeMillis(0);
            gc.gc().get();
        } catch (IOException | java.text.ParseException | org.eclipse.jgit.api.errors.GitAPIException e) {
            throw new IllegalStateException("Cannot repack repository " + repositoryId + ": " + e.getMessage(), e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("Cannot repack repository " + repositoryId + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while repacking repository " + repositoryId, e);
        }
    }

    @Override
    public int packCount(long repositoryId) {
        String[] packs = directory(repositoryId).resolve("objects").resolve("pack").toFile()
                .list((dir, name) -> name.endsWith(".pack"));
        return packs == null ? 0 : packs.length;
    }

    @Override
    public void setHead(long repositoryId, String branch) {
        try (Repository repository = open(repositoryId)) {
            Ref head = repository.exactRef(org.eclipse.jgit.lib.Constants.HEAD);
            if (head != null && head.isSymbolic() && head.getTarget().getName().equals(branch)) {
                return;
            }
            org.eclipse.jgit.lib.RefUpdate update = repository.updateRef(org.eclipse.jgit.lib.Constants.HEAD);
            update.disableRefLog();
            update.link(branch);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot point HEAD of repository " + repositoryId + " at " + branch, e);
        }
    }

    /** Where repositories moved aside wait for their purge: {@code <root>/../kept-repositories/<id>-<epoch seconds>}. */
    public Path keptRepositories() {
        return root.resolveSibling("kept-repositories");
    }

    @Override
    public void keepAside(long repositoryId, java.time.Instant at) {
        Path dir = directory(repositoryId);
        if (!Files.exists(dir)) {
            return;
        }
        OPEN.forget(dir);
        try {
            Path kept = Files.createDirectories(keptRepositories()).resolve(repositoryId + "-" + at.getEpochSecond());
            Files.move(dir, kept, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep repository " + repositoryId + " aside", e);
        }
    }

    /**
     * The first purge reads the refs of every repository, marking those that hold kept refs ({@link KeptRefs}): kept
     * refs written by an older version, or left unmarked by a crash or a restore, are found there. Later purges visit
     * the marked repositories alone, so an idle mirror of 100,000 repositories reads none of them.
     */
    @Override
    public int purgeKept(java.time.Instant olderThan) {
        int purged = 0;
        long now = System.nanoTime();
        boolean everyRepository = sweptEveryRepositoryAt.isEmpty()
                || now - sweptEveryRepositoryAt.getAsLong() > EVERY_REPOSITORY_PURGED_EVERY.toNanos();
        Path marks = root.resolve(KeptRefs.HOLDERS);
        Path listed = everyRepository ? root : marks;
        if (Files.isDirectory(listed)) {
            try (Stream<Path> dirs = Files.list(listed)) {
                for (Path entry : dirs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                    long repositoryId = Long.parseLong(entry.getFileName().toString());
                    try {
                        purged += purgeKeptRefs(repositoryId, olderThan);
                    } catch (RuntimeException e) {
                        // One unreadable repository (the doctor tells of it) must not stop the purge of the others.
                        log.warn("Could not purge the kept refs of repository {}: {}", repositoryId, e.getMessage());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list " + listed, e);
            }
        }
        if (everyRepository) {
            sweptEveryRepositoryAt = OptionalLong.of(now);
        }
        if (Files.isDirectory(keptRepositories())) {
            try (Stream<Path> kept = Files.list(keptRepositories())) {
                for (Path dir : kept.toList()) {
                    String name = dir.getFileName().toString();
                    long at = Long.parseLong(name.substring(name.lastIndexOf('-') + 1));
                    if (java.time.Instant.ofEpochSecond(at).isBefore(olderThan)) {
                        Directories.deleteTree(dir);
                        purged++;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                throw new IllegalStateException("Cannot purge " + keptRepositories() + ": " + e.getMessage(), e);
            }
        }
        return purged;
    }

    /** Purges the repository's kept refs older than {@code olderThan}; it stays marked while it holds any. */
    private int purgeKeptRefs(long repositoryId, java.time.Instant olderThan) {
        Path dir = directory(repositoryId);
        Path mark = KeptRefs.holderMark(dir);
        try {
            if (!Files.isDirectory(dir)) {
                Files.deleteIfExists(mark);
                return 0;
            }
            try (Repository repository = open(repositoryId)) {
                int purged = 0;
                for (Ref ref : repository.getRefDatabase().getRefsByPrefix(KeptRefs.PREFIX)) {
                    if (KeptRefs.keptAt(ref.getName()).isBefore(olderThan)) {
                        org.eclipse.jgit.lib.RefUpdate delete = repository.updateRef(ref.getName());
                        delete.setForceUpdate(true);
                        delete.delete();
                        purged++;
                    }
                }
                if (repository.getRefDatabase().getRefsByPrefix(KeptRefs.PREFIX).isEmpty()) {
                    Files.deleteIfExists(mark);
                    // A sync may have kept a ref between the read and the unmarking: it must stay found.
                    if (!repository.getRefDatabase().getRefsByPrefix(KeptRefs.PREFIX).isEmpty()) {
                        KeptRefs.markHolder(repository);
                    }
                } else {
                    KeptRefs.markHolder(repository);
                }
                return purged;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot purge the kept refs of repository " + repositoryId, e);
        }
    }

    @Override
    public Map<String, ObjectId> refs(long repositoryId) {
        try (Repository repository = open(repositoryId)) {
            Map<String, ObjectId> refs = new LinkedHashMap<>();
            for (Ref ref : repository.getRefDatabase().getRefsByPrefix("refs/")) {
                if (ref.getObjectId() != null && !KeptRefs.isKept(ref.getName())) {
                    refs.put(ref.getName(), ref.getObjectId());
                }
            }
            return refs;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the refs of repository " + repositoryId, e);
        }
    }
}
