package dev.facet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.facet.core.event.EventSignal;
import dev.facet.core.event.EventType;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two stores on one PostgreSQL database stand for two primary processes: a commit through one wakes the other. */
class PostgresEventSignalTest {
    private static final Duration PROMPTLY = Duration.ofSeconds(3);

    @RegisterExtension
    final FreshPostgresDatabase database = new FreshPostgresDatabase();

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    @Test
    void eventCommittedThroughOneStoreWakesTheReadersOfAnother() {
        JdbcStore writer = open();
        EventSignal writerSignal = signalOf(writer);
        EventSignal readerSignal = signalOf(open());
        awaitListeners(2);

        CompletableFuture<Void> woken = readerSignal.next();
        appendEvent(writer);

        await().atMost(PROMPTLY).until(woken::isDone);
        assertThat(writerSignal.next()).as("a store's own notice is not heard back: its process fired at commit")
                .isNotDone();
    }

    @Test
    void rolledBackEventWakesNobody() {
        JdbcStore writer = open();
        EventSignal readerSignal = signalOf(open());
        awaitListeners(1);
        CompletableFuture<Void> woken = readerSignal.next();

        try {
            writer.useTransaction(tx -> {
                tx.events().append(EventType.REPOSITORY_CREATED, null, "{}", Instant.now());
                throw new IllegalStateException("rolled back");
            });
        } catch (IllegalStateException expected) {
            // what the test wants
        }
        appendEvent(open());

        await().atMost(PROMPTLY).until(woken::isDone);
        assertThat(readerSignal.next()).as("one wake, for the committed event only").isNotDone();
    }

    @Test
    void listenerDroppedByTheServerListensAgainAndWakesReadersOnce() throws Exception {
        JdbcStore writer = open();
        EventSignal readerSignal = signalOf(open());
        int before = awaitListeners(1).get(0);
        CompletableFuture<Void> afterReconnect = readerSignal.next();

        terminateListeners();

        int after = await().atMost(Duration.ofSeconds(10)).until(() -> listenerPids(),
                pids -> pids.size() == 1 && pids.get(0) != before).get(0);
        assertThat(after).isNotEqualTo(before);
        // What others committed while nobody listened is unknown: readers are told to look again.
        await().atMost(PROMPTLY).until(afterReconnect::isDone);

        CompletableFuture<Void> woken = readerSignal.next();
        appendEvent(writer);
        await().atMost(PROMPTLY).until(woken::isDone);
    }

    @Test
    void closingStopsTheListenerAndAnswersWaitingReaders() {
        EventSignal signal = open().openEventSignal();
        awaitListeners(1);
        CompletableFuture<Void> waiting = signal.next();

        signal.close();

        assertThat(waiting).isDone();
        assertThat(signal.isClosed()).isTrue();
        await().atMost(PROMPTLY).until(() -> listenerPids().isEmpty());
    }

    private JdbcStore open() {
        JdbcStore store = JdbcStore.open(database.settings());
        opened.add(store);
        return store;
    }

    private EventSignal signalOf(JdbcStore store) {
        EventSignal signal = store.openEventSignal();
        opened.add(signal::close);
        return signal;
    }

    private static void appendEvent(JdbcStore store) {
        store.useTransaction(tx -> tx.events().append(EventType.REPOSITORY_CREATED, null, "{}", Instant.now()));
    }

    private List<Integer> awaitListeners(int count) {
        return await().atMost(Duration.ofSeconds(10)).until(this::listenerPids, pids -> pids.size() == count);
    }

    /** The listening connections on this test's database: those that have run their LISTEN. */
    private List<Integer> listenerPids() throws SQLException {
        try (Connection connection = connect(); var statement = connection.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = ? "
                        + "AND query IN ('LISTEN facet_events', 'SELECT 1') ORDER BY pid")) {
            statement.setString(1, PostgresEventSignal.APPLICATION_NAME);
            List<Integer> pids = new ArrayList<>();
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    pids.add(rows.getInt(1));
                }
            }
            return pids;
        }
    }

    private void terminateListeners() throws SQLException {
        try (Connection connection = connect(); var statement = connection.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND application_name = ?")) {
            statement.setString(1, PostgresEventSignal.APPLICATION_NAME);
            statement.executeQuery().close();
        }
    }

    private Connection connect() throws SQLException {
        DatabaseSettings settings = database.settings();
        return DriverManager.getConnection(settings.url(), settings.user(), settings.password());
    }
}
