package dev.facet.primary;

import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.Caller;
import dev.facet.core.event.Event;
import dev.facet.core.event.EventChain;
import dev.facet.core.event.EventPayload;
import dev.facet.core.event.EventPayloadCodec;
import dev.facet.core.event.EventSignal;
import dev.facet.core.event.MalformedEventPayload;
import dev.facet.core.mirror.MirrorServer;
import dev.facet.core.mirror.ProjectDigest;
import dev.facet.core.mirror.protocol.EventBatch;
import dev.facet.core.mirror.protocol.RepositoryState;
import dev.facet.core.mirror.protocol.ProjectDigestPage;
import dev.facet.core.mirror.protocol.RepositoryStatePage;
import dev.facet.core.mirror.protocol.RepositoryStateSlice;
import dev.facet.core.mirror.protocol.SelectionDigest;
import dev.facet.core.mirror.protocol.StreamedEvent;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.store.Project;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.RepositoryStates;
import dev.facet.core.store.Store;
import dev.facet.core.store.StoreTransaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    private final EventSignal signal;
    private final Executor eventReaders;

    public MirrorEventStream(Store store, EventSignal signal, Executor eventReaders) {
        this.store = store;
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

    /**
     * The repositories a mirror carries with their refs hashes, paged by offset over all of them in id order:
     * what mirrors before the digest protocol ask. The refs hashes are the stored ones, so no page reads the disk.
     */
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

    /**
     * The digest over every repository the mirror carries: a mirror whose own digest equals it holds
     * everything this primary has up to the returned head, and needs to ask nothing more.
     */
    public SelectionDigest selectionDigest(String mirrorId) {
        return store.inTransaction(tx -> {
            MirrorRegistry.requireRegistered(tx, mirrorId);
            EventChain.Link head = tx.events().head();
            boolean all = tx.mirrorServers().find(mirrorId).map(MirrorServer::allProjects).orElse(false);
            RepositoryStates.Total total = tx.repositoryStates().total(
                    all ? null : tx.mirrorServers().selectedProjects(mirrorId));
            return new SelectionDigest(total.digest().hex(), total.repositories(), total.projects(), head.sequence(),
                    head.hash());
        });
    }

    /** The carried projects that have repositories, ordered by key, those after {@code after} (null: from the first). */
    public ProjectDigestPage projectDigests(String mirrorId, String after, int limit) {
        return store.inTransaction(tx -> {
            MirrorRegistry.requireRegistered(tx, mirrorId);
            List<ProjectDigest> carried = carriedDigests(tx, mirrorId);
            List<ProjectDigestPage.Entry> values = new ArrayList<>();
            boolean more = false;
            for (ProjectDigest project : carried) {
                if (after != null && project.projectKey().compareTo(after) <= 0) {
                    continue;
                }
                if (values.size() == limit) {
                    more = true;
                    break;
                }
                values.add(new ProjectDigestPage.Entry(project.projectKey(), project.digest().hex(),
                        project.repositories()));
            }
            return new ProjectDigestPage(values, limit, !more, more ? values.get(values.size() - 1).project() : null);
        });
    }

    /**
     * One carried project's repositories with id above {@code afterId} and their stored refs hashes; a project
     * the mirror does not carry, or that no longer exists, has none.
     */
    public RepositoryStateSlice repositoryStates(String mirrorId, ProjectKey projectKey, long afterId, int limit) {
        return store.inTransaction(tx -> {
            MirrorRegistry.requireRegistered(tx, mirrorId);
            EventChain.Link head = tx.events().head();
            Optional<Project> project = tx.projects().find(projectKey)
                    .filter(found -> AccessRules.carries(tx, mirrorId, found.id()));
            List<RepositoryStates.Row> rows = project.isEmpty() ? List.of()
                    : tx.repositoryStates().inProject(project.get().id(), afterId, limit + 1);
            boolean more = rows.size() > limit;
            List<RepositoryState> values = rows.stream().limit(limit).map(row -> new RepositoryState(
                    row.repository().id(), row.repository().projectKey().value(), row.repository().slug().value(),
                    row.repository().name().value(), row.readableByAll(), row.refsHash())).toList();
            return new RepositoryStateSlice(values, limit, !more, more ? values.get(values.size() - 1).id() : null,
                    head.sequence(), head.hash());
        });
    }

    /** The per-project digests of the projects the mirror carries, ordered by key. */
    private static List<ProjectDigest> carriedDigests(StoreTransaction tx, String mirrorId) {
        List<ProjectDigest> all = new ArrayList<>(tx.repositoryStates().projectDigests());
        // By the key's characters, whatever the database's collation: the order keyset paging relies on.
        all.sort(Comparator.comparing(ProjectDigest::projectKey));
        if (tx.mirrorServers().find(mirrorId).map(MirrorServer::allProjects).orElse(false)) {
            return all;
        }
        Set<Long> selected = tx.mirrorServers().selectedProjects(mirrorId);
        return all.stream().filter(project -> selected.contains(project.projectId())).toList();
    }

    private RepositoryState describe(StoreTransaction tx, RepositoryRecord repository) {
        boolean projectPublic = tx.projects().findById(repository.projectId()).map(Project::isPublic).orElse(false);
        return new RepositoryState(repository.id(), repository.projectKey().value(), repository.slug().value(),
                repository.name().value(), repository.isPublic() || projectPublic,
                tx.repositoryStates().find(repository.id()).map(RepositoryStates.Stored::refsHash).orElse(null));
    }
}
