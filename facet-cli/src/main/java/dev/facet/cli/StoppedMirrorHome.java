package dev.facet.cli;

import dev.facet.store.DatabaseSettings;
import dev.facet.store.DatabaseUnavailable;
import dev.facet.store.JdbcMirrorStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a mirror home's database is, for commands that work on a stopped mirror. */
final class StoppedMirrorHome {
    private StoppedMirrorHome() {
    }

    /** Opens the database of a stopped mirror; a running one holds it, and is told to be asked instead. */
    static JdbcMirrorStore openStopped(Path home) {
        try {
            return JdbcMirrorStore.open(database(home));
        } catch (DatabaseUnavailable e) {
            throw new SettingsError("The mirror's database in " + home + " cannot be opened; if the mirror is running, "
                    + "stop it first, or use its REST API (POST /rest/mirroring/latest/upstreamServer/reconnect). "
                    + e.getMessage());
        }
    }

    static DatabaseSettings database(Path home) {
        Path absolute = home.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute.resolve("keys")) || !Files.isDirectory(absolute.resolve("data").resolve("db"))) {
            throw new SettingsError(absolute + " is not a mirror's home (no keys/ or data/db/).");
        }
        return DatabaseSettings.embeddedH2(absolute.resolve("data").resolve("db"));
    }
}
