package dev.facet.store;

import dev.facet.core.store.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on an embedded H2 file database in a fresh temporary directory. */
class H2StoreTest extends StoreContract {
    @TempDir
    Path directory;

    @Override
    protected Store openStore() {
        return JdbcStore.open(DatabaseSettings.embeddedH2(directory));
    }
}
