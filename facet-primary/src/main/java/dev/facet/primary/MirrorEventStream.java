package dev.facet.primary;

import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.Caller;
import dev.facet.core.event.Event;
import dev.facet.core.event.EventChain;
import dev.facet.core.event.EventPayload;
import dev.facet.core.event.EventPayloadCodec;
import dev.facet.core.event.MalformedEventPayload;
import dev.facet.core.mirror.MirrorServer;
import dev.facet.core.mirror.protocol.EventBatch;
import dev.facet.core.mirror.protocol.RepositoryState;
import dev.facet.core.mirror.protocol.RepositoryStatePage;
import dev.facet.core.mirror.protocol.StreamedEvent;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.store.Project;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.Store;
import dev.facet.core.store.StoreTransaction;
import dev.facet.git.RepositoryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * What a registered mirror reads of the primary: the event stream (long-polled) and the
 * repositories it carries with their refs hashes. Both show a mirror only the projects it
 * carries; an event about any other project, and every mirror's sync report (which is for
 * webhooks), is sent withheld (its place in the chain, none of its content), so the mirror's
 * position advances and its chain check keeps working.
 */
public final class MirrorEventStream {
    static final int MAX_EVENTS_PER_BATCH = 500;

    private final Store store;
    private final RepositoryStore repositories;
    private final EventSignal signal;
    private final Executor eventReaders;

    public MirrorEventStream(Store store, RepositoryStore repositories, EventSignal signal, Executor eventReaders) {
        this.store = store;
        this.repositories = repositories;
        this.signal = signal;
        this.eventReaders = eventReaders;
    }

    /** Events after {@code after}; waits up to {@code wait} for the first one when there is none yet. */
    public CompletableFuture<EventBatch> events(String mirrorId, long after, Duration wait) {
        store.useTransaction(tx -> MirrorRegistry.requireRegistered(tx, mirrorId));
        CompletableFuture<Void> next = signal.next();
        EventBatch now = readEvents(mirrorId, after);
        if (!now.events().isEmpty() || wait.isZero() || now.headSequence() < after || signal.isClosed()) {
            return CompletableFuture.completedFuture(now);
        }
        // A copy: the timeout must complete this reader's future, not the signal every reader shares.
        return next.copy().completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS)
                .thenApplyAsync(ignored -> readEvents(mirrorId, after), eventReaders);
    }

    private EventBatch readEvents(String mirrorId, long after) {
        return store.inTransaction(tx -> {
            EventChain.Link head = tx.events().head();
            Map<String, Boolean> carriedProjects = new HashMap<>();
            List<StreamedEvent> events = tx.events().after(after, MAX_EVENTS_PER_BATCH).stream()
                    .map(event -> visibleTo(tx, mirrorId, event, carriedProjects)
                            ? StreamedEvent.of(event) : StreamedEvent.withheld(event))
                    .toList();
            return new EventBatch(events, head.sequence(), head.hash(), tx.events().oldestRetained());
        });
    }

    /**
     * The one rule for what a mirror may read of an event: an event about a project only if the
     * mirror carries that project (decided now, by the current selection); a selection change only
     * if it is this mirror's; an instance-wide event always.
     */
    static boolean visibleTo(StoreTransaction tx, String mirrorId, Event event, Map<String, Boolean> carriedProjects) {
        EventPayload payload;
        try {
            payload = EventPayloadCodec.decode(event);
        } catch (MalformedEventPayload e) {
            // What it is about cannot be told, so no mirror is sure to be allowed to read it.
            return false;
        }
        if (payload instanceof EventPayload.MirrorSelectionChanged selection) {
            return selection.mirrorId().equals(mirrorId);
        }
        if (payload instanceof EventPayload.MirrorSynchronized) {
            // It is for webhooks; it would tell a mirror about another mirror and ask nothing of it.
            return false;
        }
        return payload.project()
                .map(project -> carriedProjects.computeIfAbsent(project.value(), key -> carries(tx, mirrorId, project)))
                .orElse(true);
    }

    private static boolean carries(StoreTransaction tx, String mirrorId, ProjectKey projectKey) {
        return tx.projects().find(projectKey).map(found -> AccessRules.carries(tx, mirrorId, found.id()))
                // A project deleted since: only a mirror of every project is sure to have carried it.
                .orElseGet(() -> tx.mirrorServers().find(mirrorId).map(MirrorServer::allProjects).orElse(false));
    }

    /** The repositories a mirror carries with their refs hashes, read from disk. */
    public RepositoryStatePage repositoryStates(String mirrorId, int start, int limit) {
        return store.inTransaction(tx -> {
            MirrorRegistry.requireRegistered(tx, mirrorId);
            EventChain.Link head = tx.events().head();
            Caller mirror = Caller.mirror(mirrorId);
            List<RepositoryState> carried = new ArrayList<>();
            int offset = 0;
            List<RepositoryRecord> batch;
            do {
                batch = tx.repositories().listAll(offset, 200);
                for (RepositoryRecord repository : batch) {
                    if (AccessRules.onRepository(tx, mirror, repository).allows(AccessLevel.READ)) {
                        carried.add(describe(tx, repository));
                    }
                }
                offset += batch.size();
            } while (batch.size() == 200 && carried.size() <= start + limit);
            List<RepositoryState> window = new ArrayList<>(
                    carried.subList(Math.min(start, carried.size()), Math.min(carried.size(), start + limit + 1)));
            Page<RepositoryState> page = Page.of(window, start, limit);
            return new RepositoryStatePage(page.values(), start, limit, page.isLastPage(), page.nextPageStart(),
                    head.sequence(), head.hash());
        });
    }

    private RepositoryState describe(StoreTransaction tx, RepositoryRecord repository) {
        boolean projectPublic = tx.projects().findById(repository.projectId()).map(Project::isPublic).orElse(false);
        return new RepositoryState(repository.id(), repository.projectKey().value(), repository.slug().value(),
                repository.name().value(), repository.isPublic() || projectPublic,
                repositories.exists(repository.id()) ? repositories.refsHash(repository.id()).value() : null);
    }
}
