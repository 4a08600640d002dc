package dev.facet.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DatabaseSettingsTest {
    @Test
    void anEmbeddedDatabaseNamesItsFileAndAServerNone() {
        Path directory = Path.of("/srv/facet/data/db");

        assertThat(DatabaseSettings.embeddedH2(directory).embeddedFile()).hasValue(directory.resolve("facet.mv.db"));
        assertThat(new DatabaseSettings("jdbc:postgresql://127.0.0.1:5432/facet", "facet", "").embeddedFile()).isEmpty();
        assertThat(EmbeddedDatabaseBackup.supports(DatabaseSettings.embeddedH2(directory))).isTrue();
    }
}
