package dev.facet.git;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.eclipse.jgit.events.ListenerHandle;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefDatabase;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.AdvertiseRefsHook;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.ServiceMayNotContinueException;
import org.eclipse.jgit.transport.UploadPack;

/**
 * The refs a repository advertises to clones, fetches and {@code ls-remote}, read from disk once per change
 * instead of once per request: a CI storm of {@code git ls-remote} against a busy repository costs one ref scan
 * (with its tags peeled) after each change, not one per request.
 *
 * <p>A ref write through a {@link Repository} instance that has read its refs before tells JGit's global listeners,
 * which drop the repository's entry as the write lands. Facet's writers (a push over HTTP or SSH, a mirror's sync,
 * a farm node taking the published state, a branch made over REST, a HEAD moved) and its readers share the
 * instances {@link LocalDiskRepositoryStore#open} keeps, and an entry is made only by reading through one: so
 * every write Facet makes is advertised at once. JGit stays silent about the first change an instance ever sees
 * (reading a repository's refs, its {@code HEAD} at least, is one), so an instance's refs are kept only once JGit
 * has announced a change of it, and an entry serves only readers of the instance it was read through (a new
 * instance, after the open repositories let go of an unused one, starts silent again): a mirror's first sync of a new repository
 * was advertised 5 s late before. JGit is silent too about what another process writes on disk (an administrator's
 * {@code git update-ref}) until it reads again: such a change is advertised once the entry is {@code maxAge} old. Entries keep every ref, hidden ones too; each upload still applies its own filter ({@link KeptRefs#HIDDEN}),
 * and Facet has no per-user ref visibility within a repository.
 *
 * <p>{@link #start()} registers the listener and {@link #stop()} removes it; while it is not listening, every
 * request reads the refs, as JGit does on its own. The entries are bounded by {@code maxRepositories}, least
 * recently advertised first out.
 */
public final class AdvertisedRefsCache {
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_REPOSITORIES = 1_000;

    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final Map<Path, Entry> entries;
    /** Counts every ref change seen, so a scan that overlapped one never stores what it read. */
    private final AtomicLong changes = new AtomicLong();
    private final LongAdder scans = new LongAdder();
    private final LongAdder hits = new LongAdder();
    /**
     * The repository this thread is reading the refs of. JGit tells its listeners, on the reading thread, when a read
     * finds refs that changed on disk since its last one: what that read returns already holds the change.
     */
    private final ThreadLocal<Path> reading = new ThreadLocal<>();
    private volatile ListenerHandle listener;
    /**
     * The repository instances JGit has announced a ref change of. JGit stays silent about an instance's first
     * change, so until it has announced one, a write through it could land unseen: only then are its refs kept.
     */
    private final Map<Repository, Boolean> announcing = Collections.synchronizedMap(new WeakHashMap<>());

    /** @param source the instance the refs were read through: an entry serves readers of that instance only */
    private record Entry(Map<String, Ref> refs, long readAtNanos, WeakReference<Repository> source) {
    }

    public AdvertisedRefsCache() {
        this(DEFAULT_MAX_AGE, DEFAULT_MAX_REPOSITORIES, System::nanoTime);
    }

    /**
     * @param maxAge          how long an entry is trusted without an event: the bound on seeing a change made
     *                        outside this process
     * @param maxRepositories how many repositories' refs are kept at most
     * @param nanoTime        the monotonic clock entries are aged by
     */
    public AdvertisedRefsCache(Duration maxAge, int maxRepositories, LongSupplier nanoTime) {
        if (maxAge.isNegative() || maxRepositories < 1) {
            throw new IllegalArgumentException("maxAge must not be negative and maxRepositories must be positive, not "
                    + maxAge + " and " + maxRepositories);
        }
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = nanoTime;
        this.entries = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Path, Entry> eldest) {
                return size() > maxRepositories;
            }
        });
    }

    public synchronized void start() {
        if (listener == null) {
            listener = Repository.getGlobalListenerList().addRefsChangedListener(event -> {
                announcing.put(event.getRepository(), Boolean.TRUE);
                Path changed = key(event.getRepository());
                if (changed != null && changed.equals(reading.get())) {
                    return;
                }
                changes.incrementAndGet();
                if (changed != null) {
                    entries.remove(changed);
                }
            });
        }
    }

    /**
     * Forgets every entry: another process sharing these repositories may have moved refs, which JGit cannot
     * announce. A read under way when this is called does not keep what it read.
     */
    public void forgetAll() {
        changes.incrementAndGet();
        entries.clear();
    }

    public synchronized void stop() {
        if (listener != null) {
            listener.remove();
            listener = null;
        }
        entries.clear();
        announcing.clear();
    }

    /**
     * Advertises the cached refs of {@code served} to an upload (whose own repository may be a view of it); a
     * receive advertises what JGit reads, as usual.
     */
    public AdvertiseRefsHook hook(Repository served) {
        return new AdvertiseRefsHook() {
            @Override
            public void advertiseRefs(UploadPack uploadPack) throws ServiceMayNotContinueException {
                try {
                    uploadPack.setAdvertisedRefs(refs(served));
                } catch (IOException e) {
                    throw new ServiceMayNotContinueException("Facet could not read this repository's refs.", e);
                }
            }

            @Override
            public void advertiseRefs(ReceivePack receivePack) throws ServiceMayNotContinueException, IOException {
                AdvertiseRefsHook.DEFAULT.advertiseRefs(receivePack);
            }
        };
    }

    /** Every ref of {@code repository}, HEAD included, annotated tags peeled; unmodifiable. */
    public Map<String, Ref> refs(Repository repository) throws IOException {
        Path key = key(repository);
        if (key == null) {
            scans.increment();
            return scan(repository);
        }
        long now = nanoTime.getAsLong();
        Entry cached = listener == null ? null : entries.get(key);
        if (cached != null && now - cached.readAtNanos() < maxAgeNanos && cached.source().get() == repository) {
            hits.increment();
            return cached.refs();
        }
        long changesBefore = changes.get();
        Map<String, Ref> refs;
        reading.set(key);
        try {
            refs = scan(repository);
        } finally {
            reading.remove();
        }
        scans.increment();
        if (maxAgeNanos > 0 && listener != null && announcing.containsKey(repository)) {
            Entry read = new Entry(refs, now, new WeakReference<>(repository));
            entries.put(key, read);
            // A change that landed while we read may be missing from what we read: the next request reads again.
            if (changes.get() != changesBefore) {
                entries.remove(key, read);
            }
        }
        return refs;
    }

    /** How many requests read the refs from disk. */
    public long scans() {
        return scans.sum();
    }

    /** How many requests were answered from the cache. */
    public long hits() {
        return hits.sum();
    }

    private static Map<String, Ref> scan(Repository repository) throws IOException {
        RefDatabase database = repository.getRefDatabase();
        Map<String, Ref> refs = new LinkedHashMap<>();
        for (Ref ref : database.getRefs()) {
            refs.put(ref.getName(), ref.isPeeled() || ref.getObjectId() == null ? ref : database.peel(ref));
        }
        return Collections.unmodifiableMap(refs);
    }

    /** The repository's directory; null for one held in memory, which is never cached. */
    private static Path key(Repository repository) {
        return repository.getDirectory() == null ? null
                : repository.getDirectory().toPath().toAbsolutePath().normalize();
    }
}
