package dev.facet.primary;

import dev.facet.core.error.InvalidInput;
import dev.facet.core.event.Event;
import dev.facet.core.event.EventPayload;
import dev.facet.core.event.EventPayloadCodec;
import dev.facet.core.event.EventType;
import dev.facet.core.event.MalformedEventPayload;
import dev.facet.core.mirror.MirrorServer;
import dev.facet.core.mirror.protocol.ServedRepositories;
import dev.facet.core.ref.RefChange;
import dev.facet.core.ref.RefsHash;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.Store;
import dev.facet.core.store.StoreTransaction;
import dev.facet.core.webhook.MirrorServedState;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What mirrors say they serve. A mirror reports each repository's refs hash once it serves a new state; when that
 * state is one a push left (a REFS_CHANGED event the outbox keeps), the primary appends a MIRROR_SYNCHRONIZED event
 * with the refs moved since the state the mirror reported before, which webhooks deliver as
 * {@code mirror:repo_synchronized}. A report of a state already reported, of a state no kept push produced, or
 * about a repository the mirror does not carry adds nothing.
 */
public final class MirrorSyncReports {
    private static final Logger log = LoggerFactory.getLogger(MirrorSyncReports.class);
    private static final int EVENTS_PER_READ = 500;
    static final int MAX_PER_REPORT = 500;

    private final Store store;
    private final Clock clock;
    /**
     * One report of a mirror at a time: a farm's nodes report the same repositories at once, and two first reports of
     * one repository would both find no row and both insert it (the second a duplicate key); it also keeps one
     * mirror's MIRROR_SYNCHRONIZED events in the order its states were served.
     */
    private final Map<String, Object> reportLocks = new java.util.concurrent.ConcurrentHashMap<>();

    public MirrorSyncReports(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public void report(String mirrorId, ServedRepositories report) {
        if (report.repositories() == null) {
            return;
        }
        if (report.repositories().size() > MAX_PER_REPORT) {
            throw new InvalidInput("repositories", "A report names at most " + MAX_PER_REPORT + " repositories.");
        }
        // Every entry is checked before any is recorded: a bad one refuses the report whole.
        Map<Long, RefsHash> served = new LinkedHashMap<>();
        for (ServedRepositories.Served entry : report.repositories()) {
            if (entry == null || entry.refsHash() == null) {
                throw new InvalidInput("repositories", "Each repository reported names its id and refsHash.");
            }
            try {
                served.put(entry.id(), new RefsHash(entry.refsHash()));
            } catch (IllegalArgumentException e) {
                throw new InvalidInput("refsHash", e.getMessage());
            }
        }
        // One transaction for the whole report: a mirror's first sync of thousands of repositories reports them
        // by the hundred, and recording each again is harmless if the report fails and is sent again.
        synchronized (reportLocks.computeIfAbsent(mirrorId, id -> new Object())) {
            store.useTransaction(tx -> {
                MirrorServer mirror = MirrorRegistry.requireRegistered(tx, mirrorId);
                // Asked once per project of the report, not once per repository: a first sync reports hundreds of
                // one project's repositories together.
                Map<Long, Boolean> carried = new HashMap<>();
                served.forEach((repositoryId, refsHash) -> record(tx, mirrorId, mirror, repositoryId, refsHash,
                        projectId -> carried.computeIfAbsent(projectId, id -> AccessRules.carries(tx, mirrorId, id))));
            });
        }
    }

    private void record(StoreTransaction tx, String mirrorId, MirrorServer mirror, long repositoryId,
                        RefsHash refsHash, LongPredicate carried) {
        RepositoryRecord repository = tx.repositories().findById(repositoryId).orElse(null);
        if (repository == null || !carried.test(repository.projectId())) {
            return;
        }
        MirrorServedState before = tx.webhooks().served(mirrorId, repositoryId).orElse(null);
        if (before != null && before.refsHash().equals(refsHash.value())) {
            return;
        }
        boolean snapshot = before == null || before.eventSequence() == null;
        long after = snapshot ? 0 : before.eventSequence();
        List<Event> pushes = new ArrayList<>();
        int matched = -1;
        List<Event> read;
        do {
            read = tx.events().ofRepository(repositoryId, EventType.REFS_CHANGED,
                    pushes.isEmpty() ? after : pushes.get(pushes.size() - 1).sequence(), EVENTS_PER_READ);
            for (Event event : read) {
                pushes.add(event);
                if (refsHashOf(event).equals(refsHash.value())) {
                    matched = pushes.size() - 1;
                }
            }
        } while (read.size() == EVENTS_PER_READ);
        if (matched < 0) {
            tx.webhooks().saveServed(new MirrorServedState(mirrorId, repositoryId, refsHash.value(),
                    before == null ? null : before.eventSequence(), clock.instant()));
            return;
        }
        Event state = pushes.get(matched);
        tx.webhooks().saveServed(new MirrorServedState(mirrorId, repositoryId, refsHash.value(), state.sequence(),
                clock.instant()));
        if (!tx.webhooks().anyListening(repository.projectId(), repositoryId, WebhookPayloads.MIRROR_SYNCHRONIZED)) {
            return;
        }
        List<RefChange> changes = coalesce(pushes.subList(snapshot ? matched : 0, matched + 1));
        tx.events().append(EventType.MIRROR_SYNCHRONIZED, repositoryId,
                EventPayloads.mirrorSynchronized(tx, repository, mirror, refsHash, changes, snapshot), clock.instant());
        log.debug("mirror {} serves repository {} at {} (event {})", mirrorId, repositoryId, refsHash,
                state.sequence());
    }

    private static String refsHashOf(Event event) {
        try {
            return ((EventPayload.RefsChanged) EventPayloadCodec.decode(event)).refsHash().value();
        } catch (MalformedEventPayload e) {
            return "";
        }
    }

    /** The refs several pushes moved, each from where the first left it to where the last put it. */
    private static List<RefChange> coalesce(List<Event> pushes) {
        Map<String, ObjectId[]> moves = new LinkedHashMap<>();
        for (Event push : pushes) {
            for (RefChange change : ((EventPayload.RefsChanged) EventPayloadCodec.decode(push)).changes()) {
                moves.computeIfAbsent(change.refName(), ref -> new ObjectId[] {change.oldId(), null})[1] =
                        change.newId();
            }
        }
        List<RefChange> changes = new ArrayList<>();
        moves.forEach((ref, move) -> {
            if (!move[0].equals(move[1])) {
                changes.add(new RefChange(ref, move[0], move[1]));
            }
        });
        return changes;
    }
}
