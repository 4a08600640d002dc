package dev.facet.store;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** Where an instance's database is and how to sign in to it. */
public record DatabaseSettings(String url, String user, String password) {
    private static final String H2_FILE = "jdbc:h2:file:";

    public DatabaseSettings {
        Objects.requireNonNull(url, "url");
        user = user == null ? "" : user;
        password = password == null ? "" : password;
    }

    /**
     * The embedded default: an H2 file database in {@code directory}. H2 keeps no redo log: by default it writes
     * committed changes to its file up to half a second later, so a primary killed in that half second would forget
     * a push's event, and the webhook delivery it owes, while Git kept the push. With no write delay, each commit is
     * in the file before it returns.
     */
    public static DatabaseSettings embeddedH2(Path directory) {
        return new DatabaseSettings(H2_FILE + directory.toAbsolutePath().resolve("facet")
                + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0", "facet", "");
    }

    /** The file an embedded H2 database keeps its data in; empty for a database server. */
    public Optional<Path> embeddedFile() {
        if (!url.startsWith(H2_FILE)) {
            return Optional.empty();
        }
        String base = url.substring(H2_FILE.length());
        int options = base.indexOf(';');
        return Optional.of(Path.of((options < 0 ? base : base.substring(0, options)) + ".mv.db"));
    }

    public boolean isPostgresql() {
        return url.startsWith("jdbc:postgresql:");
    }

    @Override
    public String toString() {
        return "DatabaseSettings[" + url + ", user " + user + "]";
    }
}
