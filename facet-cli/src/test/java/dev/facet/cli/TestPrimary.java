package dev.facet.cli;

import dev.facet.store.DatabaseSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** A real primary in this JVM on a free port with a fresh home, and the REST and Git helpers to drive it. */
final class TestPrimary implements AutoCloseable {
    static final String ADMIN_PASSWORD = "admin-secret-1";

    final Path home;
    final PrimaryInstance instance;
    final RestClient admin;
    final RestClient anonymous;

    private TestPrimary(Path home, PrimaryInstance instance, RestClient anonymous) {
        this.home = home;
        this.instance = instance;
        this.anonymous = anonymous;
        this.admin = anonymous.as("admin", ADMIN_PASSWORD);
    }

    static TestPrimary start(Path home) {
        return start(home, null);
    }

    static TestPrimary start(Path home, DatabaseSettings database) {
        return start(home, database, Map.of());
    }

    /** A primary with extra settings, given as FACET_* environment variables (FACET_PORT to reuse a port). */
    static TestPrimary start(Path home, DatabaseSettings database, Map<String, String> extraEnvironment) {
        PrimaryInstance instance = PrimaryInstance.start(settings(home, database, extraEnvironment));
        return new TestPrimary(home, instance, RestClient.anonymous(instance.baseUrl()));
    }

    /** A primary whose time comes from {@code clock}, which the test moves. */
    static TestPrimary startWithClock(Path home, Clock clock) {
        PrimaryInstance instance = PrimaryInstance.start(settings(home, null, Map.of()), clock);
        return new TestPrimary(home, instance, RestClient.anonymous(instance.baseUrl()));
    }

    /** A primary serving HTTPS with settings given as FACET_* variables; its REST clients trust {@code clientTls}. */
    static TestPrimary startHttps(Path home, Map<String, String> extraEnvironment, SSLContext clientTls) {
        PrimaryInstance instance = PrimaryInstance.start(settings(home, null, extraEnvironment));
        return new TestPrimary(home, instance, RestClient.anonymous(instance.baseUrl(), clientTls));
    }

    private static PrimarySettings settings(Path home, DatabaseSettings database, Map<String, String> extraEnvironment) {
        Map<String, String> environment = new HashMap<>();
        environment.put("FACET_ADMIN_PASSWORD", ADMIN_PASSWORD);
        environment.put("FACET_PORT", "0");
        environment.put("FACET_SSH_PORT", "0");
        environment.putAll(extraEnvironment);
        if (database != null) {
            environment.put("FACET_DB_URL", database.url());
            environment.put("FACET_DB_USER", database.user());
            environment.put("FACET_DB_PASSWORD", database.password());
        }
        return PrimarySettings.load(home, Map.of(), environment);
    }

    String baseUrl() {
        return instance.baseUrl();
    }

    /** A clone URL with credentials in it, as a user would paste it. */
    String gitUrl(String user, String secret, String project, String slug) {
        return GitUrls.withCredentials(baseUrl(), user, secret, project, slug);
    }

    String anonymousGitUrl(String project, String slug) {
        return GitUrls.anonymous(baseUrl(), project, slug);
    }

    void createProject(String key) {
        expect(201, admin.post("/rest/api/1.0/projects", RestClient.json("key", key, "name", key + " project")));
    }

    void createRepository(String key, String name, boolean isPublic) {
        expect(201, admin.post("/rest/api/1.0/projects/" + key + "/repos",
                RestClient.json("name", name, "public", isPublic)));
    }

    void createUser(String name, String password) {
        expect(201, admin.post("/rest/api/1.0/admin/users",
                RestClient.json("name", name, "password", password, "displayName", name, "emailAddress",
                        name + "@example.com")));
    }

    void grantProject(String key, String user, String permission) {
        expect(204, admin.put("/rest/api/1.0/projects/" + key + "/permissions/users?name=" + user
                + "&permission=" + permission, null));
    }

    static RestClient.Response expect(int status, RestClient.Response response) {
        if (response.status() != status) {
            throw new AssertionError("Expected " + status + " but got " + response);
        }
        return response;
    }

    @Override
    public void close() {
        instance.close();
    }
}
