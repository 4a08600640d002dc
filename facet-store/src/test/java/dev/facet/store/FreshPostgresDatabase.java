package dev.facet.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A new, empty database on the machine's PostgreSQL for each test, dropped after it (and after
 * the test's own {@code @AfterEach} methods have closed their connections). When PostgreSQL is
 * not running the test fails, saying how to start it; it is never skipped.
 */
final class FreshPostgresDatabase implements BeforeEachCallback, AfterEachCallback {
    private static final String SERVER = "127.0.0.1:5432";
    private static final String USER = "postgres";
    private static final String START_COMMAND = "pg_ctlcluster --skip-systemctl-redirect 15 main start";

    private String name;

    @Override
    public void beforeEach(ExtensionContext context) throws SQLException {
        String created = "facet_test_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection admin = connectToServer(); Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + created);
        }
        name = created;
    }

    @Override
    public void afterEach(ExtensionContext context) throws SQLException {
        if (name == null) {
            return;
        }
        try (Connection admin = connectToServer(); Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } finally {
            name = null;
        }
    }

    DatabaseSettings settings() {
        if (name == null) {
            throw new IllegalStateException("No database: the test has not started");
        }
        return new DatabaseSettings("jdbc:postgresql://" + SERVER + "/" + name, USER, "");
    }

    private static Connection connectToServer() {
        try {
            return DriverManager.getConnection("jdbc:postgresql://" + SERVER + "/postgres?connectTimeout=5", USER, "");
        } catch (SQLException e) {
            return fail("PostgreSQL is not reachable at " + SERVER + " as user " + USER + " (" + e.getMessage()
                    + "). These tests need it running; start it with: " + START_COMMAND, e);
        }
    }
}
