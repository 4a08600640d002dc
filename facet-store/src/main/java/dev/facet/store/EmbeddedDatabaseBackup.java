package dev.facet.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Online backups of the embedded H2 database. H2's own {@code BACKUP TO} reads a transactionally
 * consistent state while the instance keeps writing; it needs a connection inside the process that
 * holds the database file, so a running instance makes its own backup and a stopped one is read
 * by the command. A PostgreSQL database is backed up with PostgreSQL's tools.
 */
public final class EmbeddedDatabaseBackup {
    private EmbeddedDatabaseBackup() {
    }

    public static boolean supports(DatabaseSettings settings) {
        return settings.embeddedFile().isPresent();
    }

    /** Writes a zip of the database files to {@code target}; H2's restore reads it back (file names as in the database directory). */
    public static void backup(DatabaseSettings settings, Path target) {
        if (!supports(settings)) {
            throw new IllegalArgumentException("Only an embedded H2 database can be backed up here, not " + settings.url());
        }
        try {
            Files.deleteIfExists(target);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot replace " + target, e);
        }
        // IFEXISTS: a backup never creates an empty database where the instance's one is missing.
        try (Connection connection = DriverManager.getConnection(settings.url() + ";IFEXISTS=TRUE", settings.user(),
                settings.password());
             Statement statement = connection.createStatement()) {
            statement.execute("BACKUP TO '" + target.toAbsolutePath().toString().replace("'", "''") + "'");
        } catch (SQLException e) {
            throw new DatabaseUnavailable("Cannot back up the database at " + settings.url() + ": " + e.getMessage(), e);
        }
    }
}
