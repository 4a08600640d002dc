package dev.facet.mirror;

import dev.facet.core.event.Event;
import dev.facet.core.event.EventChain;
import dev.facet.core.event.EventPayload;
import dev.facet.core.event.EventPayloadCodec;
import dev.facet.core.event.MalformedEventPayload;
import dev.facet.core.mirror.UpstreamAlert;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.protocol.EventBatch;
import dev.facet.core.mirror.protocol.StreamedEvent;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the mirror's one long-poll on the upstream's event stream, checks that each event
 * continues the chain it has seen, and turns events into sync work. A gap or fork in the chain
 * is repaired by a full reconciliation.
 */
public final class EventFollower implements UpstreamEvents {
    private static final Logger log = LoggerFactory.getLogger("facet.sync");
    static final Duration LONG_POLL = Duration.ofSeconds(25);
    /** How often a mirror that is not installed looks whether it is again. */
    static final Duration IDLE_CHECK = Duration.ofMillis(500);

    private final UpstreamSession upstream;
    private final Reconciler reconciler;
    private final UpstreamChanges changes;
    private final UpstreamGuard guard;
    private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));
    private volatile boolean stopped;
    private Thread thread;

    /** Sends what the events say to {@code changes}; {@code reconciler} tells which replayed events are old news. */
    public EventFollower(UpstreamSession upstream, Reconciler reconciler, UpstreamChanges changes,
                         UpstreamGuard guard) {
        this.upstream = upstream;
        this.reconciler = reconciler;
        this.changes = changes;
        this.guard = guard;
    }

    @Override
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        stopped = false;
        Thread started = new Thread(() -> follow(Thread.currentThread()), "facet-events");
        started.setDaemon(true);
        thread = started;
        started.start();
    }

    /** Stops following; {@link #start} may follow again later, with a new thread. */
    @Override
    public synchronized void stop() {
        stopped = true;
        Thread running = thread;
        thread = null;
        if (running != null) {
            running.interrupt();
        }
    }

    private boolean stillFollowing(Thread self) {
        synchronized (this) {
            return !stopped && thread == self;
        }
    }

    private void follow(Thread self) {
        while (stillFollowing(self)) {
            try {
                UpstreamLink link = upstream.link();
                if (link.state() != dev.facet.core.mirror.UpstreamState.INSTALLED || !guard.destructiveChangesAllowed()) {
                    // While an alert is open the history cannot be followed; reconciliation still brings additions.
                    Thread.sleep(IDLE_CHECK.toMillis());
                    continue;
                }
                if (link.appliedHash() == null) {
                    // No position yet (an acceptance forgot it): the next reconciliation takes the upstream's;
                    // following from the start would replay every old state.
                    Thread.sleep(IDLE_CHECK.toMillis());
                    continue;
                }
                UpstreamGuard.HistoryCheck history = guard.beforeAsking(link);
                EventBatch batch = upstream.client().events(link.upstreamInstanceId(), link.appliedSequence(), LONG_POLL);
                apply(link, history, batch);
                backoff.reset();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!stillFollowing(self)) {
                    return;
                }
                Duration wait = backoff.next();
                log.warn("event stream from {} failed ({}); retrying in {} ms", upstream.client().upstreamUrl(),
                        e.getMessage(), wait.toMillis());
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void apply(UpstreamLink link, UpstreamGuard.HistoryCheck history, EventBatch batch) {
        EventChain.Link applied = new EventChain.Link(link.appliedSequence(), link.appliedHash());
        if (history.wentBack(batch.headSequence(), batch.headHash())) {
            return;
        }
        if (batch.oldestRetained() > applied.sequence() + 1) {
            // The events after this mirror's position passed the upstream's retention period: nothing
            // tells what they did, so every repository is compared instead, and the stream resumes after them.
            log.info("events {} to {} are no longer kept by {}; reconciling every repository", applied.sequence() + 1,
                    batch.oldestRetained() - 1, upstream.client().upstreamUrl());
            changes.reconcile();
            applied = batch.events().isEmpty()
                    ? new EventChain.Link(batch.headSequence(), batch.headHash())
                    : new EventChain.Link(batch.events().get(0).sequence() - 1, batch.events().get(0).previousHash());
        }
        for (StreamedEvent streamed : batch.events()) {
            if (streamed.sequence() <= applied.sequence()) {
                continue;
            }
            if (!streamed.follows(applied)) {
                guard.raise(UpstreamAlert.Kind.HISTORY_FORKED, link, "event " + streamed.sequence()
                        + " does not continue the history this mirror saw up to event " + applied.sequence());
                break;
            }
            // A withheld event is about a project this mirror does not carry: it only moves the position on.
            if (!streamed.isWithheld()) {
                dispatch(streamed.toEvent());
            }
            applied = streamed.link();
        }
        if (applied.sequence() != link.appliedSequence()) {
            save(link, applied);
        }
    }

    private void save(UpstreamLink link, EventChain.Link applied) {
        upstream.lifecycle().update(current -> new UpstreamLink(current.upstreamUrl(), current.state(),
                current.requestId(), current.upstreamInstanceId(), current.upstreamPublicKey(), current.pinnedSequence(),
                current.pinnedHash(), applied.sequence(), applied.hash()));
    }

    private void dispatch(Event event) {
        EventPayload payload;
        try {
            payload = EventPayloadCodec.decode(event);
        } catch (MalformedEventPayload e) {
            log.warn("event {} cannot be read ({}); reconciling", event.sequence(), e.getMessage());
            changes.reconcile();
            return;
        }
        if (payload instanceof EventPayload.RepositoryCreated created) {
            changes.announced(announcement(created.repository(), null, event));
        } else if (payload instanceof EventPayload.RepositoryRenamed renamed) {
            changes.announced(announcement(renamed.repository(), null, event));
        } else if (payload instanceof EventPayload.RefsChanged refs) {
            // A HEAD change moves no ref, so neither the refs hash nor a reconciliation (which compares refs hashes)
            // says anything about it; a fetch brings the new HEAD along.
            boolean headMoved = refs.movedHead().isPresent();
            if (event.sequence() <= reconciler.statesAsOf()) {
                // The last reconciliation announced a state at least this new.
                if (headMoved) {
                    changes.syncNow(refs.repository().id());
                }
                return;
            }
            changes.announced(announcement(refs.repository(), refs.refsHash().value(), event));
            if (headMoved) {
                changes.syncNow(refs.repository().id());
            }
        } else if (payload instanceof EventPayload.RepositoryDeleted deleted) {
            changes.removed(deleted.repository().id());
            // Verdicts are remembered by repository name, and the grants and tokens of a deleted repository died with
            // it: a new repository of the same name must not inherit what they let in.
            changes.permissionsChanged();
        } else if (payload instanceof EventPayload.PermissionsChanged permissions) {
            changes.permissionsChanged();
            // A grant on one repository, or a group's members or role, changes who may read, never which repositories
            // this mirror carries.
            if (permissions.scope() != EventPayload.PermissionsChanged.Scope.REPOSITORY
                    && permissions.scope() != EventPayload.PermissionsChanged.Scope.GROUP) {
                changes.reconcile();
            }
        } else if (payload instanceof EventPayload.MirrorSelectionChanged) {
            changes.reconcile();
        }
    }

    private static UpstreamChanges.Announcement announcement(EventPayload.Repository repository,
                                                             String upstreamRefsHash, Event event) {
        return new UpstreamChanges.Announcement(repository.id(), repository.project().value(),
                repository.slug().value(), repository.name().value(), repository.isPublic(), upstreamRefsHash,
                event.createdAt());
    }
}
