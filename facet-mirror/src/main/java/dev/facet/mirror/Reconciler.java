package dev.facet.mirror;

import dev.facet.core.error.InvalidInput;
import dev.facet.core.identity.InstancePublicKey;
import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.mirror.UpstreamAlert;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.protocol.RepositoryState;
import dev.facet.core.mirror.ProjectDigest;
import dev.facet.core.mirror.StateDigest;
import dev.facet.core.mirror.protocol.ProjectDigestPage;
import dev.facet.core.mirror.protocol.RepositoryStatePage;
import dev.facet.core.mirror.protocol.RepositoryStateSlice;
import dev.facet.core.mirror.protocol.SelectionDigest;
import dev.facet.core.store.MirrorStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares what the mirror serves with what the upstream holds, by state digests (see
 * {@link StateDigest}): the whole selection first, then only the projects and repositories that
 * differ; syncs what is behind, adds what is new and removes what is gone. It runs when the mirror is installed and then every
 * interval, so an event that was lost is repaired within one interval.
 */
public final class Reconciler {
    private static final Logger log = LoggerFactory.getLogger("facet.sync");
    static final int PAGE_SIZE = 500;

    private final UpstreamSession upstream;
    private final MirrorStore store;
    private final SyncEngine sync;
    private final CarriedRepositories carried;
    private final Clock clock;
    /** The {@link UpstreamLifecycle#installation} in which a reconciliation last completed; none yet: -1. */
    private volatile long completedInInstallation = -1;
    private volatile long statesAsOf;
    private volatile UpstreamClient.UpstreamIdentity lastPresented;

    private final UpstreamGuard guard;

    public Reconciler(UpstreamSession upstream, MirrorStore store, SyncEngine sync, Clock clock, UpstreamGuard guard) {
        this.guard = guard;
        this.upstream = upstream;
        this.store = store;
        this.sync = sync;
        this.carried = new CarriedRepositories(store);
        this.clock = clock;
    }

    /**
     * Whether one reconciliation has completed since start and since the mirror was last installed,
     * so the mirror knows the whole upstream: after a removal and a restore, what it learnt before
     * is as old as the removal.
     */
    public boolean completedOnce() {
        return completedInInstallation == upstream.lifecycle().installation();
    }

    /**
     * The upstream's event position when the last reconciliation read its states: the refs hashes
     * it announced are at least that new, so an event up to there that the stream replays (after a
     * restart, or once an acceptance reset the position) would only announce an older state.
     */
    long statesAsOf() {
        return statesAsOf;
    }

    /** What the server at the upstream URL presented at the last reconciliation (unsigned: to show, never to trust). */
    public Optional<UpstreamClient.UpstreamIdentity> lastPresented() {
        return Optional.ofNullable(lastPresented);
    }

    /**
     * Raises an alert when the server at the upstream URL is not the instance this mirror pinned.
     * Nothing here ever pins: what {@code /instance} presents is unsigned, so only an administrator
     * who read the key's fingerprint on the primary changes the pin ({@link UpstreamAcceptance}).
     */
    private void checkIdentity() {
        UpstreamLink link = upstream.link();
        UpstreamClient.UpstreamIdentity presented = upstream.client().identity();
        lastPresented = presented;
        String presentedFingerprint = fingerprintOf(presented.publicKey());
        if (link.upstreamPublicKey() == null) {
            guard.raise(UpstreamAlert.Kind.IDENTITY_CHANGED, link, "this mirror has no key pinned for its upstream; "
                    + "the server at " + link.upstreamUrl() + " presents instance " + presented.id()
                    + " with key fingerprint " + presentedFingerprint);
            return;
        }
        InstancePublicKey pinned = new InstancePublicKey(link.upstreamPublicKey());
        if (!presented.id().equals(link.upstreamInstanceId()) || !pinned.fingerprint().equals(presentedFingerprint)) {
            guard.raise(UpstreamAlert.Kind.IDENTITY_CHANGED, link, "the server at " + link.upstreamUrl()
                    + " presents instance " + presented.id() + " with key fingerprint " + presentedFingerprint
                    + "; this mirror pinned instance " + link.upstreamInstanceId() + " with key fingerprint "
                    + pinned.fingerprint());
        }
    }

    private static String fingerprintOf(String presentedJwk) {
        try {
            return new InstancePublicKey(presentedJwk).fingerprint();
        } catch (InvalidInput e) {
            return "(no valid key: " + e.getMessage() + ")";
        }
    }

    /**
     * Compares the digest over everything this mirror carries with the upstream's: equal, and the mirror knows it
     * serves what the upstream holds after one small request; different, and it descends into the projects whose
     * digests differ, and there into the repositories, announcing what changed and removing what is gone.
     */
    public synchronized void reconcile() {
        // Read before the state: a removal from here on makes this run count for nothing.
        long installation = upstream.lifecycle().installation();
        if (!upstream.isInstalled()) {
            return;
        }
        long started = System.nanoTime();
        checkIdentity();
        String upstreamId = upstream.upstreamId();
        UpstreamGuard.HistoryCheck history = guard.beforeAsking(upstream.link());
        SelectionDigest selection;
        try {
            selection = upstream.client().selectionDigest(upstreamId);
        } catch (UpstreamUnavailable e) {
            if (e.status() != 404) {
                throw e;
            }
            // An upstream from before the digest protocol, or one that no longer knows this mirror: the full
            // listing tells which, as it always did.
            reconcileByListing(installation, started, upstreamId, history);
            return;
        }
        // Before anything is applied: a shorter history must not delete what the mirror holds.
        history.wentBack(selection.headSequence(), selection.headHash());
        statesAsOf = Math.max(statesAsOf, selection.headSequence());
        List<ProjectDigest> held = store.inTransaction(tx -> tx.repositories().projectDigests());
        StateDigest heldSum = held.stream().map(ProjectDigest::digest).reduce(StateDigest.ZERO, StateDigest::plus);
        int projectsCompared = 0;
        int behind = 0;
        if (!heldSum.hex().equals(selection.digest())) {
            Map<String, ProjectDigest> heldByKey = new HashMap<>();
            held.forEach(project -> heldByKey.put(project.projectKey(), project));
            String after = null;
            ProjectDigestPage page;
            do {
                page = upstream.client().projectDigests(upstreamId, after, PAGE_SIZE);
                for (ProjectDigestPage.Entry project : page.values()) {
                    ProjectDigest mine = heldByKey.remove(project.project());
                    if (mine == null || !mine.digest().hex().equals(project.digest())) {
                        projectsCompared++;
                        behind += reconcileProject(upstreamId, project.project());
                    }
                }
                after = page.nextAfter();
            } while (!page.isLastPage() && after != null);
            // Projects this mirror holds and the upstream no longer shows it: their repositories are gone for it.
            for (String gone : heldByKey.keySet()) {
                projectsCompared++;
                behind += reconcileProject(upstreamId, gone);
            }
        }
        pinAppliedHead(selection.headSequence(), selection.headHash());
        completedInInstallation = installation;
        log.info("reconciled {} repositories with {} in {} ms: {} projects differed, {} repositories to sync",
                selection.repositories(), upstream.client().upstreamUrl(),
                Duration.ofNanos(System.nanoTime() - started).toMillis(), projectsCompared, behind);
    }

    /** Compares one project repository by repository; returns how many repositories are behind. */
    private int reconcileProject(String upstreamId, String project) {
        Set<Long> listed = new HashSet<>();
        int behind = 0;
        long after = 0;
        while (true) {
            RepositoryStateSlice slice = upstream.client().repositoryStates(upstreamId, project, after, PAGE_SIZE);
            behind += announceAll(slice.values(), listed);
            if (slice.isLastPage() || slice.nextAfter() == null) {
                break;
            }
            after = slice.nextAfter();
        }
        removeUnlisted(store.inTransaction(tx -> tx.repositories().inProject(project)), listed);
        return behind;
    }

    /** The protocol of upstreams from before state digests: every carried repository, page by page. */
    private void reconcileByListing(long installation, long started, String upstreamId,
                                    UpstreamGuard.HistoryCheck history) {
        Set<Long> listed = new HashSet<>();
        int start = 0;
        RepositoryStatePage first = null;
        int behind = 0;
        while (true) {
            RepositoryStatePage page = upstream.client().repositoryStates(upstreamId, start, PAGE_SIZE);
            if (first == null) {
                first = page;
                history.wentBack(page.headSequence(), page.headHash());
                statesAsOf = Math.max(statesAsOf, page.headSequence());
            }
            behind += announceAll(page.values(), listed);
            if (page.isLastPage() || page.nextPageStart() == null) {
                break;
            }
            start = page.nextPageStart();
        }
        removeUnlisted(store.inTransaction(tx -> tx.repositories().all()), listed);
        pinAppliedHead(first.headSequence(), first.headHash());
        completedInInstallation = installation;
        log.info("reconciled {} repositories with {} by listing them all in {} ms: {} to sync", listed.size(),
                upstream.client().upstreamUrl(), Duration.ofNanos(System.nanoTime() - started).toMillis(), behind);
    }

    /**
     * Records what the upstream listed, one transaction per page, adds each id to {@code listed}, and syncs what
     * is behind; returns how many are.
     */
    private int announceAll(List<RepositoryState> states, Set<Long> listed) {
        states.forEach(state -> listed.add(state.id()));
        List<Long> behind = carried.announceAll(states, clock.instant());
        sync.requestAll(behind);
        return behind.size();
    }

    private void removeUnlisted(List<MirroredRepository> held, Set<Long> listed) {
        for (MirroredRepository repository : held) {
            if (!listed.contains(repository.id()) && !guard.destructiveChangesAllowed()) {
                log.warn("repository {} {}/{}: no longer on the upstream, kept while an upstream alert is open",
                        repository.id(), repository.projectKey(), repository.slug());
            } else if (!listed.contains(repository.id())) {
                log.info("repository {} {}/{}: no longer on the upstream for this mirror; removing it",
                        repository.id(), repository.projectKey(), repository.slug());
                sync.remove(repository.id());
            }
        }
    }

    private void pinAppliedHead(long headSequence, String headHash) {
        if (upstream.link().appliedHash() == null) {
            upstream.lifecycle().update(current -> current.appliedHash() != null ? current
                    : new UpstreamLink(current.upstreamUrl(), current.state(), current.requestId(),
                            current.upstreamInstanceId(), current.upstreamPublicKey(), current.pinnedSequence(),
                            current.pinnedHash(), headSequence, headHash));
        }
    }
}
