package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Facet driven by a Bitbucket REST client nobody here wrote: the one openapi-typescript-codegen generated from
 * Atlassian's Bitbucket Data Center OpenAPI spec, as the npm package {@code @atlassian-dc-mcp/bitbucket} ships it
 * (run by {@code src/test/bitbucket-client/drive.mjs} under Node). {@code src/test/bitbucket-client/install.sh}
 * fetches it; CI runs that, and there the test must run, while elsewhere a missing client skips it.
 */
class BitbucketClientTest {
    private static final Path CLIENT = Path.of("src/test/bitbucket-client").toAbsolutePath();
    private static final String ADMIN = TestPrimary.ADMIN_PASSWORD;

    @TempDir
    Path home;

    @Test
    void aClientGeneratedFromAtlassiansSpecManagesProjectsRepositoriesBranchesTagsTokensUsersGroupsPermissionsAndWebhooks()
            throws Exception {
        boolean installed = Files.exists(CLIENT.resolve("vendor/package/build/bitbucket-client/index.js"));
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("The generated Bitbucket client is missing: .ci/run runs " + CLIENT + "/install.sh");
        }
        Assumptions.assumeTrue(installed, "run facet-cli/src/test/bitbucket-client/install.sh to drive Facet with it");

        try (TestPrimary primary = TestPrimary.start(home.resolve("primary"))) {
            primary.createProject("SEED");
            primary.createRepository("SEED", "seeded", false);
            GitClient git = new GitClient(home.resolve("git-home"));
            Path tree = git.newWorkTree(home.resolve("tree"), "README.md");
            git.run(tree, "push", "-q", primary.gitUrl("admin", ADMIN, "SEED", "seeded"), "--all").requireSuccess();
            String commit = git.run(tree, "rev-parse", "HEAD").requireSuccess().stdout().strip();
            try (TestMirror mirror = TestMirror.startAuthorized(home.resolve("mirror"), primary,
                    Map.of(RawSettings.RECONCILE_SECONDS, "2"))) {
                JsonNode seen = drive(primary.baseUrl(), commit, "");

                assertThat(seen.at("/properties/answer/displayName").asText()).isEqualTo("Facet");
                assertThat(seen.at("/createProject/answer/key").asText()).isEqualTo("CLI");
                assertThat(seen.at("/updateProject/answer/description").asText()).isEqualTo("changed by the client");

                JsonNode created = seen.at("/createRepository/answer");
                assertThat(created.path("slug").asText()).isEqualTo("driven");
                assertThat(created.path("description").asText()).isEqualTo("driven by a generated client");
                assertThat(created.path("forkable").asBoolean()).isFalse();
                assertThat(created.path("defaultBranch").asText()).isEqualTo("main");
                assertThat(created.at("/project/name").asText()).isEqualTo("Client project");
                assertThat(seen.at("/updateRepository/answer/description").asText()).isEqualTo("updated");
                assertThat(seen.at("/archive/status").asInt()).isEqualTo(400);
                assertThat(seen.at("/archive/body/errors/0/context").asText()).isEqualTo("archived");
                assertThat(seen.at("/getRepository/answer/forkable").asBoolean()).isTrue();
                assertThat(seen.at("/getRepository/answer/links/clone/0/href").asText())
                        .isEqualTo(primary.baseUrl() + "/scm/cli/driven.git");
                assertThat(seen.at("/search/answer/values/0/slug").asText()).isEqualTo("driven");
                assertThat(seen.at("/search/answer/size").asInt()).isEqualTo(1);
                assertThat(seen.at("/badSearch/status").asInt()).isEqualTo(400);

                assertThat(seen.at("/createBranch/answer/id").asText()).isEqualTo("refs/heads/from-client");
                assertThat(seen.at("/branches/answer/values/0/latestCommit").asText()).isEqualTo(commit);
                assertThat(seen.at("/createTag/answer/latestCommit").asText()).isEqualTo(commit);
                assertThat(seen.at("/tags/answer/values/0/displayId").asText()).isEqualTo("client-tag");
                assertThat(seen.at("/tag/answer/id").asText()).isEqualTo("refs/tags/client-tag");
                assertThat(seen.at("/setDefault/ok").asBoolean()).isTrue();
                assertThat(seen.at("/getDefault/answer/displayId").asText()).isEqualTo("from-client");
                assertThat(seen.at("/deleteDefault/status").asInt()).isEqualTo(400);
                assertThat(seen.at("/deleteTag/ok").asBoolean()).isTrue();
                assertThat(seen.at("/tagAfterDelete/status").asInt()).isEqualTo(404);
                JsonNode token = seen.at("/createToken/answer");
                assertThat(token.path("token").asText()).as(seen.path("createToken").toString()).isNotBlank();
                assertThat(seen.at("/tokens/answer/values").findValuesAsText("id")).contains(token.path("id").asText());
                assertThat(seen.at("/token/answer/name").asText()).isEqualTo("client-token");
                assertThat(seen.at("/updateToken/answer/permissions/0").asText()).isEqualTo("REPO_WRITE");
                assertThat(seen.at("/badToken/status").asInt()).isEqualTo(400);
                assertThat(seen.at("/badToken/body/errors/0/context").asText()).isEqualTo("permissions");
                assertThat(seen.at("/createUser/ok").asBoolean()).isTrue();
                assertThat(seen.at("/getUser/answer/displayName").asText()).isEqualTo("Client User");
                assertThat(seen.at("/findUsers/answer/values/0/slug").asText()).isEqualTo("client-user");
                assertThat(seen.at("/usersByPermission/status").asInt()).isEqualTo(400);
                assertThat(seen.at("/updateUser/answer/displayName").asText()).isEqualTo("Client Renamed");
                assertThat(seen.at("/setPassword/ok").asBoolean()).isTrue();
                assertThat(seen.at("/createGroup/answer/name").asText()).isEqualTo("client-group");
                assertThat(seen.at("/members/answer/values/0/name").asText()).isEqualTo("client-user");
                assertThat(seen.at("/groupNames/answer/values/0").asText()).isEqualTo("client-group");
                assertThat(seen.at("/adminGroups/answer/values/0/name").asText()).isEqualTo("client-group");
                assertThat(seen.at("/groupsOnProject/answer/values/0/group/name").asText()).isEqualTo("client-group");
                assertThat(seen.at("/groupsOnProject/answer/values/0/permission").asText()).isEqualTo("PROJECT_WRITE");
                assertThat(seen.at("/usersOnProject/answer/values/0/user/name").asText()).isEqualTo("client-user");
                assertThat(seen.at("/usersOnProject/answer/values/0/permission").asText()).isEqualTo("PROJECT_READ");
                assertThat(seen.at("/groupsOnRepository/answer/values/0/permission").asText()).isEqualTo("REPO_ADMIN");
                assertThat(seen.at("/usersOnRepository/answer/values/0/permission").asText()).isEqualTo("REPO_WRITE");
                assertThat(seen.at("/globalUsers/answer/values/0/permission").asText()).isEqualTo("PROJECT_CREATE");
                assertThat(seen.at("/globalGroups/answer/values/0/permission").asText()).isEqualTo("ADMIN");
                assertThat(seen.at("/badGlobal/status").asInt()).isEqualTo(400);
                assertThat(seen.at("/groupsOnRepositoryAfter/answer/size").asInt()).isZero();
                assertThat(seen.at("/membersAfter/answer/size").asInt()).isZero();
                assertThat(seen.at("/deleteGroup/answer/name").asText()).isEqualTo("client-group");
                assertThat(seen.at("/groupsOnProjectAfter/answer/size").asInt()).isZero();
                assertThat(seen.at("/deleteUser/ok").asBoolean()).isTrue();
                assertProjectAndRepositoryTokens(seen);
                assertWebhooks(seen);
                assertMirroring(seen, mirror);
                for (JsonNode answer : seen) {
                    assertThat(answer.path("status").asInt(0)).as(answer.toString()).isLessThan(500);
                }

                // The token works with git on the primary and the mirror until the client revokes it.
                String primaryUrl = primary.gitUrl("admin", token.path("token").asText(), "SEED", "seeded");
                String mirrorUrl = mirror.gitUrl("admin", token.path("token").asText(), "SEED", "seeded");
                git.run(home, "ls-remote", primaryUrl).requireSuccess();
                await().atMost(Duration.ofSeconds(30)).until(() -> git.run(home, "ls-remote", mirrorUrl).exitCode() == 0);
                JsonNode revoked = drive(primary.baseUrl(), "revoke", token.path("id").asText());
                assertThat(revoked.at("/revoke/ok").asBoolean()).as(revoked.toString()).isTrue();
                assertThat(revoked.at("/afterRevoke/status").asInt()).isEqualTo(404);
                assertThat(git.run(home, "ls-remote", primaryUrl).exitCode()).isNotZero();
                await().atMost(Duration.ofSeconds(10)).until(() -> git.run(home, "ls-remote", mirrorUrl).exitCode() != 0);

                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> git.run(home, "ls-remote", "--symref",
                        mirror.gitUrl("admin", ADMIN, "SEED", "seeded"), "HEAD").requireSuccess().stdout()
                        .startsWith("ref: refs/heads/from-client\tHEAD"));
            }
        }
    }

    /** What the client saw of mirroring: the mirror's request and server, its link for the seeded repository. */
    private static void assertMirroring(JsonNode seen, TestMirror mirror) {
        String mirrorId = mirror.instance.instanceId();
        assertThat(seen.at("/acceptedRequests/answer/values/0/mirrorId").asText())
                .as(seen.path("acceptedRequests").toString()).isEqualTo(mirrorId);
        assertThat(seen.at("/acceptedRequests/answer/values/0/mirrorName").asText()).isEqualTo("mirror");
        assertThat(seen.at("/acceptedRequests/answer/values/0/mirrorBaseUrl").asText()).isEqualTo(mirror.baseUrl());
        assertThat(seen.at("/acceptedRequests/answer/values/0/productVersion").asText()).isNotBlank();
        assertThat(seen.at("/mirrorServers/answer/values/0/productVersion").asText()).isNotBlank();
        JsonNode descriptor = seen.at("/repositoryMirrors/answer/values/0");
        assertThat(descriptor.at("/mirrorServer/id").asText()).as(seen.path("repositoryMirrors").toString())
                .isEqualTo(mirrorId);
        JsonNode followed = seen.at("/followLink/answer");
        assertThat(followed.path("repositoryId").asText()).as(followed.toString())
                .isEqualTo(seen.at("/seeded/answer/id").asText());
        assertThat(followed.path("mirrorName").asText()).isEqualTo("mirror");
        assertThat(followed.path("status").asText()).isIn("AVAILABLE", "INITIALIZING");
        assertThat(seen.at("/setPreferredMirror/ok").asBoolean()).as(seen.path("setPreferredMirror").toString())
                .isTrue();
        assertThat(seen.at("/preferredMirror/answer/id").asText()).isEqualTo(mirrorId);
        assertThat(seen.at("/deletePreferredMirror/ok").asBoolean()).isTrue();
        assertThat(seen.at("/preferredMirrorAfter/status").asInt()).isEqualTo(404);
    }

    /** What the client saw of repository and project webhooks: made, listed, read, changed, refused and deleted. */
    private static void assertWebhooks(JsonNode seen) {
        JsonNode created = seen.at("/createRepositoryHook/answer");
        assertThat(created.path("id").asLong()).as(seen.path("createRepositoryHook").toString()).isPositive();
        assertThat(created.path("url").asText()).isEqualTo("https://192.0.2.10/client-hook");
        assertThat(created.path("events").toString()).isEqualTo("[\"repo:refs_changed\"]");
        assertThat(seen.toString()).as("a hook's secret is never shown").doesNotContain("client-hook-secret");
        assertThat(seen.at("/repositoryHooks/answer/values").findValuesAsText("id"))
                .containsExactly(created.path("id").asText());
        assertThat(seen.at("/repositoryHook/answer/name").asText()).isEqualTo("client-ci");
        JsonNode updated = seen.at("/updateRepositoryHook/answer");
        assertThat(updated.path("active").asBoolean()).as(seen.path("updateRepositoryHook").toString()).isFalse();
        assertThat(updated.path("events").toString()).contains("repo:modified");
        assertThat(seen.at("/localRepositoryHook/status").asInt()).isEqualTo(400);
        assertThat(seen.at("/localRepositoryHook/body/errors/0/message").asText()).contains("facet.webhooks.allow-local");
        JsonNode project = seen.at("/createProjectHook/answer");
        assertThat(project.path("events").toString()).as(seen.path("createProjectHook").toString())
                .isEqualTo("[\"mirror:repo_synchronized\"]");
        assertThat(seen.at("/projectHooks/answer/values").findValuesAsText("id"))
                .containsExactly(project.path("id").asText());
        assertThat(seen.at("/projectHook/answer/url").asText()).isEqualTo("https://192.0.2.10/client-hook");
        assertThat(seen.at("/updateProjectHook/answer/name").asText()).isEqualTo("client-mirror-ci-renamed");
        assertThat(seen.at("/testLocalUrl/status").asInt()).isEqualTo(400);
        assertThat(seen.at("/deleteRepositoryHook/ok").asBoolean()).isTrue();
        assertThat(seen.at("/repositoryHookAfterDelete/status").asInt()).isEqualTo(404);
        assertThat(seen.at("/deleteProjectHook/ok").asBoolean()).isTrue();
        assertThat(seen.at("/projectHooksAfterDelete/answer/size").asInt()).isZero();
    }

    /** What the client saw of project and repository tokens, driven on the project and repository it made. */
    private static void assertProjectAndRepositoryTokens(JsonNode seen) {
        JsonNode project = seen.at("/createProjectToken/answer");
        assertThat(project.path("token").asText()).as(seen.path("createProjectToken").toString()).startsWith("fct_");
        assertThat(project.at("/user/type").asText()).isEqualTo("SERVICE");
        assertThat(seen.at("/projectTokens/answer/values").findValuesAsText("id")).containsExactly(project.path("id").asText());
        assertThat(seen.at("/projectToken/answer/permissions").toString()).isEqualTo("[\"PROJECT_READ\",\"REPO_WRITE\"]");
        assertThat(seen.at("/updateProjectToken/answer/name").asText()).isEqualTo("project-token-renamed");
        JsonNode repository = seen.at("/createRepositoryToken/answer");
        assertThat(repository.path("token").asText()).as(seen.path("createRepositoryToken").toString()).startsWith("fct_");
        assertThat(repository.path("expiryDate").asLong() - repository.path("createdDate").asLong())
                .isEqualTo(Duration.ofDays(30).toMillis());
        assertThat(seen.at("/repositoryTokens/answer/values").findValuesAsText("id"))
                .containsExactly(repository.path("id").asText());
        assertThat(seen.at("/repositoryToken/answer/token").isMissingNode()).as("a read token shows no secret").isTrue();
        assertThat(seen.at("/updateRepositoryToken/answer/permissions/0").asText()).isEqualTo("REPO_ADMIN");
        assertThat(seen.at("/badRepositoryToken/status").asInt()).isEqualTo(400);
        assertThat(seen.at("/badRepositoryToken/body/errors/0/context").asText()).isEqualTo("permissions");
        assertThat(seen.at("/deleteRepositoryToken/ok").asBoolean()).isTrue();
        assertThat(seen.at("/repositoryTokenAfterDelete/status").asInt()).isEqualTo(404);
        assertThat(seen.at("/deleteProjectToken/ok").asBoolean()).isTrue();
        assertThat(seen.at("/projectTokenAfterDelete/status").asInt()).isEqualTo(404);
    }

    private static JsonNode drive(String baseUrl, String commitOrRevoke, String tokenId)
            throws IOException, InterruptedException {
        Process node = new ProcessBuilder("node", "drive.mjs", baseUrl, "admin", ADMIN, commitOrRevoke, tokenId)
                .directory(CLIENT.toFile()).redirectErrorStream(false).start();
        node.getOutputStream().close();
        byte[] out = node.getInputStream().readAllBytes();
        String errors = new String(node.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as(errors).isZero();
        return new ObjectMapper().readTree(out);
    }
}
