package dev.facet.store;

import java.nio.file.Path;
import java.util.Objects;

/** Where an instance's database is and how to sign in to it. */
public record DatabaseSettings(String url, String user, String password) {
    public DatabaseSettings {
        Objects.requireNonNull(url, "url");
        user = user == null ? "" : user;
        password = password == null ? "" : password;
    }

    /** The embedded default: an H2 file database in {@code directory}. */
    public static DatabaseSettings embeddedH2(Path directory) {
        return new DatabaseSettings("jdbc:h2:file:" + directory.toAbsolutePath().resolve("facet")
                + ";DB_CLOSE_ON_EXIT=FALSE", "facet", "");
    }

    public boolean isPostgresql() {
        return url.startsWith("jdbc:postgresql:");
    }

    @Override
    public String toString() {
        return "DatabaseSettings[" + url + ", user " + user + "]";
    }
}
