package dev.facet.farm;

import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.store.MirrorStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A farm node's periodic look at its own copies: every interval it compares the refs on disk of
 * each repository it carries with the farm's published state (see {@link PublishedRefs#catchUp}).
 * A copy that left that state while the node counted itself at it (changed on disk behind Facet's
 * back, or left behind by a healed split) is brought back to it, and the repair is written to the
 * node's audit trail; a copy merely behind a newer publication is brought forward without a word.
 * A repository whose sync is in flight is left to that sync, which moves its refs to the published
 * state itself; one that cannot be repaired for want of objects gets a sync.
 */
public final class FarmVet {
    private static final Logger log = LoggerFactory.getLogger("facet.sync");
    /** How often a node vets its copies unless its settings say otherwise. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
    /** The audit trail's details column holds this much. */
    private static final int DETAILS_MAX = 4000;

    /**
     * What one pass found.
     *
     * @param checked  the repositories compared with the published state
     * @param left     the repositories left to a sync in flight or one requested now
     * @param repaired the repairs made during the pass, by this pass or by a read meanwhile
     */
    public record Pass(Instant at, int checked, int left, List<PublishedRefs.Repair> repaired) {
        public Pass {
            repaired = List.copyOf(repaired);
        }
    }

    private final String nodeId;
    private final PublishedRefs published;
    private final MirrorStore store;
    private final LongPredicate syncing;
    private final LongConsumer requestSync;
    private final Clock clock;
    private final Duration interval;
    private final List<PublishedRefs.Repair> repairedSincePass = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "facet-farm-vet");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Pass lastPass;

    /**
     * Vets the repositories {@code store} lists, against {@code published}; {@code syncing} says whether a sync of
     * a repository is in flight, {@code requestSync} asks for one. Repairs are audited under {@code nodeId}.
     */
    public FarmVet(String nodeId, PublishedRefs published, MirrorStore store, LongPredicate syncing,
                   LongConsumer requestSync, Clock clock, Duration interval) {
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.published = published;
        this.store = store;
        this.syncing = syncing;
        this.requestSync = requestSync;
        this.clock = clock;
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("The farm vet's interval must be positive, not " + interval);
        }
        this.interval = interval;
        // A repair found by a read (the read gate) is audited as much as one found by a pass.
        published.onRepair(this::audit);
    }

    /** Vets every interval, the first time one interval after start, on a thread of its own. */
    public void start() {
        timer.scheduleWithFixedDelay(this::passQuietly, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    public void stop() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last pass, or null before the first. */
    public Pass lastPass() {
        return lastPass;
    }

    private void passQuietly() {
        try {
            pass();
        } catch (RuntimeException e) {
            log.warn("farm vet of node {} failed; it runs again in {}", nodeId, interval, e);
        }
    }

    /** One pass over every carried repository, now. */
    public Pass pass() {
        int checked = 0;
        int left = 0;
        for (MirroredRepository repository : store.inTransaction(tx -> tx.repositories().all())) {
            long id = repository.id();
            if (syncing.test(id)) {
                left++;
                continue;
            }
            checked++;
            if (!published.catchUp(id) && !syncing.test(id)) {
                // Behind, or diverged, without the published objects here: only a fetch brings them.
                left++;
                requestSync.accept(id);
            }
        }
        List<PublishedRefs.Repair> repaired;
        synchronized (repairedSincePass) {
            repaired = List.copyOf(repairedSincePass);
            repairedSincePass.clear();
        }
        Pass pass = new Pass(clock.instant(), checked, left, repaired);
        lastPass = pass;
        log.debug("farm vet of node {}: {} repositories checked, {} left to a sync, {} repaired", nodeId, checked,
                left, repaired.size());
        return pass;
    }

    private void audit(PublishedRefs.Repair repair) {
        synchronized (repairedSincePass) {
            repairedSincePass.add(repair);
        }
        String name = store.inTransaction(tx -> tx.repositories().find(repair.repositoryId()))
                .map(repository -> repository.projectKey().value() + "/" + repository.slug().value()).orElse("?");
        String details = "farm vet: repository " + repair.repositoryId() + " (" + name + ") had refs hash "
                + repair.hadHash() + ", not the farm's published one; restored generation " + repair.generation()
                + " (" + repair.restoredHash() + "): " + String.join("; ", repair.changes());
        String bounded = details.length() <= DETAILS_MAX ? details : details.substring(0, DETAILS_MAX - 1) + "…";
        store.inTransaction(tx -> {
            tx.audit().record(clock.instant(), "facet", AuditAction.REPAIR, nodeId, null, bounded);
            return null;
        });
    }
}
