package dev.facet.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.facet.core.event.EventSignal;
import dev.facet.core.event.InProcessEventSignal;
import dev.facet.core.store.Store;
import dev.facet.core.store.StoreTransaction;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The store on a JDBC database (embedded H2 or PostgreSQL), migrated by Flyway when opened. */
public final class JdbcStore implements Store {
    private static final Logger log = LoggerFactory.getLogger(JdbcStore.class);

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final DatabaseSettings settings;
    /** What this store's transactions name themselves by in the notices they send other processes. */
    private final Optional<String> eventNoticeSender;

    private JdbcStore(HikariDataSource dataSource, DatabaseSettings settings) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.settings = settings;
        this.eventNoticeSender = settings.isPostgresql() ? Optional.of(UUID.randomUUID().toString()) : Optional.empty();
    }

    /** Opens a primary's database and brings its schema up to date; fails with a clear message when it cannot. */
    public static JdbcStore open(DatabaseSettings settings) {
        return new JdbcStore(openMigrated(settings, "classpath:db/primary"), settings);
    }

    /**
     * A new signal that wakes the readers waiting for this store's events: on PostgreSQL, after a commit of any
     * process on the database (LISTEN/NOTIFY, with a connection of its own); on H2, which one process alone
     * opens, after this process's commits. The caller closes it, before the store.
     */
    public EventSignal openEventSignal() {
        return eventNoticeSender.<EventSignal>map(sender -> PostgresEventSignal.start(settings, sender))
                .orElseGet(InProcessEventSignal::new);
    }

    static HikariDataSource openMigrated(DatabaseSettings settings, String migrations) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setPoolName("facet-db");
        config.setMaximumPoolSize(16);
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(10_000);
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new DatabaseUnavailable("Cannot open the database at " + settings.url() + ": " + rootMessage(e), e);
        }
        try {
            var result = Flyway.configure().dataSource(dataSource).locations(migrations).load().migrate();
            if (result.migrationsExecuted > 0) {
                log.info("Database schema migrated to version {} ({} migrations)", result.targetSchemaVersion,
                        result.migrationsExecuted);
            }
        } catch (RuntimeException e) {
            dataSource.close();
            throw new DatabaseUnavailable("Cannot migrate the database at " + settings.url() + ": " + rootMessage(e), e);
        }
        return dataSource;
    }

    @Override
    public <T> T inTransaction(Function<StoreTransaction, T> work) {
        return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED,
                handle -> work.apply(new JdbcTransaction(handle, eventNoticeSender)));
    }

    @Override
    public void close() {
        dataSource.close();
    }

    static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
