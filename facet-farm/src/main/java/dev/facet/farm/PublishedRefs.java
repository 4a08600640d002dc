package dev.facet.farm;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.facet.core.ref.RefsHash;
import dev.facet.git.MirrorRefs;
import dev.facet.git.RefPlan;
import dev.facet.git.RepositoryStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The farm's record of each repository's published refs, as this node takes part in it: it
 * offers the states it fetched, keeps a local copy of the published generations (current through
 * a map listener, so a read asks nothing of the network), knows which generation its own refs are
 * at, and brings them to the published state when it holds the objects. It also keeps the set of
 * nodes that count for publication: the live members that said they are ready. A node that is not
 * ready (joining, catching up, lagging) does not hold publication up; its {@link FarmReadGate}
 * keeps it from showing anything older than what was published.
 */
public final class PublishedRefs implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("facet.sync");
    static final String REFS_MAP = "facet-farm-refs";
    static final String READY_MAP = "facet-farm-ready";

    /**
     * How long things may take.
     *
     * @param publishWait        how long a node that fetched a state waits for the farm to publish it (or another)
     * @param proposalStaleAfter after this, a pending proposal that is not published may be replaced by another state
     * @param readWait           how long a read waits for this node to reach the published state before it is refused
     */
    public record Settings(Duration publishWait, Duration proposalStaleAfter, Duration readWait) {
        public static final Settings DEFAULTS =
                new Settings(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(2));

        public Settings {
            Objects.requireNonNull(publishWait, "publishWait");
            Objects.requireNonNull(proposalStaleAfter, "proposalStaleAfter");
            Objects.requireNonNull(readWait, "readWait");
        }
    }

    private final FarmCluster cluster;
    private final RepositoryStore repositories;
    private final MirrorRefs refs;
    private final Clock clock;
    private final Settings settings;
    private final IMap<Long, FarmRefsRecord> records;
    private final IMap<String, Long> readyNodes;
    /** The published generation of each repository, as the listener last saw it. */
    private final Map<Long, Long> publishedGenerations = new ConcurrentHashMap<>();
    /** The generation this node's refs were last seen at, by repository; never goes down. */
    private final Map<Long, Long> heldGenerations = new ConcurrentHashMap<>();
    private final Map<Long, Object> repositoryLocks = new ConcurrentHashMap<>();
    private final Object changed = new Object();
    private final ExecutorService coordination = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "facet-farm-refs");
        thread.setDaemon(true);
        return thread;
    });
    private volatile LongConsumer onForeignProposal = repositoryId -> { };
    private volatile Consumer<Repair> onRepair = repair -> { };
    private UUID listener;

    /** Takes part in {@code cluster}'s record of published refs for the repositories in {@code repositories}. */
    public PublishedRefs(FarmCluster cluster, RepositoryStore repositories, Clock clock, Settings settings) {
        this.cluster = cluster;
        this.repositories = repositories;
        this.refs = new MirrorRefs(clock);
        this.clock = clock;
        this.settings = settings;
        this.records = cluster.hazelcast().getMap(REFS_MAP);
        this.readyNodes = cluster.hazelcast().getMap(READY_MAP);
    }

    /**
     * Calls {@code sync} (on a Hazelcast event thread) whenever another node proposes a state of a repository
     * this node has not joined yet: wire it to the sync engine's request, so that this node fetches too and the
     * proposal does not wait for the next event or reconciliation.
     */
    public void onForeignProposal(LongConsumer sync) {
        this.onForeignProposal = sync;
    }

    /** Starts following the farm's record; until then, nothing is known to be published. */
    public synchronized void start() {
        // A node that returns after a crash is not ready until it has caught up again.
        readyNodes.delete(cluster.nodeId());
        listener = records.addEntryListener(new Listener(), true);
        records.forEach((repositoryId, record) -> seen(repositoryId, record));
        cluster.onMembershipChange(() -> {
            wakeWaiters();
            coordination.execute(this::afterMembershipChange);
        });
    }

    @Override
    public synchronized void close() {
        coordination.shutdownNow();
        if (listener != null && cluster.hazelcast().getLifecycleService().isRunning()) {
            records.removeEntryListener(listener);
        }
        wakeWaiters();
    }

    private final class Listener implements EntryAddedListener<Long, FarmRefsRecord>,
            EntryUpdatedListener<Long, FarmRefsRecord>, EntryRemovedListener<Long, FarmRefsRecord> {
        @Override
        public void entryAdded(EntryEvent<Long, FarmRefsRecord> event) {
            changed(event.getKey(), null, event.getValue());
        }

        @Override
        public void entryUpdated(EntryEvent<Long, FarmRefsRecord> event) {
            changed(event.getKey(), event.getOldValue(), event.getValue());
        }

        @Override
        public void entryRemoved(EntryEvent<Long, FarmRefsRecord> event) {
            // Another node forgot a repository no longer carried: the generations it had start again from nothing.
            publishedGenerations.remove(event.getKey());
            heldGenerations.remove(event.getKey());
        }

        private void changed(long repositoryId, FarmRefsRecord before, FarmRefsRecord after) {
            seen(repositoryId, after);
            FarmRefsRecord.Proposal proposal = after == null ? null : after.proposal();
            // Once per new proposal, not at every node that joins it: the sync engine coalesces, but need not.
            boolean newlyProposed = proposal != null && (before == null || before.proposal() == null
                    || !before.proposal().state().sameAs(proposal.state()));
            if (newlyProposed && !proposal.holders().contains(cluster.nodeId())) {
                onForeignProposal.accept(repositoryId);
            }
        }
    }

    /** Notes what a record read or heard says is published; the local copy only moves forward. */
    private void seen(long repositoryId, FarmRefsRecord record) {
        if (record == null) {
            return;
        }
        publishedGenerations.merge(repositoryId, record.generation(), Math::max);
        wakeWaiters();
    }

    /** A member left or joined: the coordinator looks at every pending proposal again with the nodes that count now. */
    private void afterMembershipChange() {
        try {
            if (!cluster.isCoordinator()) {
                return;
            }
            Set<String> live = cluster.liveNodeIds();
            readyNodes.keySet().stream().filter(node -> !live.contains(node)).forEach(readyNodes::delete);
            Map<Long, Boolean> settled = records.executeOnEntries(new SettleRefs(requiredHolders()));
            settled.forEach((repositoryId, published) -> {
                if (published) {
                    log.info("repository {}: published once a departed member no longer held it up", repositoryId);
                }
            });
        } catch (RuntimeException e) {
            log.warn("farm: looking at pending proposals after a membership change failed", e);
        }
    }

    /** The generation the farm has published for the repository, as this node knows it; 0 when none. */
    public long publishedGeneration(long repositoryId) {
        return publishedGenerations.getOrDefault(repositoryId, 0L);
    }

    /** The farm's record of the repository now, read from the farm. */
    FarmRefsRecord record(long repositoryId) {
        FarmRefsRecord record = records.get(repositoryId);
        return record == null ? FarmRefsRecord.EMPTY : record;
    }

    /** Says whether this node counts for publication: only once it serves every repository at the published state. */
    public void markReady(boolean ready) {
        if (ready) {
            readyNodes.set(cluster.nodeId(), clock.millis());
        } else {
            readyNodes.delete(cluster.nodeId());
        }
    }

    /** The nodes whose holding a state's objects publication waits for: the live members that are ready. */
    Set<String> requiredHolders() {
        Set<String> required = new HashSet<>(readyNodes.keySet());
        required.retainAll(cluster.liveNodeIds());
        return required;
    }

    /**
     * Offers a state this node holds the objects of, fetched from the farm's generation {@code basedOn};
     * see {@link OfferRefs}.
     *
     * @return the record after the offer
     */
    FarmRefsRecord offer(long repositoryId, FarmRefsRecord.RefsState state, long basedOn) {
        FarmRefsRecord before = record(repositoryId);
        String heldProposal = null;
        FarmRefsRecord.Proposal pending = before.proposal();
        if (pending != null && !pending.state().sameAs(state) && !pending.holders().contains(cluster.nodeId())
                && holdsHistory(repositoryId, pending.state())) {
            heldProposal = pending.state().refsHash();
        }
        FarmRefsRecord after = records.executeOnKey(repositoryId, new OfferRefs(cluster.nodeId(), state, basedOn,
                heldProposal, requiredHolders(), cluster.liveNodeIds(), clock.millis(),
                settings.proposalStaleAfter().toMillis()));
        seen(repositoryId, after);
        return after;
    }

    private boolean holdsHistory(long repositoryId, FarmRefsRecord.RefsState state) {
        if (!repositories.exists(repositoryId)) {
            return false;
        }
        try (Repository repository = repositories.open(repositoryId)) {
            return MirrorRefs.holdsHistory(repository, state.objectIds());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether other nodes hold a state of the repository whose objects this node has lacked for
     * longer than {@code patience}: the farm is ahead of it, and it is what publication waits for.
     * A state nobody holds yet, or one this node holds too, is the whole farm waiting, not this node.
     */
    public boolean leftBehindByPeers(long repositoryId, Duration patience) {
        FarmRefsRecord.Proposal pending = record(repositoryId).proposal();
        return pending != null && !pending.holders().isEmpty() && !pending.holders().contains(cluster.nodeId())
                && clock.millis() - pending.proposedAt() > patience.toMillis();
    }

    /** Whether this node's refs are known to be at the latest published state (true when none is published). */
    public boolean atPublishedState(long repositoryId) {
        return heldGenerations.getOrDefault(repositoryId, 0L) >= publishedGeneration(repositoryId);
    }

    /**
     * A repair of a copy that had left the farm's published state while this node counted itself at it (its refs
     * changed on disk behind Facet's back, or the farm's record changed under it when a split healed).
     *
     * @param hadHash      the refs hash the copy had
     * @param restoredHash the published refs hash it was brought back to
     * @param changes      the refs that changed, one line each
     */
    public record Repair(long repositoryId, long generation, String hadHash, String restoredHash,
                         List<String> changes) {
        public Repair {
            changes = List.copyOf(changes);
        }
    }

    /** Calls {@code repaired} (on the thread that found it) after each repair of a copy that had diverged. */
    public void onRepair(Consumer<Repair> repaired) {
        this.onRepair = repaired;
    }

    /**
     * Brings the repository's refs to the farm's published state when this node holds its objects; does nothing
     * when they are there already. The objects are checked here, never taken on another node's word, and the refs
     * on disk are compared with the published ones every time: a copy changed behind Facet's back, or a record
     * that a healed split left at another state, is never taken for the published state. A copy that had
     * diverged is repaired and reported to {@link #onRepair}; one that was merely behind is brought forward.
     *
     * @return whether the refs are now at the published state (or nothing is published)
     */
    public boolean catchUp(long repositoryId) {
        synchronized (repositoryLocks.computeIfAbsent(repositoryId, id -> new Object())) {
            FarmRefsRecord record = record(repositoryId);
            seen(repositoryId, record);
            FarmRefsRecord.Published published = record.published();
            if (published == null) {
                return true;
            }
            if (!repositories.exists(repositoryId)) {
                return false;
            }
            try (Repository repository = repositories.open(repositoryId)) {
                String had = RefsHash.of(MirrorRefs.read(repository)).value();
                if (had.equals(published.state().refsHash())) {
                    // Set, not raised: after a split heals, the farm's record may stand at a lower generation.
                    heldGenerations.put(repositoryId, published.generation());
                    return true;
                }
                boolean diverged = heldGenerations.getOrDefault(repositoryId, 0L) >= published.generation();
                Map<String, ObjectId> wanted = published.state().objectIds();
                if (!MirrorRefs.holdsHistory(repository, wanted)) {
                    if (diverged) {
                        heldGenerations.remove(repositoryId);
                        log.warn("repository {}: refs {} are not the farm's published state {} (generation {}), "
                                + "whose objects are missing here; reads wait for a sync", repositoryId, had,
                                published.state().refsHash(), published.generation());
                    }
                    return false;
                }
                MirrorRefs.Move move = refs.plan(repository, wanted, true);
                if (!published.equals(record(repositoryId).published())) {
                    // Published again while planning: the refs read may already be the newer state, and moving
                    // them to this one would take them backwards. The caller looks again.
                    return false;
                }
                refs.apply(repository, move);
                heldGenerations.put(repositoryId, published.generation());
                if (diverged) {
                    log.warn("repository {}: refs {} had left the farm's published state; restored generation {} ({})",
                            repositoryId, had, published.generation(), published.state().refsHash());
                    Repair repair = new Repair(repositoryId, published.generation(), had,
                            published.state().refsHash(), describe(move.plan()));
                    try {
                        onRepair.accept(repair);
                    } catch (RuntimeException e) {
                        // The repair stands; a read that found it is not failed for want of its record.
                        log.warn("repository {}: the repair to generation {} was not recorded", repositoryId,
                                published.generation(), e);
                    }
                } else {
                    log.info("repository {}: brought to the farm's published state, generation {}", repositoryId,
                            published.generation());
                }
                return true;
            } catch (IOException e) {
                // Most often the node's own sync moved the refs meanwhile; the caller looks again.
                log.debug("repository {}: not brought to generation {} now: {}", repositoryId,
                        published.generation(), e.toString());
                return false;
            }
        }
    }

    private static List<String> describe(RefPlan plan) {
        return plan.steps().stream().filter(step -> step.kind() != RefPlan.Kind.KEEP)
                .map(step -> step.kind() + " " + step.refName()
                        + (step.kind() == RefPlan.Kind.CREATE ? "" : " " + step.from().name())
                        + (step.kind() == RefPlan.Kind.DELETE ? "" : " -> " + step.to().name()))
                .toList();
    }

    /**
     * Forgets the repository farm-wide: it is no longer carried (deleted upstream). Any node may do it, any number
     * of times; what this node kept of it goes too.
     */
    public void forget(long repositoryId) {
        records.delete(repositoryId);
        publishedGenerations.remove(repositoryId);
        heldGenerations.remove(repositoryId);
    }

    /** Waits until the farm's record or its members change, or {@code millis} pass. */
    void awaitChange(long millis) throws InterruptedException {
        if (millis <= 0) {
            return;
        }
        synchronized (changed) {
            changed.wait(millis);
        }
    }

    private void wakeWaiters() {
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    Settings settings() {
        return settings;
    }

    Clock clock() {
        return clock;
    }
}
