package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every kind of bad input gets a clear 4xx with an errors[] body, and leaves nothing half-created behind. */
class BadInputTest {
    private static final String PROJECTS = "/rest/api/1.0/projects";
    private static final String REPOS = PROJECTS + "/BAD/repos";

    @TempDir
    static Path home;
    static TestPrimary primary;
    static long eventsBefore;

    @BeforeAll
    static void startPrimary() {
        primary = TestPrimary.start(home.resolve("primary"));
        primary.createProject("BAD");
        primary.createRepository("BAD", "existing", false);
        primary.createUser("someone", "someone-pass-1");
        eventsBefore = eventCount();
    }

    @AfterAll
    static void stopPrimary() {
        primary.close();
    }

    @AfterEach
    void nothingWasHalfCreated() {
        assertThat(eventCount()).as("events recorded by failed requests").isEqualTo(eventsBefore);
        assertThat(primary.admin.get(PROJECTS).json().path("values")).extracting(p -> p.path("key").asText())
                .containsExactly("BAD");
        assertThat(primary.admin.get(REPOS).json().path("values")).extracting(r -> r.path("slug").asText())
                .containsExactly("existing");
        assertThat(primary.home.resolve("data/repositories")).isDirectoryNotContaining("glob:**/2");
    }

    private static long eventCount() {
        return primary.instance.store().inTransaction(tx -> tx.events().head().sequence());
    }

    private static void assertClientError(RestClient.Response response, int status, String messagePart) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.firstError()).as(response.toString()).contains(messagePart);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1ABC", "A-B", "A/B", "A..B", "..", "A B", "ÄBC", "A\u0000B", "A\nB"})
    void invalidProjectKeysAreRefused(String key) {
        RestClient.Response response = primary.admin.post(PROJECTS, RestClient.json("key", key, "name", "x"));
        assertClientError(response, 400, "");
        assertThat(response.json().path("errors").path(0).path("context").asText()).isEqualTo("key");
    }

    @Test
    void overLongProjectKeyIsRefused() {
        assertClientError(primary.admin.post(PROJECTS, RestClient.json("key", "K".repeat(129), "name", "x")), 400,
                "at most 128 characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../etc", "a/b", "a\\b", ".hidden", "-dash", "a\u0007b", "tab\tname", "x.git",
        "with..dots", "emoji-\uD83D\uDE00", " leading"})
    void invalidRepositoryNamesAreRefused(String name) {
        RestClient.Response response = primary.admin.post(REPOS, RestClient.json("name", name));
        assertClientError(response, 400, "");
        assertThat(response.json().path("errors").path(0).path("context").asText()).isEqualTo("name");
    }

    @Test
    void overLongAndEmptyRepositoryNamesAreRefused() {
        assertClientError(primary.admin.post(REPOS, RestClient.json("name", "r".repeat(129))), 400,
                "at most 128 characters");
        assertClientError(primary.admin.post(REPOS, RestClient.json("name", "")), 400, "is required");
        assertClientError(primary.admin.post(REPOS, "{}"), 400, "is required");
    }

    @Test
    void duplicatesAreConflicts() {
        assertClientError(primary.admin.post(PROJECTS, RestClient.json("key", "bad", "name", "Other")), 409,
                "already taken");
        assertClientError(primary.admin.post(PROJECTS, RestClient.json("key", "OTHER", "name", "BAD project")), 409,
                "already taken");
        assertClientError(primary.admin.post(REPOS, RestClient.json("name", "Existing")), 409, "already has a repository");
        assertClientError(primary.admin.post("/rest/api/1.0/admin/users",
                RestClient.json("name", "SOMEONE", "password", "another-pass-1")), 409, "already exists");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"name\": }", "not json", "[]", "\"text\"", "null", "{\"name\": {\"a\": 1}}",
        "{\"name\": [\"x\"]}"})
    void malformedJsonIsRefused(String body) {
        RestClient.Response response = primary.admin.post(REPOS, body);
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.firstError()).isNotBlank().doesNotContain("dev.facet").doesNotContain("Exception");
    }

    @Test
    void missingBodyIsRefused() {
        assertClientError(primary.admin.send("POST", REPOS, null), 400, "JSON body");
    }

    @Test
    void unknownUsersAndPermissionsAreNamed() {
        assertClientError(primary.admin.put(PROJECTS + "/BAD/permissions/users?name=nobody&permission=PROJECT_READ", null),
                404, "User 'nobody' does not exist");
        assertClientError(primary.admin.put(PROJECTS + "/BAD/permissions/users?name=someone&permission=PROJECT_OWNER", null),
                400, "Unknown permission 'PROJECT_OWNER'");
        assertClientError(primary.admin.put(PROJECTS + "/BAD/permissions/users?name=someone&permission=REPO_READ", null),
                400, "PROJECT_READ");
        assertClientError(primary.admin.put(REPOS + "/existing/permissions/users?name=someone&permission=PROJECT_READ", null),
                400, "REPO_READ");
        assertClientError(primary.admin.put(PROJECTS + "/BAD/permissions/users?permission=PROJECT_READ", null),
                400, "'name'");
        assertClientError(primary.admin.put("/rest/access-tokens/1.0/users/nobody",
                RestClient.json("name", "t", "permissions", List.of("REPO_READ"))), 403, "created by their owner only");
        assertClientError(primary.admin.put("/rest/access-tokens/1.0/users/someone",
                RestClient.json("name", "t", "permissions", List.of("REPO_EVERYTHING"))), 400, "REPO_EVERYTHING");
        assertClientError(primary.admin.post("/rest/api/1.0/admin/users",
                RestClient.json("name", "newbie", "password", "long-enough-1", "role", "KING")), 400, "Unknown role");
    }

    @Test
    void unknownProjectsAndRepositoriesAreNotFound() {
        assertClientError(primary.admin.get(PROJECTS + "/NOPE"), 404, "does not exist");
        assertClientError(primary.admin.get(PROJECTS + "/NOPE/repos"), 404, "does not exist");
        assertClientError(primary.admin.get(REPOS + "/nope"), 404, "does not exist");
        assertClientError(primary.admin.delete(REPOS + "/nope"), 404, "does not exist");
        assertClientError(primary.admin.post(PROJECTS + "/NOPE/repos", RestClient.json("name", "x")), 404,
                "does not exist");
    }

    @Test
    void weakPasswordsAndBadEmailsAreRefused() {
        assertClientError(primary.admin.post("/rest/api/1.0/admin/users",
                RestClient.json("name", "newbie", "password", "short")), 400, "at least 8");
        assertClientError(primary.admin.post("/rest/api/1.0/admin/users",
                RestClient.json("name", "newbie", "password", "long-enough-1", "emailAddress", "not-an-email")), 400,
                "not an email address");
        assertClientError(primary.admin.post("/rest/api/1.0/admin/users",
                RestClient.json("name", "new/bie", "password", "long-enough-1")), 400, "invalid");
    }

    @Test
    void oversizedBodiesAreRefused() {
        String huge = RestClient.json("name", "x".repeat(2 * 1024 * 1024));
        assertClientError(primary.admin.post(REPOS, huge), 413, "too large");
    }

    @Test
    void badPagingIsRefused() {
        assertClientError(primary.admin.get(PROJECTS + "?limit=0"), 400, "'limit'");
        assertClientError(primary.admin.get(PROJECTS + "?limit=abc"), 400, "'limit'");
        assertClientError(primary.admin.get(PROJECTS + "?start=-1"), 400, "'start'");
    }

    @Test
    void projectWithRepositoriesCannotBeDeleted() {
        assertClientError(primary.admin.delete(PROJECTS + "/BAD"), 409, "still has repositories");
    }

    @Test
    void unknownRoutesAndMethodsGetJsonErrors() {
        assertClientError(primary.admin.get("/rest/api/1.0/nothing-here"), 404, "No such resource");
        assertClientError(primary.admin.send("PATCH", PROJECTS, "{}"), 405, "not allowed");
    }

    @Test
    void malformedAuthorizationHeadersAreRefused() {
        assertThat(primary.anonymous.withAuthorization("Basic !!!").get(PROJECTS).status()).isEqualTo(400);
        assertThat(primary.anonymous.withAuthorization("Basic " + java.util.Base64.getEncoder()
                .encodeToString("no-colon".getBytes())).get(PROJECTS).status()).isEqualTo(400);
        assertThat(primary.anonymous.withAuthorization("Digest abc").get(PROJECTS).status()).isEqualTo(401);
        assertThat(primary.anonymous.withAuthorization("Bearer fct_unknown").get(PROJECTS).status()).isEqualTo(401);
    }

    @Test
    void pathTraversalInGitUrlsIsRefused() {
        List<String> attempts = new ArrayList<>(List.of(
                "/scm/../../etc/passwd",
                "/scm/BAD/../../../etc/passwd",
                "/scm/BAD/%2e%2e/%2e%2e/etc.git/info/refs?service=git-upload-pack",
                "/scm/BAD/..%2f..%2fetc.git/info/refs?service=git-upload-pack",
                "/scm/%2e%2e/existing.git/info/refs?service=git-upload-pack",
                "/scm/BAD/existing.git/../../../../etc/passwd",
                "/scm/BAD/existing.git/%2e%2e/%2e%2e/config",
                "/scm/BAD/.git/info/refs?service=git-upload-pack",
                "/scm/BAD/existing.git%00/info/refs?service=git-upload-pack",
                "/scm/BAD",
                "/scm/"));
        for (String path : attempts) {
            int status = RawHttp.status(primary.baseUrl(), path);
            assertThat(status).as(path).isBetween(400, 499);
        }
    }
}
