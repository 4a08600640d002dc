package dev.facet.primary;

import dev.facet.core.event.Event;
import dev.facet.core.event.EventPayload;
import dev.facet.core.event.EventSignal;
import dev.facet.core.store.Store;
import dev.facet.core.store.StoreTransaction;
import dev.facet.core.webhook.Webhook;
import dev.facet.core.webhook.WebhookDelivery;
import dev.facet.core.webhook.WebhookDelivery.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers webhooks from the event outbox. Each hook is worked through on its own, one delivery at a time in event
 * order: the next event after its cursor that concerns it is sent, and only an answer of 2xx moves the cursor past
 * it; any other outcome is tried again after a back-off that doubles up to a bound, for as long as the outbox keeps
 * the event. A push only appends its event, so no receiver, slow or down, ever holds a push up; a receiver that
 * hangs holds up only its own hook, for at most the request timeout per attempt.
 *
 * <p>Each event is sent to a hook with one {@code X-Request-Id}, derived from the instance, the hook and the event,
 * so a delivery sent again after a crash (the receiver had it, the cursor had not moved) carries the same id.
 */
public final class WebhookDeliveries {
    private static final Logger log = LoggerFactory.getLogger(WebhookDeliveries.class);
    /** How many attempts each hook's history keeps. */
    static final int HISTORY_KEPT = 100;
    private static final int EVENTS_PER_READ = 200;
    private static final Duration POLL = Duration.ofSeconds(1);

    /**
     * How deliveries go out.
     *
     * @param allowLocal whether hooks may point at loopback and link-local addresses
     * @param timeout    how long one request may take, connecting included
     * @param retryFirst the wait after a first failure, doubled after each further one
     * @param retryMax   the longest wait between two attempts
     */
    public record Settings(boolean allowLocal, Duration timeout, Duration retryFirst, Duration retryMax) {
        public static final Settings DEFAULTS = new Settings(false, Duration.ofSeconds(10), Duration.ofSeconds(1),
                Duration.ofMinutes(5));

        /**
         * The wait after the {@code failures}-th failure in a row: doubling from the first wait up to the longest. It
         * never ends the retries: a receiver that comes back after any outage is tried again at most the longest
         * wait later.
         */
        public Duration backoff(int failures) {
            Duration wait = retryFirst;
            for (int i = 1; i < failures && wait.compareTo(retryMax) < 0; i++) {
                wait = wait.multipliedBy(2);
            }
            return wait.compareTo(retryMax) > 0 ? retryMax : wait;
        }
    }

    /** The next delivery a hook owes. */
    private record Attempt(Webhook hook, long sequence, WebhookPayloads.Delivery delivery, String requestId) {
    }

    private final Store store;
    private final WebhookSender sender;
    private final EventSignal signal;
    private final Clock clock;
    private final Settings settings;
    private final String instanceId;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean stopped;
    private ExecutorService workers;
    private Thread poller;

    public WebhookDeliveries(Store store, WebhookUrlPolicy policy, EventSignal signal, Clock clock, Settings settings,
                             String instanceId) {
        this.store = store;
        this.sender = new WebhookSender(policy, settings.timeout());
        this.signal = signal;
        this.clock = clock;
        this.settings = settings;
        this.instanceId = instanceId;
    }

    public synchronized void start() {
        if (poller != null) {
            return;
        }
        AtomicInteger threads = new AtomicInteger();
        workers = Executors.newFixedThreadPool(8, r -> {
            Thread thread = new Thread(r, "facet-webhook-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        poller = new Thread(this::poll, "facet-webhooks");
        poller.setDaemon(true);
        poller.start();
    }

    /**
     * Stops at once: requests in flight are abandoned, not waited for. Their hooks' cursors have not moved, so they
     * are sent again, with the same request ids, when the primary next starts.
     */
    public synchronized void stop() {
        stopped = true;
        if (poller != null) {
            poller.interrupt();
            workers.shutdownNow();
            try {
                workers.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Looks for due deliveries now rather than at the next tick: a hook was created or changed. */
    void poke() {
        wake.release();
    }

    private void poll() {
        CompletableFuture<Void> watched = null;
        while (!stopped) {
            try {
                CompletableFuture<Void> next = signal.next();
                if (next != watched) {
                    watched = next;
                    next.thenRun(this::poke);
                }
                wake.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
                dispatchDue();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("looking for due webhook deliveries failed: {}", e.toString());
            }
        }
    }

    private void dispatchDue() {
        Instant now = clock.instant();
        for (Webhook hook : store.inTransaction(tx -> tx.webhooks().active())) {
            boolean due = hook.nextAttemptAt() == null || !hook.nextAttemptAt().isAfter(now);
            if (due && inFlight.add(hook.id())) {
                try {
                    workers.execute(() -> drain(hook.id()));
                } catch (RejectedExecutionException e) {
                    inFlight.remove(hook.id());
                    return;
                }
            }
        }
    }

    /** Sends what the hook owes, in order, until it owes nothing or a delivery fails. */
    private void drain(long hookId) {
        try {
            while (!stopped) {
                Optional<Attempt> attempt = store.inTransaction(tx -> next(tx, hookId));
                if (attempt.isEmpty() || !deliver(attempt.get())) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("webhook {}: delivery failed: {}", hookId, e.toString());
        } finally {
            inFlight.remove(hookId);
        }
    }

    /** The hook's first owed delivery; the events before it that do not concern the hook are passed over for good. */
    private Optional<Attempt> next(StoreTransaction tx, long hookId) {
        Webhook hook = tx.webhooks().find(hookId).filter(Webhook::active).orElse(null);
        if (hook == null || hook.nextAttemptAt() != null && hook.nextAttemptAt().isAfter(clock.instant())) {
            return Optional.empty();
        }
        long cursor = hook.cursor();
        while (true) {
            List<Event> events = tx.events().after(cursor, EVENTS_PER_READ);
            if (!events.isEmpty() && events.get(0).sequence() > cursor + 1) {
                log.warn("webhook {}: events {} to {} passed the outbox's retention before they were delivered",
                        hookId, cursor + 1, events.get(0).sequence() - 1);
            }
            for (Event event : events) {
                Optional<WebhookPayloads.Delivery> delivery = WebhookPayloads.of(tx, event)
                        .filter(d -> hook.subscribes(d.eventKey()) && concerns(tx, hook, d.repository()));
                if (delivery.isPresent()) {
                    tx.webhooks().advance(hookId, cursor);
                    return Optional.of(new Attempt(hook, event.sequence(), delivery.get(),
                            requestId(hookId, event.sequence())));
                }
                cursor = event.sequence();
            }
            if (events.size() < EVENTS_PER_READ) {
                tx.webhooks().advance(hookId, cursor);
                return Optional.empty();
            }
        }
    }

    private static boolean concerns(StoreTransaction tx, Webhook hook, EventPayload.Repository repository) {
        if (!hook.isProjectWide()) {
            return hook.repositoryId() == repository.id();
        }
        return tx.projects().find(repository.project()).map(project -> project.id() == hook.projectId()).orElse(false);
    }

    /** @return whether the receiver took it (2xx) */
    private boolean deliver(Attempt attempt) throws InterruptedException {
        Webhook hook = attempt.hook();
        int number = hook.failures() + 1;
        Instant started = clock.instant();
        WebhookSender.Result result = sender.post(hook.url(), hook.secret(), attempt.delivery().eventKey(),
                attempt.requestId(), attempt.delivery().body());
        Instant finished = clock.instant();
        boolean delivered = result.outcome() == Outcome.SUCCESS;
        Instant retryAt = finished.plus(settings.backoff(number));
        store.useTransaction(tx -> {
            if (tx.webhooks().find(hook.id()).isEmpty()) {
                return;
            }
            tx.webhooks().record(new WebhookDelivery(0, hook.id(), attempt.sequence(), attempt.delivery().eventKey(),
                    attempt.requestId(), hook.url(), number, started, finished, result.outcome(), result.statusCode(),
                    result.description()), HISTORY_KEPT);
            if (delivered) {
                tx.webhooks().advance(hook.id(), attempt.sequence());
            } else {
                tx.webhooks().deferred(hook.id(), number, retryAt);
            }
        });
        if (!delivered) {
            log.info("webhook {}: event {} ({}) not delivered, attempt {}: {}; trying again at {}", hook.id(),
                    attempt.sequence(), attempt.delivery().eventKey(), number, result.description(), retryAt);
        }
        return delivered;
    }

    private String requestId(long hookId, long sequence) {
        return UUID.nameUUIDFromBytes((instanceId + "/webhook/" + hookId + "/event/" + sequence)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Sends {@code …/webhooks/test}'s ping to {@code url} now, outside any hook's order. */
    WebhookSender.Result ping(String url, String secret) throws InterruptedException {
        return sender.post(url, secret, WebhookPayloads.PING, UUID.randomUUID().toString(),
                WebhookPayloads.ping(clock.instant()));
    }
}
