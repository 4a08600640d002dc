package dev.facet.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.facet.core.store.Store;
import dev.facet.core.store.StoreTransaction;
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

    private JdbcStore(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
    }

    /** Opens a primary's database and brings its schema up to date; fails with a clear message when it cannot. */
    public static JdbcStore open(DatabaseSettings settings) {
        return new JdbcStore(openMigrated(settings, "classpath:db/primary"));
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
                handle -> work.apply(new JdbcTransaction(handle)));
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
