package dev.facet.store;

import dev.facet.core.store.Store;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store contract on the machine's PostgreSQL (127.0.0.1:5432, user {@code postgres}, trust
 * authentication), in a database of its own for every test. Fails when PostgreSQL is down.
 */
class PostgresStoreTest extends StoreContract {
    @RegisterExtension
    final FreshPostgresDatabase database = new FreshPostgresDatabase();

    @Override
    protected Store openStore() {
        return JdbcStore.open(database.settings());
    }
}
