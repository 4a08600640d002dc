package dev.facet.primary;

import dev.facet.core.event.EventType;
import dev.facet.core.ref.RefsHash;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.RepositoryStates;
import dev.facet.core.store.Store;
import dev.facet.git.RepositoryStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catches a drift between the refs hashes in the database and the refs on disk, which reconciliation
 * compares no longer: someone ran plain {@code git} in a repository's directory, a REST ref change whose
 * event could not be appended, a restore of the repositories without the database. Each round re-reads
 * the refs of the next {@code perRound} repositories (in id order, wrapping around), so a drift is found
 * within {@code ceil(repositories / perRound)} rounds at a constant cost per round, and nothing grows
 * with the number of repositories while nothing changes. A drift found is recorded as a refs change
 * with no ref listed, in one transaction with its event, so mirrors hear of it as of a push.
 */
public final class RefsVerification {
    private static final Logger log = LoggerFactory.getLogger("facet.sync");
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
    public static final int DEFAULT_PER_ROUND = 200;

    private final Store store;
    private final RepositoryStore repositories;
    private final Clock clock;
    private final int perRound;
    private long cursor;

    public RefsVerification(Store store, RepositoryStore repositories, Clock clock, int perRound) {
        if (perRound < 1) {
            throw new IllegalArgumentException("at least one repository per round, not " + perRound);
        }
        this.store = store;
        this.repositories = repositories;
        this.clock = clock;
        this.perRound = perRound;
    }

    /**
     * Gives every repository without a stored state one, read from disk: repositories created before states
     * were stored. Runs before mirrors are served, since a repository missing from the digests would look deleted.
     */
    public int fillMissing() {
        int filled = 0;
        List<Long> missing;
        do {
            missing = store.inTransaction(tx -> tx.repositoryStates().missing(500));
            for (long id : missing) {
                RefsHash onDisk = repositories.exists(id) ? repositories.refsHash(id) : null;
                store.useTransaction(tx -> RecordedStates.update(tx, id, onDisk));
            }
            filled += missing.size();
        } while (missing.size() == 500);
        if (filled > 0) {
            log.info("recorded the refs state of {} repositories read from disk", filled);
        }
        return filled;
    }

    /** Verifies the next {@code perRound} repositories against their refs on disk; returns how many had drifted. */
    public synchronized int verifyNext() {
        List<RepositoryStates.Stored> round = store.inTransaction(tx -> tx.repositoryStates().after(cursor, perRound));
        cursor = round.size() < perRound ? 0 : round.get(round.size() - 1).repositoryId();
        int drifted = 0;
        for (RepositoryStates.Stored stored : round) {
            String onDisk = diskHash(stored.repositoryId());
            if (!Objects.equals(onDisk, stored.refsHash()) && repair(stored)) {
                drifted++;
            }
        }
        return drifted;
    }

    private boolean repair(RepositoryStates.Stored seen) {
        return store.inTransaction(tx -> {
            RepositoryRecord repository = tx.repositories().findById(seen.repositoryId()).orElse(null);
            String stored = tx.repositoryStates().find(seen.repositoryId()).map(RepositoryStates.Stored::refsHash)
                    .orElse(null);
            // Recorded meanwhile by a push or a ref change: the next round looks again.
            if (repository == null || !Objects.equals(stored, seen.refsHash())) {
                return false;
            }
            String onDisk = diskHash(repository.id());
            if (Objects.equals(onDisk, stored) || onDisk == null) {
                return false;
            }
            RefsHash now = new RefsHash(onDisk);
            log.warn("repository {} {}/{}: refs on disk changed without an event (recorded {}, on disk {}); "
                    + "recording the change", repository.id(), repository.projectKey(), repository.slug(), stored, now);
            tx.events().append(EventType.REFS_CHANGED, repository.id(),
                    EventPayloads.refsChanged(tx, repository, List.of(), now, null, null), clock.instant());
            RecordedStates.update(tx, repository.id(), now);
            return true;
        });
    }

    private String diskHash(long repositoryId) {
        return repositories.exists(repositoryId) ? repositories.refsHash(repositoryId).value() : null;
    }
}
