package dev.facet.mirror;

import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.core.mirror.protocol.Heartbeat;
import dev.facet.core.mirror.protocol.HeartbeatAnswer;
import java.time.Instant;
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
    private final Runnable onRestored;
    private volatile String sshBaseUrl;
    private ScheduledFuture<?> task;

    public Heartbeats(UpstreamSession upstream, MirrorStatus status, ScheduledExecutorService scheduler, String version,
                      Runnable onRestored) {
        this.upstream = upstream;
        this.status = status;
        this.scheduler = scheduler;
        this.version = version;
        this.onRestored = onRestored;
    }

    /** Where this mirror serves Git over SSH, told to the primary with every beat from now on. */
    void advertiseSsh(String sshBaseUrl) {
        this.sshBaseUrl = sshBaseUrl;
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

    /**
     * Sends one heartbeat now. A mirror that was ever authorized keeps beating while it is removed,
     * and while a reconnect request of its waits or was rejected, so that a Restore on the primary
     * reaches it whatever it asked for meanwhile.
     */
    public void beat() {
        UpstreamLink link = upstream.link();
        if (!mayBeRegistered(link)) {
            return;
        }
        try {
            MirrorStatus.Progress progress = status.progress();
            HeartbeatAnswer answer = upstream.client().heartbeat(link.upstreamInstanceId(), new Heartbeat(
                    progress.state(), version, progress.inSync(), progress.behind(), progress.worstLags(),
                    link.appliedSequence(), status.offload().saved(), sshBaseUrl));
            if ("REMOVED".equals(answer.registration()) && link.state() == UpstreamState.INSTALLED) {
                removed(link, "removed by an administrator of " + link.upstreamUrl() + "; restorable until "
                        + (answer.purgeAfter() == null ? "?" : Instant.ofEpochMilli(answer.purgeAfter())));
            } else if ("INSTALLED".equals(answer.registration()) && link.state() != UpstreamState.INSTALLED) {
                upstream.lifecycle().move(current -> UpstreamLifecycle.withState(current, UpstreamState.INSTALLED), "facet",
                        AuditAction.RESTORE, "restored on " + link.upstreamUrl() + " (was " + link.state() + ")");
                log.info("This mirror was restored on {}; synchronizing what changed meanwhile", link.upstreamUrl());
                onRestored.run();
            }
        } catch (UpstreamUnavailable e) {
            if (e.status() == 404 && link.state() == UpstreamState.INSTALLED) {
                removed(link, "no longer registered on " + link.upstreamUrl());
            } else if (e.status() == 404) {
                log.debug("heartbeat to {}: this mirror is not registered there", upstream.client().upstreamUrl());
            } else {
                log.warn("heartbeat to {} failed: {}", upstream.client().upstreamUrl(), e.getMessage());
            }
        } catch (RuntimeException e) {
            log.warn("heartbeat to {} failed: {}", upstream.client().upstreamUrl(), e.getMessage());
        }
    }

    /**
     * Whether the upstream may hold a registration of this mirror: it is installed, or it was
     * once (it pinned the upstream's key) and is removed, reconnecting or rejected since.
     */
    private static boolean mayBeRegistered(UpstreamLink link) {
        return link.state() == UpstreamState.INSTALLED
                || link.upstreamPublicKey() != null && link.state() != UpstreamState.UNCONFIGURED;
    }

    private void removed(UpstreamLink link, String why) {
        upstream.lifecycle().move(current -> UpstreamLifecycle.withState(current, UpstreamState.REMOVED), "facet",
                AuditAction.REMOVED, why);
        log.warn("This mirror was {}. It stops syncing and keeps its data; restore it on the primary or reconnect "
                + "it as an administrator of the primary (Reconnect on /mirror, or POST "
                + "/rest/mirroring/latest/upstreamServer/reconnect).", why);
    }
}
