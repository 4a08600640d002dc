package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.event.Event;
import dev.facet.core.event.EventChain;
import dev.facet.core.event.EventType;
import dev.facet.core.ref.RefsHash;
import dev.facet.store.DatabaseSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox records one event per change, densely numbered and hash-chained, on H2 and on PostgreSQL. */
class EventOutboxTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void everyPushAndRepositoryChangeIsOneChainedEventOnH2() throws Exception {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            exercise(primary);
        }
    }

    @Test
    void everyPushAndRepositoryChangeIsOneChainedEventOnPostgresql() throws Exception {
        try (PostgresDatabase database = PostgresDatabase.create();
             TestPrimary primary = TestPrimary.start(work.resolve("primary"), database.settings())) {
            exercise(primary);
        }
    }

    private void exercise(TestPrimary primary) throws Exception {
        primary.createProject("EVT");
        primary.createRepository("EVT", "Outbox", false);
        primary.createUser("dev", "dev-pass-12");
        primary.grantProject("EVT", "dev", "PROJECT_WRITE");
        GitClient git = new GitClient(work.resolve("git-home"));
        String url = primary.gitUrl("dev", "dev-pass-12", "EVT", "outbox");
        Path source = git.newWorkTree(work.resolve("source"), "one.txt");

        int pushes = 0;
        git.run(source, "push", "-q", url, "main").requireSuccess();
        pushes++;
        for (int i = 0; i < 4; i++) {
            git.commitFile(source, "file" + i + ".txt", "change " + i + "\n");
            git.run(source, "push", "-q", url, "main").requireSuccess();
            pushes++;
        }
        git.run(source, "tag", "v1").requireSuccess();
        git.run(source, "branch", "topic").requireSuccess();
        git.run(source, "push", "-q", url, "v1", "topic").requireSuccess();
        pushes++;
        git.run(source, "push", "-q", url, ":topic").requireSuccess();
        pushes++;

        List<Event> events = primary.instance.store().inTransaction(tx -> tx.events().after(0, 1000));

        EventChain.Link previous = EventChain.GENESIS;
        for (Event event : events) {
            assertThat(event.follows(previous)).as("event %s follows %s", event.sequence(), previous).isTrue();
            previous = event.link();
        }
        EventChain.Link head = primary.instance.store().inTransaction(tx -> tx.events().head());
        assertThat(head).isEqualTo(previous);
        assertThat(events).extracting(Event::type).containsExactly(
                EventType.REPOSITORY_CREATED, EventType.PERMISSIONS_CHANGED,
                EventType.REFS_CHANGED, EventType.REFS_CHANGED, EventType.REFS_CHANGED, EventType.REFS_CHANGED,
                EventType.REFS_CHANGED, EventType.REFS_CHANGED, EventType.REFS_CHANGED);
        assertThat(events.stream().filter(e -> e.type() == EventType.REFS_CHANGED)).hasSize(pushes);

        JsonNode twoRefs = JSON.readTree(events.get(8 - 1).payload());
        assertThat(twoRefs.path("changes")).extracting(c -> c.path("ref").asText())
                .containsExactlyInAnyOrder("refs/tags/v1", "refs/heads/topic");
        JsonNode deletion = JSON.readTree(events.get(events.size() - 1).payload());
        assertThat(deletion.path("changes").path(0).path("to").asText()).isEqualTo(ObjectId.zeroId().name());

        Map<String, ObjectId> served = new LinkedHashMap<>();
        for (String line : git.lsRemote(source, url)) {
            String[] parts = line.split("\t");
            if (parts[1].startsWith("refs/") && !parts[1].endsWith("^{}")) {
                served.put(parts[1], ObjectId.fromString(parts[0]));
            }
        }
        assertThat(deletion.path("refsHash").asText()).isEqualTo(RefsHash.of(served).value());
        assertThat(deletion.path("repository").path("slug").asText()).isEqualTo("outbox");

        TestPrimary.expect(201, primary.admin.put("/rest/api/1.0/projects/EVT/repos/outbox",
                RestClient.json("name", "Outbox Renamed")));
        TestPrimary.expect(202, primary.admin.delete("/rest/api/1.0/projects/EVT/repos/outbox-renamed"));
        List<Event> later = primary.instance.store().inTransaction(tx -> tx.events().after(head.sequence(), 10));
        assertThat(later).extracting(Event::type)
                .containsExactly(EventType.REPOSITORY_RENAMED, EventType.REPOSITORY_DELETED);
        assertThat(later.get(0).follows(head)).isTrue();
        assertThat(JSON.readTree(later.get(0).payload()).path("previousSlug").asText()).isEqualTo("outbox");
    }

    /** A fresh database on the machine's PostgreSQL server, dropped afterwards. */
    static final class PostgresDatabase implements AutoCloseable {
        private static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
        private final String name;

        private PostgresDatabase(String name) {
            this.name = name;
        }

        static PostgresDatabase create() throws Exception {
            String name = "facet_e2e_" + Long.toHexString(System.nanoTime());
            try (var connection = java.sql.DriverManager.getConnection(ADMIN_URL, "postgres", "");
                 var statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + name);
            } catch (java.sql.SQLException e) {
                throw new AssertionError("PostgreSQL must run on 127.0.0.1:5432 (start it with "
                        + "pg_ctlcluster --skip-systemctl-redirect 15 main start): " + e.getMessage(), e);
            }
            return new PostgresDatabase(name);
        }

        DatabaseSettings settings() {
            return new DatabaseSettings("jdbc:postgresql://127.0.0.1:5432/" + name, "postgres", "");
        }

        @Override
        public void close() throws java.sql.SQLException {
            try (var connection = java.sql.DriverManager.getConnection(ADMIN_URL, "postgres", "");
                 var statement = connection.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }
}
