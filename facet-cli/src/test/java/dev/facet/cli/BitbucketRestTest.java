package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Bitbucket-compatible REST paths an admin's scripts call, against a real primary and mirror over
 * real HTTP with the real git client: paths under {@code latest} and {@code 1.0}, projects and
 * repositories in their full shapes, repository search, branches, tags and the default branch, and the
 * refusals (bad input, fields Facet cannot honour, callers without the permission) that must be 4xx.
 */
class BitbucketRestTest {
    private static final String ADMIN = TestPrimary.ADMIN_PASSWORD;

    @TempDir
    static Path home;
    static TestPrimary primary;
    static TestMirror mirror;
    static String seededCommit;

    @BeforeAll
    static void startPrimaryWithASeededRepositoryAndAMirror() {
        primary = TestPrimary.start(home.resolve("primary"));
        primary.createProject("BB");
        primary.createRepository("BB", "seeded", false);
        primary.createUser("reader", "reader-pass-1");
        primary.createUser("writer", "writer-pass-1");
        primary.createUser("stranger", "stranger-pass-1");
        primary.grantProject("BB", "reader", "PROJECT_READ");
        primary.grantProject("BB", "writer", "PROJECT_WRITE");
        GitClient seeder = new GitClient(home.resolve("seeder-home"));
        Path seed = seeder.newWorkTree(home.resolve("seed"), "README.md");
        seeder.run(seed, "branch", "develop").requireSuccess();
        seeder.run(seed, "push", "-q", primary.gitUrl("admin", ADMIN, "BB", "seeded"), "--all").requireSuccess();
        seededCommit = seeder.run(seed, "rev-parse", "HEAD").requireSuccess().stdout().strip();
        mirror = TestMirror.startAuthorized(home.resolve("mirror"), primary, Map.of(RawSettings.RECONCILE_SECONDS, "2"));
    }

    @AfterAll
    static void stopBoth() {
        try {
            // Renames, new default branches and pushes race their own events; none of it is an altered answer.
            assertThat(mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("alerts")).isEmpty();
        } finally {
            mirror.close();
            primary.close();
        }
    }

    private static RestClient as(String user) {
        return primary.anonymous.as(user, user + "-pass-1");
    }

    private static com.fasterxml.jackson.databind.JsonNode withoutHeartbeat(com.fasterxml.jackson.databind.JsonNode body) {
        com.fasterxml.jackson.databind.JsonNode copy = body.deepCopy();
        for (com.fasterxml.jackson.databind.JsonNode server : copy.path("values")) {
            if (server instanceof com.fasterxml.jackson.databind.node.ObjectNode fields && server.has("mirrorType")) {
                fields.remove(List.of("lastSeenDate", "clockSkewMillis", "state", "repositoriesInSync",
                        "repositoriesBehind", "worstLags", "nodes"));
            }
        }
        return copy;
    }

    @Test
    void everyRestGroupAnswersUnderLatestAndOnePointZeroAlike() {
        for (String path : List.of("/rest/api/%s/projects", "/rest/api/%s/projects/BB/repos/seeded",
                "/rest/access-tokens/%s/users/admin", "/rest/mirroring/%s/mirrorServers",
                "/rest/api/%s/projects/BB/repos/seeded/branches", "/rest/api/%s/application-properties")) {
            RestClient.Response latest = TestPrimary.expect(200, primary.admin.get(path.formatted("latest")));
            RestClient.Response old = TestPrimary.expect(200, primary.admin.get(path.formatted("1.0")));
            // A mirror's heartbeat may land between the two reads; what it reports is not what is compared.
            assertThat(withoutHeartbeat(old.json())).as(path).isEqualTo(withoutHeartbeat(latest.json()));
        }
        TestPrimary.expect(200, primary.admin.post("/rest/branch-utils/1.0/projects/BB/repos/seeded/branches",
                RestClient.json("name", "via-one-point-zero", "startPoint", "develop")));
        assertThat(primary.admin.get("/rest/api/2.0/projects").status()).isEqualTo(404);
    }

    @Test
    void aRepositoryHasBitbucketsFullShapeWithItsWholeProject() {
        JsonNode repository = TestPrimary.expect(200, primary.admin.get("/rest/api/latest/projects/BB/repos/seeded"))
                .json();
        assertThat(repository.path("scmId").asText()).isEqualTo("git");
        assertThat(repository.path("state").asText()).isEqualTo("AVAILABLE");
        assertThat(repository.path("statusMessage").asText()).isEqualTo("Available");
        assertThat(repository.path("forkable").asBoolean()).isTrue();
        assertThat(repository.path("archived").isBoolean()).isTrue();
        assertThat(repository.path("defaultBranch").asText()).isEqualTo("main");
        assertThat(repository.path("project").path("key").asText()).isEqualTo("BB");
        assertThat(repository.path("project").path("name").asText()).isEqualTo("BB project");
        assertThat(repository.path("project").path("type").asText()).isEqualTo("NORMAL");
        assertThat(repository.path("project").has("public")).isTrue();
        assertThat(repository.path("project").path("id").asLong()).isPositive();
        assertThat(repository.path("links").path("clone").path(0).path("name").asText()).isEqualTo("http");
        assertThat(repository.path("links").path("clone").path(0).path("href").asText())
                .isEqualTo(primary.baseUrl() + "/scm/bb/seeded.git");
        assertThat(repository.path("links").path("self").path(0).path("href").asText()).endsWith("/repos/seeded/browse");
    }

    @Test
    void createAndUpdateHonourEveryFieldTheyAccept() {
        JsonNode created = TestPrimary.expect(201, primary.admin.post("/rest/api/latest/projects/BB/repos",
                RestClient.json("name", "Full Shape", "scmId", "git", "description", "made by a script",
                        "forkable", false, "public", true, "defaultBranch", "trunk"))).json();
        assertThat(created.path("slug").asText()).isEqualTo("full-shape");
        assertThat(created.path("description").asText()).isEqualTo("made by a script");
        assertThat(created.path("forkable").asBoolean()).isFalse();
        assertThat(created.path("public").asBoolean()).isTrue();
        assertThat(created.path("defaultBranch").asText()).isEqualTo("trunk");

        // A client sends back what it read, read-only fields included, with its changes.
        var body = (com.fasterxml.jackson.databind.node.ObjectNode) created.deepCopy();
        body.put("name", "Full Shape Renamed").put("description", "changed").put("forkable", true)
                .put("public", false).put("defaultBranch", "develop");
        JsonNode updated = TestPrimary.expect(201, primary.admin.put("/rest/api/latest/projects/BB/repos/full-shape",
                body.toString())).json();
        assertThat(updated.path("slug").asText()).isEqualTo("full-shape-renamed");
        assertThat(updated.path("description").asText()).isEqualTo("changed");
        assertThat(updated.path("forkable").asBoolean()).isTrue();
        assertThat(updated.path("public").asBoolean()).isFalse();
        assertThat(updated.path("defaultBranch").asText()).isEqualTo("develop");
        JsonNode read = primary.admin.get("/rest/api/latest/projects/BB/repos/full-shape-renamed").json();
        assertThat(read).isEqualTo(updated);

        JsonNode project = TestPrimary.expect(200, primary.admin.put("/rest/api/latest/projects/BB",
                RestClient.json("name", "BB project", "description", "scripts keep it", "public", false))).json();
        assertThat(project.path("description").asText()).isEqualTo("scripts keep it");
        assertThat(primary.admin.get("/rest/api/1.0/projects/BB").json().path("description").asText())
                .isEqualTo("scripts keep it");
    }

    @Test
    void aFieldFacetCannotHonourIsRefusedByNameAndChangesNothing() {
        primary.createRepository("BB", "guarded", false);
        for (var refused : List.of(
                Map.entry(RestClient.json("archived", true, "description", "not applied"), "archived"),
                Map.entry(RestClient.json("scmId", "hg", "description", "not applied"), "scmId"),
                Map.entry(RestClient.json("project", Map.of("key", "OTHER"), "description", "not applied"), "project"),
                Map.entry(RestClient.json("defaultBranch", "bad..name", "description", "not applied"), "defaultBranch"),
                Map.entry(RestClient.json("forkable", "yes"), "forkable"))) {
            RestClient.Response answer = primary.admin.put("/rest/api/latest/projects/BB/repos/guarded",
                    refused.getKey());
            assertThat(answer.status()).as(refused.getKey()).isEqualTo(400);
            assertThat(answer.json().path("errors").path(0).path("context").asText()).isEqualTo(refused.getValue());
        }
        assertThat(primary.admin.get("/rest/api/latest/projects/BB/repos/guarded").json().path("description").isNull())
                .isTrue();
        RestClient.Response archivedAtBirth = primary.admin.post("/rest/api/latest/projects/BB/repos",
                RestClient.json("name", "never", "archived", true));
        assertThat(archivedAtBirth.status()).isEqualTo(400);
        assertThat(primary.admin.get("/rest/api/latest/projects/BB/repos/never").status()).isEqualTo(404);
        RestClient.Response rekey = primary.admin.put("/rest/api/latest/projects/BB", RestClient.json("key", "NEW"));
        assertThat(rekey.status()).isEqualTo(400);
        assertThat(rekey.json().path("errors").path(0).path("context").asText()).isEqualTo("key");
    }

    @Test
    void searchFindsOnlyWhatTheCallerMaySeeAndChecksItsFilters() {
        primary.createProject("HID");
        primary.createRepository("HID", "hidden-search", false);
        List<String> adminFinds = slugs(primary.admin.get("/rest/api/latest/repos?name=SEARCH"));
        assertThat(adminFinds).containsExactly("hidden-search");
        assertThat(slugs(as("stranger").get("/rest/api/latest/repos?name=search"))).isEmpty();
        assertThat(slugs(as("reader").get("/rest/api/latest/repos?projectname=bb%20PROJECT&state=AVAILABLE")))
                .contains("seeded").doesNotContain("hidden-search");
        assertThat(slugs(as("reader").get("/rest/api/latest/repos?permission=REPO_WRITE"))).isEmpty();
        assertThat(slugs(as("writer").get("/rest/api/latest/repos?permission=REPO_WRITE&projectkey=bb")))
                .contains("seeded");
        assertThat(slugs(primary.admin.get("/rest/api/latest/repos?state=INITIALISING"))).isEmpty();
        JsonNode firstPage = primary.admin.get("/rest/api/latest/repos?limit=1").json();
        assertThat(firstPage.path("size").asInt()).isEqualTo(1);
        assertThat(firstPage.path("isLastPage").asBoolean()).isFalse();
        assertThat(firstPage.path("nextPageStart").asInt()).isEqualTo(1);
        for (String bad : List.of("permission=PROJECT_ADMIN", "state=OFFLINE", "visibility=secret", "archived=maybe",
                "limit=0", "start=-1")) {
            RestClient.Response answer = primary.admin.get("/rest/api/latest/repos?" + bad);
            assertThat(answer.status()).as(bad).isEqualTo(400);
            assertThat(answer.json().path("errors").path(0).path("context").asText())
                    .isEqualTo(bad.substring(0, bad.indexOf('=')));
        }
        assertThat(primary.admin.get("/rest/api/latest/repos?start=2147483647").status()).isEqualTo(200);
    }

    @Test
    void applicationPropertiesCapabilitiesAndTheSignedInUserHeader() {
        JsonNode properties = TestPrimary.expect(200, primary.anonymous.get("/rest/api/latest/application-properties"))
                .json();
        assertThat(properties.path("version").asText()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(properties.path("displayName").asText()).isEqualTo("Facet");
        assertThat(primary.anonymous.get("/rest/capabilities").json().path("application").asText()).isEqualTo("stash");
        assertThat(as("reader").get("/rest/api/latest/projects").raw().headers().firstValue("X-AUSERNAME"))
                .contains("reader");
        assertThat(primary.anonymous.get("/rest/api/latest/projects").raw().headers().firstValue("X-AUSERNAME"))
                .isEmpty();
    }

    @Test
    void branchesAreListedFilteredCreatedAndDeleted() {
        JsonNode branches = primary.admin.get("/rest/api/latest/projects/BB/repos/seeded/branches?details=true").json();
        JsonNode first = branches.path("values").path(0);
        assertThat(first.path("displayId").asText()).isEqualTo("main");
        assertThat(first.path("id").asText()).isEqualTo("refs/heads/main");
        assertThat(first.path("isDefault").asBoolean()).isTrue();
        assertThat(first.path("type").asText()).isEqualTo("BRANCH");
        assertThat(first.path("latestCommit").asText()).isEqualTo(seededCommit);

        JsonNode created = TestPrimary.expect(200, as("writer").post(
                "/rest/branch-utils/latest/projects/BB/repos/seeded/branches",
                RestClient.json("name", "feature/login", "startPoint", seededCommit))).json();
        assertThat(created.path("id").asText()).isEqualTo("refs/heads/feature/login");
        assertThat(created.path("isDefault").asBoolean()).isFalse();
        TestPrimary.expect(200, as("writer").post("/rest/api/latest/projects/BB/repos/seeded/branches",
                RestClient.json("name", "feature/logout", "startPoint", "refs/heads/develop")));
        List<String> filtered = displayIds(primary.admin.get(
                "/rest/api/latest/projects/BB/repos/seeded/branches?filterText=LOG&orderBy=ALPHABETICAL"));
        assertThat(filtered).containsExactly("feature/login", "feature/logout");

        TestPrimary.expect(204, as("writer").send("DELETE", "/rest/branch-utils/latest/projects/BB/repos/seeded/branches",
                RestClient.json("name", "refs/heads/feature/logout", "endPoint", seededCommit)));
        assertThat(displayIds(primary.admin.get("/rest/api/latest/projects/BB/repos/seeded/branches?filterText=log")))
                .containsExactly("feature/login");
        git().run(home, "ls-remote", primary.gitUrl("admin", ADMIN, "BB", "seeded")).requireSuccess();
        assertThat(git().run(home, "ls-remote", primary.gitUrl("admin", ADMIN, "BB", "seeded")).stdout())
                .contains("refs/heads/feature/login").doesNotContain("feature/logout");
    }

    @Test
    void branchesAndTagsArePagedInEachOrderBitbucketOffers() {
        primary.createRepository("BB", "ordered", false);
        GitClient git = new GitClient(home.resolve("ordered-home"));
        Path tree = git.newWorkTree(home.resolve("ordered"));
        // main is the oldest commit, zeta the newest, alpha in between: each order shows another sequence.
        for (String[] branch : new String[][] {{"main", "2020-01-01T00:00:00Z"}, {"alpha", "2021-01-01T00:00:00Z"},
                {"zeta", "2022-01-01T00:00:00Z"}}) {
            git.run(tree, "checkout", "-q", "-B", branch[0]).requireSuccess();
            git.run(tree, Map.of("GIT_COMMITTER_DATE", branch[1], "GIT_AUTHOR_DATE", branch[1]),
                    "commit", "-q", "--allow-empty", "-m", branch[0]).requireSuccess();
            git.run(tree, "tag", "v-" + branch[0]).requireSuccess();
        }
        git.run(tree, "push", "-q", primary.gitUrl("admin", ADMIN, "BB", "ordered"), "main", "alpha", "zeta", "--tags")
                .requireSuccess();
        String branches = "/rest/api/latest/projects/BB/repos/ordered/branches";

        JsonNode firstPage = TestPrimary.expect(200, primary.admin.get(branches + "?limit=2")).json();
        assertThat(displayIds(primary.admin.get(branches + "?limit=2"))).containsExactly("main", "alpha");
        assertThat(firstPage.path("isLastPage").asBoolean()).isFalse();
        assertThat(firstPage.path("nextPageStart").asInt()).isEqualTo(2);
        JsonNode lastPage = TestPrimary.expect(200, primary.admin.get(branches + "?limit=2&start=2")).json();
        assertThat(displayIds(primary.admin.get(branches + "?limit=2&start=2"))).containsExactly("zeta");
        assertThat(lastPage.path("isLastPage").asBoolean()).isTrue();
        assertThat(lastPage.path("values").path(0).path("latestCommit").asText())
                .isEqualTo(git.run(tree, "rev-parse", "zeta").requireSuccess().stdout().strip());
        assertThat(displayIds(primary.admin.get(branches + "?orderBy=MODIFICATION")))
                .containsExactly("zeta", "alpha", "main");
        assertThat(displayIds(primary.admin.get(branches + "?orderBy=ALPHABETICAL&limit=2&start=1")))
                .containsExactly("main", "zeta");

        String tags = "/rest/api/latest/projects/BB/repos/ordered/tags";
        assertThat(displayIds(primary.admin.get(tags + "?limit=2"))).containsExactly("v-alpha", "v-main");
        assertThat(displayIds(primary.admin.get(tags + "?orderBy=MODIFICATION&start=1")))
                .containsExactly("v-alpha", "v-main");
    }

    @Test
    void refChangesNeedTheirPermissionAndBadInputIsAClearFourHundred() {
        String branches = "/rest/branch-utils/latest/projects/BB/repos/seeded/branches";
        assertThat(as("reader").post(branches, RestClient.json("name", "nope", "startPoint", "main")).status())
                .isEqualTo(403);
        assertThat(as("stranger").post(branches, RestClient.json("name", "nope", "startPoint", "main")).status())
                .isEqualTo(404);
        assertThat(primary.anonymous.post(branches, RestClient.json("name", "nope", "startPoint", "main")).status())
                .isEqualTo(401);
        assertThat(as("writer").put("/rest/api/latest/projects/BB/repos/seeded/default-branch",
                RestClient.json("id", "refs/heads/develop")).status()).isEqualTo(403);
        String readToken = token("writer", "REPO_READ");
        assertThat(primary.anonymous.withAuthorization("Bearer " + readToken)
                .post(branches, RestClient.json("name", "nope", "startPoint", "main")).status()).isEqualTo(403);
        String writeToken = token("writer", "REPO_WRITE");
        TestPrimary.expect(200, primary.anonymous.withAuthorization("Bearer " + writeToken)
                .post(branches, RestClient.json("name", "by-token", "startPoint", "main")));

        for (var bad : List.of(
                Map.entry(RestClient.json("name", "has space", "startPoint", "main"), "name"),
                Map.entry(RestClient.json("name", "ends.lock", "startPoint", "main"), "name"),
                Map.entry(RestClient.json("name", "refs/tags/v9", "startPoint", "main"), "name"),
                Map.entry(RestClient.json("name", "fine", "startPoint", "no-such-thing"), "startPoint"),
                Map.entry(RestClient.json("name", "fine", "startPoint", "0".repeat(40)), "startPoint"),
                Map.entry(RestClient.json("name", "fine"), "startPoint"))) {
            RestClient.Response answer = primary.admin.post(branches, bad.getKey());
            assertThat(answer.status()).as(bad.getKey()).isEqualTo(400);
            assertThat(answer.json().path("errors").path(0).path("context").asText()).isEqualTo(bad.getValue());
        }
        assertThat(primary.admin.post(branches, RestClient.json("name", "develop", "startPoint", "main")).status())
                .isEqualTo(409);
        RestClient.Response defaultBranch = primary.admin.send("DELETE", branches, RestClient.json("name", "main"));
        assertThat(defaultBranch.status()).isEqualTo(400);
        assertThat(defaultBranch.firstError()).contains("default branch");
        assertThat(primary.admin.send("DELETE", branches, RestClient.json("name", "develop", "endPoint", "f".repeat(40)))
                .status()).isEqualTo(400);
        assertThat(primary.admin.send("DELETE", branches, RestClient.json("name", "ghost")).status()).isEqualTo(404);
        assertThat(primary.admin.get("/rest/api/latest/projects/BB/repos/seeded/branches?orderBy=SIDEWAYS").status())
                .isEqualTo(400);
        assertThat(primary.admin.get("/rest/api/latest/projects/BB/repos/seeded/branches?details=perhaps").status())
                .isEqualTo(400);
        assertThat(primary.admin.get("/rest/api/latest/projects/BB/repos/seeded/branches?start=2147483647").status())
                .isEqualTo(200);
        assertThat(primary.admin.post(branches, "[1,2]").status()).isEqualTo(400);
    }

    @Test
    void tagsAreListedReadCreatedAndDeletedInBothForms() {
        String api = "/rest/api/latest/projects/BB/repos/seeded/tags";
        JsonNode lightweight = TestPrimary.expect(200, as("writer").post(api,
                RestClient.json("name", "release/1.0", "startPoint", "main"))).json();
        assertThat(lightweight.path("id").asText()).isEqualTo("refs/tags/release/1.0");
        assertThat(lightweight.path("latestCommit").asText()).isEqualTo(seededCommit);
        assertThat(lightweight.path("hash").asText()).isEqualTo(seededCommit);
        JsonNode annotated = TestPrimary.expect(200, as("writer").post("/rest/git/latest/projects/BB/repos/seeded/tags",
                RestClient.json("name", "v2", "startPoint", seededCommit, "message", "second", "type", "ANNOTATED")))
                .json();
        assertThat(annotated.path("latestCommit").asText()).isEqualTo(seededCommit);
        assertThat(annotated.path("hash").asText()).isNotEqualTo(seededCommit).hasSize(40);

        assertThat(displayIds(primary.admin.get(api + "?filterText=release"))).containsExactly("release/1.0");
        assertThat(TestPrimary.expect(200, primary.admin.get(api + "/release/1.0")).json().path("displayId").asText())
                .isEqualTo("release/1.0");
        assertThat(primary.admin.post(api, RestClient.json("name", "v2", "startPoint", "main")).status()).isEqualTo(409);
        assertThat(as("reader").send("DELETE", "/rest/git/latest/projects/BB/repos/seeded/tags/v2", null).status())
                .isEqualTo(403);
        TestPrimary.expect(204, as("writer").send("DELETE", "/rest/git/1.0/projects/BB/repos/seeded/tags/release/1.0",
                null));
        assertThat(primary.admin.get(api + "/release/1.0").status()).isEqualTo(404);
        String tags = git().run(home, "ls-remote", "--tags", primary.gitUrl("admin", ADMIN, "BB", "seeded"))
                .requireSuccess().stdout();
        assertThat(tags).contains("refs/tags/v2").doesNotContain("release/1.0");
        assertThat(primary.admin.post("/rest/git/latest/projects/BB/repos/seeded/tags",
                RestClient.json("name", "v3", "startPoint", "main", "type", "SIGNED")).status()).isEqualTo(400);
    }

    @Test
    void theDefaultBranchIsReadAndSetInBothFormsAndTheMirrorFollowsIt() {
        primary.createRepository("BB", "heads", false);
        String repo = "/rest/api/latest/projects/BB/repos/heads";
        assertThat(TestPrimary.expect(204, primary.admin.get(repo + "/branches/default")).body()).isEmpty();
        GitClient git = git();
        Path tree = git.newWorkTree(home.resolve("heads-tree"), "a.txt");
        git.run(tree, "branch", "stable").requireSuccess();
        git.run(tree, "push", "-q", primary.gitUrl("admin", ADMIN, "BB", "heads"), "--all").requireSuccess();
        assertThat(primary.admin.get(repo + "/default-branch").json().path("id").asText()).isEqualTo("refs/heads/main");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> symref(mirror.gitUrl("admin", ADMIN, "BB", "heads"))
                .equals("refs/heads/main"));

        TestPrimary.expect(204, primary.admin.put(repo + "/default-branch", RestClient.json("id", "refs/heads/stable")));
        JsonNode minimal = primary.admin.get(repo + "/default-branch").json();
        assertThat(minimal.path("displayId").asText()).isEqualTo("stable");
        assertThat(minimal.path("type").asText()).isEqualTo("BRANCH");
        assertThat(primary.admin.get(repo + "/branches/default").json().path("displayId").asText()).isEqualTo("stable");
        assertThat(symref(primary.gitUrl("admin", ADMIN, "BB", "heads"))).isEqualTo("refs/heads/stable");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> symref(mirror.gitUrl("admin", ADMIN, "BB", "heads"))
                .equals("refs/heads/stable"));

        TestPrimary.expect(204, primary.admin.put("/rest/api/1.0/projects/BB/repos/heads/branches/default",
                RestClient.json("id", "main")));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> symref(mirror.gitUrl("admin", ADMIN, "BB", "heads"))
                .equals("refs/heads/main"));

        // Configured before it exists, as Bitbucket allows: the read form says so, the minimal form names it.
        TestPrimary.expect(204, primary.admin.put(repo + "/default-branch", RestClient.json("id", "future")));
        assertThat(primary.admin.get(repo + "/default-branch").json().path("displayId").asText()).isEqualTo("future");
        assertThat(primary.admin.get(repo + "/branches/default").status()).isEqualTo(404);
        assertThat(primary.admin.put(repo + "/default-branch", RestClient.json("id", "../x")).status()).isEqualTo(400);
        assertThat(primary.admin.put(repo + "/default-branch", "{}").status()).isEqualTo(400);
    }

    @Test
    void aTokenIsListedReadChangedAndRevokedAndTheMirrorFollowsWithinSeconds() {
        String tokens = "/rest/access-tokens/latest/users/writer";
        JsonNode created = TestPrimary.expect(201, as("writer").put(tokens, RestClient.json("name", "ci-" + System.nanoTime(),
                "permissions", List.of("REPO_READ"), "expiryDays", 30))).json();
        String id = created.path("id").asText();
        String secret = created.path("token").asText();

        List<String> listed = new java.util.ArrayList<>();
        Integer start = 0;
        while (start != null) {
            JsonNode page = as("writer").get(tokens + "?limit=1&start=" + start).json();
            assertThat(page.path("values").size()).isLessThanOrEqualTo(1);
            page.path("values").forEach(token -> {
                assertThat(token.has("token")).as("a listed token never shows its secret").isFalse();
                listed.add(token.path("id").asText());
            });
            start = page.path("isLastPage").asBoolean() ? null : page.path("nextPageStart").asInt();
        }
        assertThat(listed).contains(id).doesNotHaveDuplicates();
        JsonNode read = as("writer").get(tokens + "/" + id).json();
        assertThat(read.path("permissions")).extracting(JsonNode::asText).containsExactly("REPO_READ");
        assertThat(read.path("expiryDate").asLong() - read.path("createdDate").asLong())
                .isEqualTo(Duration.ofDays(30).toMillis());
        assertThat(TestPrimary.expect(200, primary.admin.get(tokens + "/" + id)).json().path("id").asText()).isEqualTo(id);

        // Nobody but the owner, with the password, changes a token: not another user, not an administrator, not a token.
        String change = RestClient.json("permissions", List.of("REPO_WRITE"));
        assertThat(as("reader").get(tokens + "/" + id).status()).isEqualTo(403);
        assertThat(as("reader").post(tokens + "/" + id, change).status()).isEqualTo(403);
        assertThat(primary.admin.post(tokens + "/" + id, change).status()).isEqualTo(403);
        assertThat(primary.anonymous.withAuthorization("Bearer " + secret).post(tokens + "/" + id, change).status())
                .isIn(401, 403);
        assertThat(primary.anonymous.post(tokens + "/" + id, change).status()).isEqualTo(401);
        assertThat(as("writer").get(tokens + "/ffffffffffff").status()).isEqualTo(404);
        assertThat(as("writer").post(tokens + "/" + id, RestClient.json("permissions", List.of("SUPERUSER"))).status())
                .isEqualTo(400);
        assertThat(as("writer").post(tokens + "/" + id, RestClient.json("expiryDays", 0)).status()).isEqualTo(400);

        // Read only: the mirror serves a fetch and refuses a push.
        GitClient git = git();
        Path tree = git.newWorkTree(home.resolve("token-tree"), "token.txt");
        String mirrorUrl = mirror.gitUrl("writer", secret, "BB", "seeded");
        git.run(home, "ls-remote", mirrorUrl).requireSuccess();
        assertThat(git.run(tree, "push", "-q", mirrorUrl, "HEAD:refs/heads/by-read-token").exitCode()).isNotZero();

        JsonNode changed = TestPrimary.expect(200, as("writer").post(tokens + "/" + id,
                RestClient.json("permissions", List.of("REPO_WRITE"), "name", "ci-renamed-" + System.nanoTime()))).json();
        assertThat(changed.path("permissions")).extracting(JsonNode::asText).containsExactly("REPO_WRITE");
        assertThat(changed.path("name").asText()).startsWith("ci-renamed-");
        assertThat(changed.path("expiryDate").asLong()).as("an update keeps the expiry").isEqualTo(read.path("expiryDate").asLong());
        await().atMost(Duration.ofSeconds(15)).until(() ->
                git.run(tree, "push", "-q", mirrorUrl, "HEAD:refs/heads/by-write-token").exitCode() == 0);

        TestPrimary.expect(204, as("writer").delete(tokens + "/" + id));
        assertThat(git.run(home, "ls-remote", primary.gitUrl("writer", secret, "BB", "seeded")).exitCode()).isNotZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> git.run(home, "ls-remote", mirrorUrl).exitCode() != 0);
        assertThat(as("writer").get(tokens + "/" + id).status()).isEqualTo(404);
    }

    // ---- Project and repository access tokens: each acts as a service user holding exactly its grant. ----

    private static final String PROJECT_TOKENS = "/rest/access-tokens/latest/projects/";

    /** A project with repositories that each hold a commit, so that a mirror serves them; returns the admin's git. */
    private static GitClient projectWithRepositories(String key, String... slugs) {
        primary.createProject(key);
        GitClient git = new GitClient(home.resolve("git-" + key));
        Path tree = git.newWorkTree(home.resolve("tree-" + key), "README.md");
        for (String slug : slugs) {
            primary.createRepository(key, slug, false);
            git.run(tree, "push", "-q", primary.gitUrl("admin", ADMIN, key, slug), "HEAD:refs/heads/main")
                    .requireSuccess();
        }
        return git;
    }

    /** Git with the token as a bearer header, as Bitbucket has project and repository tokens used. */
    private static GitClient.Result bearerGit(GitClient git, Path dir, String secret, String... args) {
        List<String> command = new ArrayList<>(List.of("-c", "http.extraHeader=Authorization: Bearer " + secret));
        command.addAll(List.of(args));
        return git.run(dir, command.toArray(String[]::new));
    }

    private static JsonNode createProjectToken(RestClient as, String path, Object permissions) {
        return TestPrimary.expect(200, as.put(PROJECT_TOKENS + path, RestClient.json("name",
                "deploy-" + System.nanoTime(), "permissions", permissions))).json();
    }

    @Test
    void aProjectTokenReachesItsProjectsRepositoriesOnPrimaryAndMirrorAndNothingElse() {
        GitClient git = projectWithRepositories("PT", "one", "two");
        projectWithRepositories("PX", "other");
        primary.createUser("ptadmin", "ptadmin-pass-1");
        primary.grantProject("PT", "ptadmin", "PROJECT_ADMIN");

        JsonNode created = createProjectToken(as("ptadmin"), "PT", List.of("PROJECT_READ", "REPO_WRITE"));
        String id = created.path("id").asText();
        String secret = created.path("token").asText();
        assertThat(created.path("user").path("type").asText()).isEqualTo("SERVICE");
        String serviceName = created.path("user").path("name").asText();
        RestClient bearer = primary.anonymous.withAuthorization("Bearer " + secret);

        // Every repository of its project, to the level its repository permission names; nothing of another project.
        Path tree = git.newWorkTree(home.resolve("project-token-tree"), "deploy.txt");
        bearerGit(git, home, secret, "ls-remote", primary.anonymousGitUrl("PT", "one")).requireSuccess();
        bearerGit(git, tree, secret, "push", "-q", primary.anonymousGitUrl("PT", "two"), "HEAD:refs/heads/deployed")
                .requireSuccess();
        assertThat(bearerGit(git, home, secret, "ls-remote", primary.anonymousGitUrl("PX", "other")).exitCode()).isNotZero();
        assertThat(bearerGit(git, home, secret, "ls-remote", primary.anonymousGitUrl("BB", "seeded")).exitCode()).isNotZero();
        assertThat(bearer.get("/rest/api/latest/projects/PT/repos/one").status()).isEqualTo(200);
        assertThat(bearer.get("/rest/api/latest/projects/PX").status()).isEqualTo(404);
        assertThat(bearer.delete("/rest/api/latest/projects/PT/repos/one").status()).isEqualTo(403);
        await().atMost(Duration.ofSeconds(15)).until(() ->
                bearerGit(git, home, secret, "ls-remote", mirror.anonymousGitUrl("PT", "one")).exitCode() == 0);
        await().atMost(Duration.ofSeconds(15)).until(() ->
                new GitClient(home.resolve("git-PX")).run(home, "ls-remote", mirror.gitUrl("admin", ADMIN, "PX", "other"))
                        .exitCode() == 0);
        assertThat(bearerGit(git, home, secret, "ls-remote", mirror.anonymousGitUrl("PX", "other")).exitCode()).isNotZero();

        // As Bitbucket has it, the token is a bearer; with a user name in Basic it works only as its own service user.
        assertThat(primary.anonymous.as("ptadmin", secret).get("/rest/api/latest/projects/PT").status()).isEqualTo(401);
        assertThat(primary.anonymous.as(serviceName, secret).get("/rest/api/latest/projects/PT").status()).isEqualTo(200);

        // A token never mints, reads or changes tokens, not even of its own project.
        assertThat(bearer.put(PROJECT_TOKENS + "PT", RestClient.json("name", "more", "permissions",
                List.of("PROJECT_ADMIN"))).status()).isIn(401, 403);
        assertThat(bearer.get(PROJECT_TOKENS + "PT").status()).isIn(401, 403);
        assertThat(bearer.post(PROJECT_TOKENS + "PT/" + id, RestClient.json("permissions", List.of("PROJECT_ADMIN")))
                .status()).isIn(401, 403);
        assertThat(bearer.put("/rest/access-tokens/latest/users/" + serviceName, RestClient.json("name", "mine",
                "permissions", List.of("REPO_ADMIN"))).status()).isIn(401, 403, 404);

        // The service user is nobody a name can reach: not listed, not granted more, its tokens not read as a user's.
        assertThat(primary.admin.get("/rest/api/latest/admin/users?limit=1000").body()).doesNotContain(serviceName);
        assertThat(primary.admin.put("/rest/api/latest/projects/PX/permissions/users?name=" + serviceName
                + "&permission=PROJECT_READ", null).status()).isEqualTo(404);
        assertThat(primary.admin.get("/rest/access-tokens/latest/users/" + serviceName).status()).isEqualTo(404);
        assertThat(primary.admin.post("/rest/api/latest/admin/users", RestClient.json("name", serviceName,
                "password", "taken-name-1")).status()).isEqualTo(409);

        // Revoked: refused by the primary at once, by the mirror within seconds.
        TestPrimary.expect(204, as("ptadmin").delete(PROJECT_TOKENS + "PT/" + id));
        assertThat(bearerGit(git, home, secret, "ls-remote", primary.anonymousGitUrl("PT", "one")).exitCode()).isNotZero();
        assertThat(bearer.get("/rest/api/latest/projects/PT").status()).isEqualTo(401);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                bearerGit(git, home, secret, "ls-remote", mirror.anonymousGitUrl("PT", "one")).exitCode() != 0);
        assertThat(as("ptadmin").get(PROJECT_TOKENS + "PT/" + id).status()).isEqualTo(404);
    }

    @Test
    void aRepositoryTokenReachesOnlyItsRepositoryAndDiesWithIt() {
        GitClient git = projectWithRepositories("PR", "mine", "sibling");
        primary.createUser("repoadmin", "repoadmin-pass-1");
        TestPrimary.expect(204, primary.admin.put("/rest/api/latest/projects/PR/repos/mine/permissions/users"
                + "?name=repoadmin&permission=REPO_ADMIN", null));
        String mine = "PR/repos/mine";

        JsonNode created = createProjectToken(as("repoadmin"), mine, List.of("REPO_READ"));
        String id = created.path("id").asText();
        String secret = created.path("token").asText();
        Path tree = git.newWorkTree(home.resolve("repository-token-tree"), "ci.txt");
        bearerGit(git, home, secret, "ls-remote", primary.anonymousGitUrl("PR", "mine")).requireSuccess();
        assertThat(bearerGit(git, home, secret, "ls-remote", primary.anonymousGitUrl("PR", "sibling")).exitCode())
                .as("another repository of the same project").isNotZero();
        assertThat(bearerGit(git, tree, secret, "push", "-q", primary.anonymousGitUrl("PR", "mine"), "HEAD:refs/heads/ci")
                .exitCode()).as("a read token does not push").isNotZero();

        // Raised to write: pushes on the primary at once, and through the mirror once it has learnt of the change.
        JsonNode changed = TestPrimary.expect(200, as("repoadmin").post(PROJECT_TOKENS + mine + "/" + id,
                RestClient.json("permissions", List.of("REPO_WRITE")))).json();
        assertThat(changed.path("permissions")).extracting(JsonNode::asText).containsExactly("REPO_WRITE");
        assertThat(changed.path("name").asText()).isEqualTo(created.path("name").asText());
        bearerGit(git, tree, secret, "push", "-q", primary.anonymousGitUrl("PR", "mine"), "HEAD:refs/heads/ci")
                .requireSuccess();
        await().atMost(Duration.ofSeconds(15)).until(() -> bearerGit(git, tree, secret, "push", "-q",
                mirror.anonymousGitUrl("PR", "mine"), "HEAD:refs/heads/ci-through-mirror").exitCode() == 0);

        // Listed to its repository's administrators (a project administrator is one), never among the project's own.
        JsonNode listed = TestPrimary.expect(200, primary.admin.get(PROJECT_TOKENS + mine)).json();
        assertThat(listed.path("values").findValuesAsText("id")).containsExactly(id);
        assertThat(listed.path("values").get(0).has("token")).isFalse();
        assertThat(TestPrimary.expect(200, primary.admin.get(PROJECT_TOKENS + "PR")).json().path("values")).isEmpty();
        assertThat(TestPrimary.expect(200, primary.admin.get(PROJECT_TOKENS + mine + "/" + id)).json()
                .path("id").asText()).isEqualTo(id);

        // Only an administrator of the repository, with a password, manages its tokens; others learn nothing.
        assertThat(as("repoadmin").put(PROJECT_TOKENS + "PR", RestClient.json("name", "x", "permissions",
                List.of("PROJECT_READ"))).status()).isEqualTo(403);
        assertThat(as("repoadmin").get(PROJECT_TOKENS + "PR/repos/sibling").status()).isEqualTo(404);
        assertThat(as("stranger").get(PROJECT_TOKENS + mine).status()).isEqualTo(404);
        assertThat(as("stranger").delete(PROJECT_TOKENS + mine + "/" + id).status()).isEqualTo(404);
        assertThat(primary.anonymous.get(PROJECT_TOKENS + mine).status()).isEqualTo(401);
        String adminUserToken = TestPrimary.expect(201, primary.admin.put("/rest/access-tokens/latest/users/admin",
                RestClient.json("name", "admin-" + System.nanoTime(), "permissions", List.of("REPO_ADMIN",
                        "PROJECT_ADMIN")))).json().path("token").asText();
        assertThat(primary.anonymous.withAuthorization("Bearer " + adminUserToken).put(PROJECT_TOKENS + mine,
                RestClient.json("name", "x", "permissions", List.of("REPO_READ"))).status()).isEqualTo(403);
        assertThat(as("repoadmin").delete(PROJECT_TOKENS + "PR/repos/sibling/" + id).status()).isEqualTo(404);

        // Bad requests are clear 400s, naming what Bitbucket allows.
        for (String bad : List.of(
                RestClient.json("name", "x", "permissions", List.of("PROJECT_READ")),
                RestClient.json("name", "x", "permissions", List.of("REPO_READ", "REPO_WRITE")),
                RestClient.json("name", "x", "permissions", List.of()),
                RestClient.json("name", "x", "permissions", List.of("SUPERUSER")),
                RestClient.json("permissions", List.of("REPO_READ")),
                RestClient.json("name", "x", "permissions", List.of("REPO_READ"), "expiryDays", 0),
                "{not json")) {
            assertThat(as("repoadmin").put(PROJECT_TOKENS + mine, bad).status()).as(bad).isEqualTo(400);
        }
        assertThat(primary.admin.put(PROJECT_TOKENS + "PR", RestClient.json("name", "x", "permissions",
                List.of("PROJECT_WRITE", "REPO_READ"))).status()).isEqualTo(400);

        // Deleting the repository deletes its tokens; a new repository of the same name has none.
        TestPrimary.expect(202, primary.admin.delete("/rest/api/latest/projects/PR/repos/mine"));
        assertThat(primary.anonymous.withAuthorization("Bearer " + secret).get("/rest/api/latest/projects/PR")
                .status()).isEqualTo(401);
        primary.createRepository("PR", "mine", false);
        assertThat(TestPrimary.expect(200, primary.admin.get(PROJECT_TOKENS + mine)).json().path("values")).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                bearerGit(git, home, secret, "ls-remote", mirror.anonymousGitUrl("PR", "mine")).exitCode() != 0);

        // So does deleting a project.
        primary.createProject("PD");
        String projectSecret = createProjectToken(primary.admin, "PD", List.of("PROJECT_ADMIN", "REPO_ADMIN"))
                .path("token").asText();
        RestClient projectBearer = primary.anonymous.withAuthorization("Bearer " + projectSecret);
        TestPrimary.expect(200, projectBearer.get("/rest/api/latest/projects/PD"));
        TestPrimary.expect(204, primary.admin.delete("/rest/api/latest/projects/PD"));
        primary.createProject("PD");
        assertThat(projectBearer.get("/rest/api/latest/projects/PD").status()).isEqualTo(401);
    }

    private String token(String user, String permission) {
        return TestPrimary.expect(201, as(user).put("/rest/access-tokens/latest/users/" + user,
                RestClient.json("name", user + "-" + permission + "-" + System.nanoTime(), "permissions",
                        List.of(permission)))).json().path("token").asText();
    }

    private static String symref(String url) {
        String out = new GitClient(home.resolve("ls-remote-home")).run(home, "ls-remote", "--symref", url, "HEAD")
                .requireSuccess().stdout();
        for (String line : out.split("\n")) {
            if (line.startsWith("ref: ")) {
                return line.substring("ref: ".length(), line.indexOf('\t'));
            }
        }
        return "";
    }

    private GitClient git() {
        return new GitClient(home.resolve("git-home"));
    }

    private static List<String> slugs(RestClient.Response response) {
        List<String> slugs = new ArrayList<>();
        TestPrimary.expect(200, response).json().path("values").forEach(value -> slugs.add(value.path("slug").asText()));
        return slugs;
    }

    private static List<String> displayIds(RestClient.Response response) {
        List<String> ids = new ArrayList<>();
        TestPrimary.expect(200, response).json().path("values").forEach(value -> ids.add(value.path("displayId").asText()));
        return ids;
    }

    @Test
    void usersAreCreatedReadAndChangedTheWayBitbucketDoes() {
        TestPrimary.expect(204, primary.admin.post("/rest/api/latest/admin/users?name=Query.User&password=query-pass-1"
                + "&displayName=Query%20User&emailAddress=query@example.com&addToDefaultGroup=true", null));
        JsonNode read = TestPrimary.expect(200, as("reader").get("/rest/api/latest/users/query.user")).json();
        assertThat(read.path("displayName").asText()).isEqualTo("Query User");
        assertThat(read.path("slug").asText()).isEqualTo("query.user");
        assertThat(TestPrimary.expect(200, as("reader").get("/rest/api/latest/users?filter=QUERY@example")).json()
                .at("/values/0/name").asText()).isEqualTo("query.user");
        JsonNode updated = TestPrimary.expect(200, primary.admin.put("/rest/api/latest/admin/users",
                RestClient.json("name", "query.user", "displayName", "Renamed", "email", "renamed@example.com"))).json();
        assertThat(updated.path("displayName").asText()).isEqualTo("Renamed");
        assertThat(updated.path("emailAddress").asText()).isEqualTo("renamed@example.com");
        TestPrimary.expect(204, primary.admin.put("/rest/api/latest/admin/users/credentials",
                RestClient.json("name", "query.user", "password", "query-pass-2", "passwordConfirm", "query-pass-2")));
        TestPrimary.expect(200, primary.anonymous.as("query.user", "query-pass-2").get("/rest/api/latest/users/admin"));

        assertThat(primary.admin.post("/rest/api/latest/admin/users?name=mailed&password=mailed-pass-1"
                + "&displayName=M&emailAddress=m@example.com&notify=true", null).firstError()).contains("notify");
        assertThat(primary.anonymous.get("/rest/api/latest/users").status()).isEqualTo(401);
        assertThat(as("reader").post("/rest/api/latest/admin/users?name=sneaky&password=sneaky-pass-1"
                + "&displayName=S&emailAddress=s@example.com", null).status()).isEqualTo(403);
        TestPrimary.expect(200, primary.admin.delete("/rest/api/latest/admin/users?name=query.user"));
        assertThat(as("reader").get("/rest/api/latest/users/query.user").status()).isEqualTo(404);
    }

    @Test
    void aGroupsGrantIsReadBackAndGivesItsMembersGitAccessOnPrimaryAndMirrorUntilTheyLeaveIt() {
        primary.createRepository("BB", "grouped", false);
        primary.createUser("member", "member-pass-1");
        JsonNode group = TestPrimary.expect(200, primary.admin.post("/rest/api/latest/admin/groups?name=Developers",
                null)).json();
        assertThat(group.path("name").asText()).isEqualTo("developers");
        TestPrimary.expect(200, primary.admin.post("/rest/api/latest/admin/groups/add-user",
                RestClient.json("context", "developers", "itemName", "member")));
        TestPrimary.expect(204, primary.admin.put(
                "/rest/api/latest/projects/BB/repos/grouped/permissions/groups?name=developers&permission=REPO_WRITE", null));
        TestPrimary.expect(204, primary.admin.put(
                "/rest/api/latest/projects/BB/permissions/groups?name=developers&permission=PROJECT_READ", null));

        JsonNode onRepository = TestPrimary.expect(200,
                primary.admin.get("/rest/api/1.0/projects/BB/repos/grouped/permissions/groups")).json();
        assertThat(onRepository.at("/values/0/group/name").asText()).isEqualTo("developers");
        assertThat(onRepository.at("/values/0/permission").asText()).isEqualTo("REPO_WRITE");
        assertThat(TestPrimary.expect(200, primary.admin.get("/rest/api/latest/projects/BB/permissions/groups?filter=DEV"))
                .json().at("/values/0/permission").asText()).isEqualTo("PROJECT_READ");
        JsonNode users = TestPrimary.expect(200, primary.admin.get("/rest/api/latest/projects/BB/permissions/users"))
                .json();
        assertThat(users.path("values").findValuesAsText("permission")).contains("PROJECT_READ", "PROJECT_WRITE");
        assertThat(users.at("/values/0/user/name").asText()).isNotEmpty();
        assertThat(TestPrimary.expect(200, primary.admin.get("/rest/api/latest/admin/groups/more-members?context=developers"))
                .json().at("/values/0/name").asText()).isEqualTo("member");
        assertThat(TestPrimary.expect(200, as("member").get("/rest/api/latest/admin/users/more-members?context=member"))
                .json().at("/values/0/name").asText()).isEqualTo("developers");
        assertThat(TestPrimary.expect(200, as("member").get("/rest/api/latest/groups")).json().path("values")
                .findValuesAsText("")).isEmpty();
        assertThat(TestPrimary.expect(200, as("member").get("/rest/api/latest/groups")).json().path("values").toString())
                .contains("\"developers\"");

        GitClient git = new GitClient(home.resolve("member-git"));
        Path tree = git.newWorkTree(home.resolve("member-tree"), "group.txt");
        git.run(tree, "push", "-q", primary.gitUrl("member", "member-pass-1", "BB", "grouped"), "HEAD:refs/heads/main")
                .requireSuccess();
        git.commitFile(tree, "through-mirror.txt", "via the mirror");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> git.run(tree, "push", "-q",
                mirror.gitUrl("member", "member-pass-1", "BB", "grouped"), "HEAD:refs/heads/main").exitCode() == 0);

        TestPrimary.expect(200, primary.admin.post("/rest/api/latest/admin/users/remove-group",
                RestClient.json("context", "member", "itemName", "developers")));
        git.commitFile(tree, "refused.txt", "no longer a member");
        assertThat(git.run(tree, "push", "-q", primary.gitUrl("member", "member-pass-1", "BB", "grouped"),
                "HEAD:refs/heads/main").exitCode()).isNotZero();
        await().atMost(Duration.ofSeconds(15)).until(() -> git.run(tree, "push", "-q",
                mirror.gitUrl("member", "member-pass-1", "BB", "grouped"), "HEAD:refs/heads/main").exitCode() != 0);
        await().atMost(Duration.ofSeconds(15)).until(() -> git.run(home, "ls-remote",
                mirror.gitUrl("member", "member-pass-1", "BB", "grouped")).exitCode() != 0);

        TestPrimary.expect(200, primary.admin.post("/rest/api/latest/admin/groups/add-users",
                RestClient.json("group", "developers", "users", new String[] {"member"})));
        await().atMost(Duration.ofSeconds(15)).until(() -> git.run(home, "ls-remote",
                mirror.gitUrl("member", "member-pass-1", "BB", "grouped")).exitCode() == 0);
        JsonNode deleted = TestPrimary.expect(200, primary.admin.delete("/rest/api/latest/admin/groups?name=developers"))
                .json();
        assertThat(deleted.path("name").asText()).isEqualTo("developers");
        assertThat(TestPrimary.expect(200, primary.admin.get("/rest/api/latest/projects/BB/repos/grouped/permissions/groups"))
                .json().path("size").asInt()).isZero();
        assertThat(git.run(home, "ls-remote", primary.gitUrl("member", "member-pass-1", "BB", "grouped")).exitCode())
                .isNotZero();
        await().atMost(Duration.ofSeconds(15)).until(() -> git.run(home, "ls-remote",
                mirror.gitUrl("member", "member-pass-1", "BB", "grouped")).exitCode() != 0);
    }

    @Test
    void globalPermissionsAreWrittenAndReadBackForUsersAndGroups() {
        primary.createUser("creator", "creator-pass-1");
        TestPrimary.expect(204, primary.admin.put("/rest/api/latest/admin/permissions/users?name=creator"
                + "&permission=PROJECT_CREATE", null));
        JsonNode listed = TestPrimary.expect(200,
                primary.admin.get("/rest/api/latest/admin/permissions/users?filter=creator")).json();
        assertThat(listed.at("/values/0/user/name").asText()).isEqualTo("creator");
        assertThat(listed.at("/values/0/permission").asText()).isEqualTo("PROJECT_CREATE");
        TestPrimary.expect(201, as("creator").post("/rest/api/latest/projects", RestClient.json("key", "MINE")));
        TestPrimary.expect(201, as("creator").post("/rest/api/latest/projects/MINE/repos", RestClient.json("name", "own")));
        TestPrimary.expect(204, primary.admin.delete("/rest/api/latest/admin/permissions/users?name=creator"));
        assertThat(TestPrimary.expect(200, primary.admin.get("/rest/api/latest/admin/permissions/users?filter=creator"))
                .json().at("/values/0/permission").asText()).isEqualTo("LICENSED_USER");
        assertThat(as("creator").post("/rest/api/latest/projects", RestClient.json("key", "NOPE")).status())
                .isEqualTo(403);

        TestPrimary.expect(200, primary.admin.post("/rest/api/latest/admin/groups?name=admins", null));
        TestPrimary.expect(204, primary.admin.put("/rest/api/latest/admin/permissions/groups?name=admins"
                + "&permission=ADMIN", null));
        assertThat(TestPrimary.expect(200, primary.admin.get("/rest/api/latest/admin/permissions/groups")).json()
                .at("/values/0/group/name").asText()).isEqualTo("admins");
        TestPrimary.expect(200, primary.admin.post("/rest/api/latest/admin/users/add-groups",
                RestClient.json("user", "creator", "groups", new String[] {"admins"})));
        TestPrimary.expect(200, as("creator").get("/rest/api/latest/admin/users"));
        TestPrimary.expect(204, primary.admin.delete("/rest/api/latest/admin/permissions/groups?name=admins"));
        assertThat(as("creator").get("/rest/api/latest/admin/users").status()).isEqualTo(403);
        assertThat(TestPrimary.expect(200, primary.admin.get("/rest/api/latest/admin/permissions/groups/none")).json()
                .path("values").toString()).contains("admins");
        assertThat(primary.admin.put("/rest/api/latest/admin/permissions/users?name=creator&permission=GOD", null)
                .firstError()).contains("LICENSED_USER");
    }

    @Test
    void nobodyRaisesThemselvesOrOthersAboveWhatTheyHold() {
        primary.createUser("projadmin", "projadmin-pass-1");
        primary.createUser("lesser", "lesser-pass-1");
        primary.grantProject("BB", "projadmin", "PROJECT_ADMIN");
        TestPrimary.expect(200, primary.admin.post("/rest/api/latest/admin/groups?name=operators", null));
        TestPrimary.expect(200, primary.admin.post("/rest/api/latest/admin/groups?name=root", null));
        TestPrimary.expect(204, primary.admin.put("/rest/api/latest/admin/permissions/groups?name=root"
                + "&permission=SYS_ADMIN", null));

        // A user adding himself to a group, in both of Bitbucket's forms.
        assertThat(as("lesser").post("/rest/api/latest/admin/groups/add-user",
                RestClient.json("context", "operators", "itemName", "lesser")).status()).isEqualTo(403);
        assertThat(as("lesser").post("/rest/api/latest/admin/users/add-group",
                RestClient.json("context", "lesser", "itemName", "root")).status()).isEqualTo(403);
        // A project administrator granting global permissions.
        assertThat(as("projadmin").put("/rest/api/latest/admin/permissions/users?name=projadmin&permission=SYS_ADMIN",
                null).status()).isEqualTo(403);
        assertThat(as("projadmin").put("/rest/api/latest/admin/permissions/groups?name=operators&permission=ADMIN",
                null).status()).isEqualTo(403);
        // A project administrator may grant groups on the project, never read or change global ones.
        TestPrimary.expect(204, as("projadmin").put("/rest/api/latest/projects/BB/permissions/groups?name=operators"
                + "&permission=PROJECT_READ", null));
        assertThat(as("projadmin").get("/rest/api/latest/admin/permissions/groups").status()).isEqualTo(403);
        assertThat(as("reader").get("/rest/api/latest/projects/BB/permissions/groups").status()).isEqualTo(403);

        // An ADMIN may not reach SYS_ADMIN, through a grant or through the group that holds it.
        primary.createUser("deputy", "deputy-pass-1");
        TestPrimary.expect(204, primary.admin.put("/rest/api/latest/admin/permissions/users?name=deputy"
                + "&permission=ADMIN", null));
        RestClient deputy = primary.anonymous.as("deputy", "deputy-pass-1");
        assertThat(deputy.put("/rest/api/latest/admin/permissions/users?name=deputy&permission=SYS_ADMIN", null)
                .status()).isEqualTo(403);
        assertThat(deputy.post("/rest/api/latest/admin/groups/add-user",
                RestClient.json("context", "root", "itemName", "deputy")).status()).isEqualTo(403);
        assertThat(deputy.delete("/rest/api/latest/admin/groups?name=root").status()).isEqualTo(403);
        assertThat(deputy.delete("/rest/api/latest/admin/permissions/users?name=admin").status()).isEqualTo(403);
        TestPrimary.expect(200, deputy.post("/rest/api/latest/admin/groups/add-user",
                RestClient.json("context", "operators", "itemName", "lesser")));
        assertThat(primary.admin.delete("/rest/api/latest/admin/permissions/users?name=admin").status()).isEqualTo(409);

        // A token, even an administrator's, never reaches group administration.
        String token = TestPrimary.expect(201, primary.admin.put("/rest/access-tokens/1.0/users/admin",
                RestClient.json("name", "project-reader", "permissions", new String[] {"PROJECT_READ"}))).json()
                .path("token").asText();
        RestClient withToken = primary.anonymous.withAuthorization("Bearer " + token);
        assertThat(withToken.post("/rest/api/latest/admin/groups?name=from-token", null).status()).isEqualTo(403);
        assertThat(withToken.post("/rest/api/latest/admin/groups/add-user",
                RestClient.json("context", "operators", "itemName", "stranger")).status()).isEqualTo(403);
        assertThat(withToken.put("/rest/api/latest/admin/permissions/groups?name=operators&permission=ADMIN", null)
                .status()).isEqualTo(403);

        assertThat(primary.admin.post("/rest/api/latest/admin/groups?name=operators", null).status()).isEqualTo(409);
        assertThat(primary.admin.post("/rest/api/latest/admin/groups?name=bad%0Aname", null).status()).isEqualTo(400);
        assertThat(primary.admin.post("/rest/api/latest/admin/groups/add-user",
                RestClient.json("context", "nosuch", "itemName", "lesser")).status()).isEqualTo(404);
        assertThat(primary.admin.put("/rest/api/latest/projects/BB/permissions/groups?name=operators&permission=REPO_READ",
                null).firstError()).contains("PROJECT_READ");
    }
}
