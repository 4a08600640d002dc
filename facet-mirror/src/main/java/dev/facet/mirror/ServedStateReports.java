package dev.facet.mirror;

import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.core.mirror.protocol.ServedRepositories;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the upstream which state this mirror serves each repository at, as soon as a sync has moved it: the primary
 * announces it to webhooks ({@code mirror:repo_synchronized}), and CI that waits for it then fetches from this
 * mirror. Only the latest state of each repository is kept to be told, so a burst of syncs makes one report, and a
 * report that fails is sent again after a back-off; a state lost to a restart is told after the next sync.
 *
 * <p>A sync after a quiet spell is told at once; while syncs keep coming (a first sync of thousands of
 * repositories), one report at most every {@link #BATCHING} carries what they served, so that the primary verifies
 * and records a few large reports instead of one per repository.
 */
public final class ServedStateReports implements SyncObserver {
    private static final Logger log = LoggerFactory.getLogger("facet.sync");
    private static final int MAX_PER_REPORT = 500;
    static final Duration BATCHING = Duration.ofSeconds(1);

    private final UpstreamSession upstream;
    private final ScheduledExecutorService scheduler;
    private final Map<Long, String> untold = new ConcurrentHashMap<>();
    /** Whether a report is scheduled or being sent: then what is synced meanwhile goes with the next one. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    public ServedStateReports(UpstreamSession upstream, ScheduledExecutorService scheduler) {
        this.upstream = upstream;
        this.scheduler = scheduler;
    }

    @Override
    public void onSynced(long repositoryId, String servedRefsHash, long millis, long bytesFetched) {
        untold.put(repositoryId, servedRefsHash);
        schedule(Duration.ZERO);
    }

    private void schedule(Duration delay) {
        if (scheduled.compareAndSet(false, true)) {
            try {
                scheduler.schedule(this::send, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
            }
        }
    }

    private void send() {
        Duration next = sendOnce();
        scheduled.set(false);
        if (next != null) {
            schedule(next);
        } else if (!untold.isEmpty()) {
            // A sync told while this report was on its way, after the last look at what is untold.
            schedule(BATCHING);
        }
    }

    /** Sends one report; returns when to send the next, or null when nothing is left to tell. */
    private Duration sendOnce() {
        List<ServedRepositories.Served> batch = new ArrayList<>();
        for (Map.Entry<Long, String> entry : untold.entrySet()) {
            if (batch.size() == MAX_PER_REPORT) {
                break;
            }
            batch.add(new ServedRepositories.Served(entry.getKey(), entry.getValue()));
        }
        if (batch.isEmpty()) {
            return null;
        }
        UpstreamLink link = upstream.link();
        if (link.state() != UpstreamState.INSTALLED) {
            return backoff.next();
        }
        try {
            upstream.client().reportServed(link.upstreamInstanceId(), new ServedRepositories(batch));
            batch.forEach(served -> untold.remove(served.id(), served.refsHash()));
            backoff.reset();
            return untold.isEmpty() ? null : untold.size() >= MAX_PER_REPORT ? Duration.ZERO : BATCHING;
        } catch (RuntimeException e) {
            Duration wait = backoff.next();
            log.debug("telling {} which states this mirror serves failed ({}); again in {} ms",
                    upstream.client().upstreamUrl(), e.getMessage(), wait.toMillis());
            return wait;
        }
    }
}
