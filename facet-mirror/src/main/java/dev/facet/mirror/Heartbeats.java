package dev.facet.mirror;

import dev.facet.core.mirror.protocol.Heartbeat;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells the upstream every few seconds what state this mirror is in; the primary shows only what this says. */
public final class Heartbeats {
    private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);
    public static final Duration INTERVAL = Duration.ofSeconds(3);

    private final UpstreamSession upstream;
    private final MirrorStatus status;
    private final ScheduledExecutorService scheduler;
    private final String version;
    private ScheduledFuture<?> task;

    public Heartbeats(UpstreamSession upstream, MirrorStatus status, ScheduledExecutorService scheduler, String version) {
        this.upstream = upstream;
        this.status = status;
        this.scheduler = scheduler;
        this.version = version;
    }

    public synchronized void start() {
        if (task == null) {
            task = scheduler.scheduleWithFixedDelay(this::beat, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }

    /** Sends one heartbeat now. */
    public void beat() {
        try {
            if (!upstream.isInstalled()) {
                return;
            }
            MirrorStatus.Progress progress = status.progress();
            upstream.client().heartbeat(upstream.upstreamId(), new Heartbeat(progress.state(), version,
                    progress.inSync(), progress.behind(), progress.worstLags(), upstream.link().appliedSequence()));
        } catch (RuntimeException e) {
            log.warn("heartbeat to {} failed: {}", upstream.client().upstreamUrl(), e.getMessage());
        }
    }
}
