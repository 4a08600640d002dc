package dev.facet.store;

import dev.facet.core.event.EventSignal;
import dev.facet.core.event.InProcessEventSignal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the event readers of every process on one PostgreSQL database. Each transaction that appends events
 * sends a {@code NOTIFY} naming the store that sent it ({@link JdbcEvents}); PostgreSQL delivers it only once
 * that transaction commits. One dedicated connection per process {@code LISTEN}s and wakes this process's
 * readers when another process committed; this process's own commits wake its readers at once, without the
 * round trip. Losing the listening connection loses no event, only promptness: it is opened again with
 * back-off, readers are woken once it is back (for what was committed meanwhile), and a reader's long-poll
 * timeout bounds the rest.
 */
public final class PostgresEventSignal implements EventSignal {
    /** The channel every Facet process on a database sends and listens on. */
    static final String CHANNEL = "facet_events";
    /** How the listening connection names itself in {@code pg_stat_activity}. */
    public static final String APPLICATION_NAME = "facet-event-listener";

    private static final Logger log = LoggerFactory.getLogger(PostgresEventSignal.class);
    private static final Duration POLL = Duration.ofMillis(500);
    // A connection that silently vanished (a dropped route, no reset) shows only when it is used.
    private static final Duration LIVENESS_CHECK = Duration.ofSeconds(30);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(30);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final InProcessEventSignal local = new InProcessEventSignal();
    private final DatabaseSettings settings;
    private final String sender;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread listener;

    private PostgresEventSignal(DatabaseSettings settings, String sender) {
        this.settings = settings;
        this.sender = sender;
        this.listener = new Thread(this::listen, "facet-event-listener");
        listener.setDaemon(true);
    }

    /** Starts listening for the commits of other processes than the one whose store sends as {@code sender}. */
    static PostgresEventSignal start(DatabaseSettings settings, String sender) {
        PostgresEventSignal signal = new PostgresEventSignal(settings, sender);
        signal.listener.start();
        return signal;
    }

    @Override
    public CompletableFuture<Void> next() {
        return local.next();
    }

    @Override
    public void fire() {
        local.fire();
    }

    /** Stops listening (within a few seconds) and wakes every waiting reader. */
    @Override
    public void close() {
        stopping.countDown();
        local.close();
        try {
            listener.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isClosed() {
        return local.isClosed();
    }

    private void listen() {
        Duration retry = FIRST_RETRY;
        boolean listenedBefore = false;
        while (!stopped()) {
            try (Connection connection = connect(); Statement statement = connection.createStatement()) {
                statement.execute("LISTEN " + CHANNEL);
                if (listenedBefore) {
                    log.info("Listening for other processes' events on {} again", settings.url());
                    // Whatever another process committed while nobody listened: readers look again.
                    local.fire();
                }
                listenedBefore = true;
                retry = FIRST_RETRY;
                PGConnection notifications = connection.unwrap(PGConnection.class);
                long checked = System.nanoTime();
                while (!stopped()) {
                    PGNotification[] heard = notifications.getNotifications((int) POLL.toMillis());
                    if (heard != null && Arrays.stream(heard).anyMatch(notice -> !sender.equals(notice.getParameter()))) {
                        local.fire();
                    }
                    if (System.nanoTime() - checked > LIVENESS_CHECK.toNanos()) {
                        statement.execute("SELECT 1");
                        checked = System.nanoTime();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (stopped()) {
                    return;
                }
                Duration wait = retry.plusMillis(ThreadLocalRandom.current().nextLong(retry.toMillis() / 2 + 1));
                log.warn("Listening for other processes' events on {} failed ({}); trying again in {} ms",
                        settings.url(), JdbcStore.rootMessage(e), wait.toMillis());
                if (waitUnlessStopping(wait)) {
                    return;
                }
                retry = retry.multipliedBy(2).compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : retry.multipliedBy(2);
            }
        }
    }

    private Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", settings.user());
        properties.setProperty("password", settings.password());
        properties.setProperty("ApplicationName", APPLICATION_NAME);
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("tcpKeepAlive", "true");
        Connection connection = DriverManager.getConnection(settings.url(), properties);
        connection.setAutoCommit(true);
        return connection;
    }

    private boolean stopped() {
        return stopping.getCount() == 0;
    }

    private boolean waitUnlessStopping(Duration wait) {
        try {
            return stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
