package dev.facet.mirror;

import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.RequestState;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.core.mirror.protocol.AuthorizationRequest;
import dev.facet.core.mirror.protocol.AuthorizationStatus;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lone mirror's registration: takes it from UNCONFIGURED through PENDING to INSTALLED: sends
 * the authorization request (retrying with back-off until the upstream answers), then polls it
 * until an admin decides. On acceptance it pins the upstream's instance id, key and event position.
 */
public final class DirectRegistration implements UpstreamRegistration {
    private static final Logger log = LoggerFactory.getLogger(DirectRegistration.class);
    static final Duration POLL_INTERVAL = Duration.ofMillis(500);

    private final String productVersion;
    private final UpstreamSession upstream;
    private final ScheduledExecutorService scheduler;
    private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    private volatile MirrorIdentity self;
    private volatile Runnable onInstalled;
    private volatile boolean stopped;

    /** Runs its steps on {@code scheduler}, which its owner shuts down. */
    /** @param productVersion the Facet version this mirror runs, named in its requests */
    public DirectRegistration(UpstreamSession upstream, ScheduledExecutorService scheduler, String productVersion) {
        this.productVersion = productVersion;
        this.upstream = upstream;
        this.scheduler = scheduler;
    }

    @Override
    public void start(MirrorIdentity self, Runnable onInstalled) {
        this.self = self;
        this.onInstalled = onInstalled;
        scheduler.execute(this::step);
    }

    @Override
    public void stop() {
        stopped = true;
    }

    private void step() {
        if (stopped) {
            return;
        }
        try {
            UpstreamLink link = upstream.link();
            switch (link.state()) {
                case UNCONFIGURED -> {
                    request(link);
                    later(POLL_INTERVAL);
                }
                case PENDING -> poll(link);
                case INSTALLED -> onInstalled.run();
                case REJECTED, REMOVED -> log.warn("The upstream {} has {} this mirror; nothing syncs until it is "
                        + "authorized again", link.upstreamUrl(), link.state() == UpstreamState.REJECTED
                        ? "rejected" : "removed");
                default -> throw new IllegalStateException("Unexpected state " + link.state());
            }
            backoff.reset();
        } catch (UpstreamUnavailable e) {
            Duration wait = backoff.next();
            log.warn("Registration with {} failed ({}); retrying in {} ms", upstream.client().upstreamUrl(),
                    e.getMessage(), wait.toMillis());
            later(wait);
        } catch (RuntimeException e) {
            Duration wait = backoff.next();
            log.error("Registration step failed; retrying in {} ms", wait.toMillis(), e);
            later(wait);
        }
    }

    private void request(UpstreamLink link) {
        UpstreamClient.UpstreamIdentity identity = upstream.client().identity();
        AuthorizationStatus status = upstream.client().requestAuthorization(identity.id(),
                new AuthorizationRequest(self.id(), self.name(), self.baseUrl(), self.publicKey(), self.type(), null,
                        productVersion));
        upstream.lifecycle().move(current -> new UpstreamLink(current.upstreamUrl(), UpstreamState.PENDING,
                status.requestId(), identity.id(), current.upstreamPublicKey(), current.pinnedSequence(),
                current.pinnedHash(), current.appliedSequence(), current.appliedHash()), "facet", AuditAction.REQUEST,
                "request " + status.requestId());
        log.info("Authorization requested from {}: an administrator accepts it at {}", link.upstreamUrl(),
                status.reviewUrl());
    }

    private void poll(UpstreamLink link) {
        AuthorizationStatus status = upstream.client().authorizationStatus(link.upstreamInstanceId(), link.requestId());
        if (status.state() == RequestState.ACCEPTED) {
            if (!link.upstreamInstanceId().equals(status.upstreamInstanceId())) {
                throw new IllegalStateException("The upstream accepted as instance " + status.upstreamInstanceId()
                        + " but presented itself as " + link.upstreamInstanceId());
            }
            upstream.lifecycle().move(current -> new UpstreamLink(current.upstreamUrl(), UpstreamState.INSTALLED,
                    current.requestId(), status.upstreamInstanceId(), status.upstreamPublicKey(), status.eventSequence(),
                    status.eventHash(), current.appliedSequence(), current.appliedHash()), "facet", AuditAction.PIN,
                    "accepted; pinned instance " + status.upstreamInstanceId() + " at event " + status.eventSequence());
            log.info("Authorized by {} (instance {}); synchronizing", link.upstreamUrl(), status.upstreamInstanceId());
            onInstalled.run();
        } else if (status.state() == RequestState.REJECTED) {
            upstream.lifecycle().move(current -> UpstreamLifecycle.withState(current, UpstreamState.REJECTED), "facet",
                    AuditAction.REJECT, "request " + link.requestId());
            log.warn("The upstream {} rejected this mirror's request {}", link.upstreamUrl(), link.requestId());
        } else {
            later(POLL_INTERVAL);
        }
    }

    @Override
    public void reconnect(String actor) {
        UpstreamLink link = upstream.link();
        upstream.lifecycle().move(current -> UpstreamLifecycle.withState(current, UpstreamState.UNCONFIGURED), actor,
                AuditAction.RECONNECT, "new authorization request to " + link.upstreamUrl());
        scheduler.execute(this::step);
    }

    private void later(Duration delay) {
        if (!stopped) {
            try {
                scheduler.schedule(this::step, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                log.debug("registration stopped");
            }
        }
    }
}
