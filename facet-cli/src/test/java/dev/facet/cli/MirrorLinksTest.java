package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.identity.InstanceIdentity;
import dev.facet.core.identity.ReplayGuard;
import dev.facet.core.identity.RequestTokens;
import dev.facet.core.mirror.PreAuthorizedLinks;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a CI server does to clone from a mirror: ask the primary which mirrors carry a repository,
 * follow the pre-authorized link to the mirror without credentials, and clone from the URL it gives;
 * and what an attacker does with such a link.
 */
class MirrorLinksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String ALICE = "alice-secret-1";

    @TempDir
    Path work;

    @Test
    void aCiServerFollowsTheLinkToTheMirrorsCloneUrlWithoutCredentialsAndNobodyElseGetsFurther() throws Exception {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"));
             TestMirror mirror = TestMirror.startAuthorized(work.resolve("ci-mirror"), primary,
                     Map.of(RawSettings.RECONCILE_SECONDS, "2"))) {
            primary.createProject("WEB");
            primary.createRepository("WEB", "site", true);
            primary.createRepository("WEB", "secret", false);
            primary.createUser("alice", ALICE);
            GitClient git = new GitClient(work.resolve("git-home"));
            Path tree = git.newWorkTree(work.resolve("tree"), "README.md");
            git.run(tree, "push", "-q", primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "WEB", "site"), "--all")
                    .requireSuccess();
            long site = repositoryId(primary, "site");
            long secret = repositoryId(primary, "secret");

            JsonNode page = TestPrimary.expect(200, primary.anonymous.get("/rest/mirroring/1.0/repos/" + site
                    + "/mirrors")).json();
            assertThat(page.path("size").asInt()).isEqualTo(1);
            JsonNode descriptor = page.path("values").get(0);
            assertThat(descriptor.at("/mirrorServer/id").asText()).isEqualTo(mirror.instance.instanceId());
            assertThat(descriptor.at("/mirrorServer/name").asText()).isEqualTo("ci-mirror");
            assertThat(descriptor.at("/mirrorServer/enabled").asBoolean()).isTrue();
            assertThat(descriptor.at("/mirrorServer/productVersion").asText()).isNotBlank();
            assertThat(descriptor.at("/links/clone/0/href").asText())
                    .isEqualTo(mirror.baseUrl() + "/scm/web/site.git");
            String link = descriptor.at("/links/self/0/href").asText();
            assertThat(link).startsWith(mirror.baseUrl() + "/rest/mirroring/latest/mirrorRepos/" + site + "?jwt=");

            JsonNode mirrored = await().atMost(Duration.ofSeconds(30)).until(() -> get(link).json(),
                    answer -> answer.path("available").asBoolean());
            assertThat(mirrored.path("status").asText()).isEqualTo("AVAILABLE");
            assertThat(mirrored.path("repositoryId").asText()).isEqualTo(Long.toString(site));
            assertThat(mirrored.path("mirrorName").asText()).isEqualTo("ci-mirror");
            assertThat(mirrored.path("lastUpdated").asLong()).isPositive();
            String cloneUrl = mirrored.at("/links/clone/0/href").asText();
            assertThat(mirrored.at("/cloneUrls/0/href").asText()).isEqualTo(cloneUrl);
            assertThat(mirrored.at("/pushUrls/0/href").asText()).isEqualTo(cloneUrl);
            git.run(work, "clone", "-q", cloneUrl, work.resolve("from-mirror").toString()).requireSuccess();
            assertThat(work.resolve("from-mirror/README.md")).exists();

            // The private repository: its link too needs no credentials, its clone URL still does.
            String secretLink = TestPrimary.expect(200, primary.admin.get("/rest/mirroring/latest/repos/" + secret
                    + "/mirrors")).json().at("/values/0/links/self/0/href").asText();
            JsonNode empty = get(secretLink).json();
            assertThat(empty.path("repositoryId").asText()).isEqualTo(Long.toString(secret));
            assertThat(empty.path("status").asText()).isIn("AVAILABLE", "INITIALIZING");

            // Who may not read a repository is told it does not exist, and gets no link.
            assertThat(primary.anonymous.get("/rest/mirroring/latest/repos/" + secret + "/mirrors").status())
                    .isEqualTo(404);
            assertThat(primary.anonymous.as("alice", ALICE).get("/rest/mirroring/latest/repos/" + secret + "/mirrors")
                    .status()).isEqualTo(404);
            assertThat(primary.admin.get("/rest/mirroring/latest/repos/999999/mirrors").status()).isEqualTo(404);
            assertThat(primary.admin.get("/rest/mirroring/latest/repos/site/mirrors").status()).isEqualTo(400);

            String token = link.substring(link.indexOf("?jwt=") + 5);
            String resourceOf = mirror.baseUrl() + "/rest/mirroring/latest/mirrorRepos/";
            assertThat(get(resourceOf + secret + "?jwt=" + token).status())
                    .as("the link of one repository, pointed at another").isEqualTo(401);
            assertThat(get(resourceOf + site).status()).as("no token").isEqualTo(401);
            assertThat(get(resourceOf + site + "?jwt=" + tampered(token)).status()).as("a changed signature")
                    .isEqualTo(401);
            assertThat(get(resourceOf + site + "?jwt=" + withClaim(token, "rsc",
                    PreAuthorizedLinks.resource(secret))).status()).as("a changed claim under the same signature")
                    .isEqualTo(401);
            assertThat(get(mirror.baseUrl() + "/rest/mirroring/1.0/mirrorRepos/" + site + "?jwt=" + token).status())
                    .as("the same link under Bitbucket's 1.0 path").isEqualTo(200);

            InstanceIdentity primaryKey = InstanceIdentity.loadOrCreate(primary.home.resolve("keys"));
            assertThat(primaryKey.id()).isEqualTo(primary.instance.instanceId());
            RequestTokens twoMinutesAgo = new RequestTokens(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-2)),
                    new SecureRandom(), new ReplayGuard(Clock.systemUTC(), 100));
            RestClient.Response expired = get(resourceOf + site + "?jwt=" + twoMinutesAgo.signForResource(primaryKey,
                    mirror.instance.instanceId(), PreAuthorizedLinks.VALIDITY, PreAuthorizedLinks.resource(site)));
            assertThat(expired.status()).as("a genuine link, expired").isEqualTo(401);
            assertThat(expired.firstError()).contains("expired");

            RequestTokens now = new RequestTokens(Clock.systemUTC(), new SecureRandom(),
                    new ReplayGuard(Clock.systemUTC(), 100));
            InstanceIdentity otherUpstream = InstanceIdentity.loadOrCreate(Files.createDirectories(
                    work.resolve("other-primary-keys")));
            assertThat(get(resourceOf + site + "?jwt=" + now.signForResource(otherUpstream,
                    mirror.instance.instanceId(), PreAuthorizedLinks.VALIDITY, PreAuthorizedLinks.resource(site)))
                    .status()).as("a link another upstream signed").isEqualTo(401);
            assertThat(get(resourceOf + site + "?jwt=" + now.signForResource(primaryKey,
                    UUID.randomUUID().toString(), PreAuthorizedLinks.VALIDITY, PreAuthorizedLinks.resource(site)))
                    .status()).as("the primary's link for another mirror").isEqualTo(401);
            assertThat(get(resourceOf + site + "?jwt=" + now.signForResource(primaryKey,
                    mirror.instance.instanceId(), PreAuthorizedLinks.VALIDITY, PreAuthorizedLinks.resource(site)))
                    .status()).as("the same, signed now, for this mirror").isEqualTo(200);
        }
    }

    @Test
    void aFarmsLinkWorksOnEveryNodeBehindItsBalancer() throws Exception {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            primary.createProject("WEB");
            primary.createRepository("WEB", "site", true);
            GitClient git = new GitClient(work.resolve("git-home"));
            Path tree = git.newWorkTree(work.resolve("tree"), "README.md");
            git.run(tree, "push", "-q", primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "WEB", "site"), "--all")
                    .requireSuccess();
            long site = repositoryId(primary, "site");
            try (TestFarm farm = TestFarm.start(work.resolve("farm"), primary.baseUrl(), "linked", 2,
                    Map.of(RawSettings.RECONCILE_SECONDS, "2"))) {
                farm.authorizeOn(primary);
                JsonNode page = TestPrimary.expect(200, primary.anonymous.get("/rest/mirroring/latest/repos/" + site
                        + "/mirrors")).json();
                assertThat(page.path("size").asInt()).as("one farm, one mirror server").isEqualTo(1);
                JsonNode descriptor = page.path("values").get(0);
                assertThat(descriptor.at("/mirrorServer/id").asText()).isEqualTo(farm.nodes.get(0).farmId());
                String link = descriptor.at("/links/self/0/href").asText();
                // The link names the balancer, which sends each request to whichever node it likes.
                assertThat(link).startsWith(farm.loadBalancerUrl + "/rest/mirroring/latest/mirrorRepos/" + site + "?");
                assertThat(descriptor.at("/links/clone/0/href").asText())
                        .isEqualTo(farm.loadBalancerUrl + "/scm/web/site.git");

                for (TestFarm.Node node : farm.nodes) {
                    String atNode = node.url() + link.substring(farm.loadBalancerUrl.length());
                    JsonNode mirrored = await().atMost(Duration.ofSeconds(30)).until(() -> get(atNode).json(),
                            answer -> answer.path("available").asBoolean());
                    assertThat(mirrored.path("status").asText()).as(node.url()).isEqualTo("AVAILABLE");
                    assertThat(mirrored.path("repositoryId").asText()).isEqualTo(Long.toString(site));
                    String cloneUrl = mirrored.at("/links/clone/0/href").asText();
                    assertThat(cloneUrl).as(node.url()).isEqualTo(farm.loadBalancerUrl + "/scm/web/site.git");
                    Path clone = work.resolve("from-" + node.instance().port());
                    git.run(work, "clone", "-q", node.url() + cloneUrl.substring(farm.loadBalancerUrl.length()),
                            clone.toString()).requireSuccess();
                    assertThat(clone.resolve("README.md")).exists();
                }
                // Followed twice on one node: a CI server may retry, and the link is valid until it expires.
                String again = farm.nodes.get(0).url() + link.substring(farm.loadBalancerUrl.length());
                assertThat(get(again).status()).isEqualTo(200);
                // Another repository's link from the same token is still refused on every node.
                String token = link.substring(link.indexOf("?") + 1);
                for (TestFarm.Node node : farm.nodes) {
                    assertThat(get(node.url() + "/rest/mirroring/latest/mirrorRepos/" + (site + 1) + "?" + token)
                            .status()).as(node.url()).isEqualTo(401);
                }
            }
        }
    }

    @Test
    void requestsAndMirrorServersSpeakBitbucketsFieldsAndProgressCountsRepositories() throws Exception {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"));
             TestMirror mirror = TestMirror.start(work.resolve("edge"), primary, Map.of())) {
            primary.createProject("OPS");
            primary.createRepository("OPS", "tools", false);
            primary.createRepository("OPS", "infra", false);
            String requestId = mirror.awaitPendingRequest(primary);
            JsonNode request = primary.admin.get("/rest/mirroring/latest/requests/" + requestId).json();
            assertThat(request.path("mirrorName").asText()).isEqualTo("edge");
            assertThat(request.path("mirrorBaseUrl").asText()).isEqualTo(mirror.baseUrl());
            assertThat(request.path("productVersion").asText()).isNotBlank();

            JsonNode accepted = TestPrimary.expect(200, primary.admin.post("/rest/mirroring/latest/requests/"
                    + requestId + "/accept", null)).json();
            assertThat(accepted.path("id").asText()).as("accepting answers the mirror server")
                    .isEqualTo(mirror.instance.instanceId());
            assertThat(accepted.path("enabled").asBoolean()).isTrue();
            mirror.awaitState("SYNCHRONIZED");

            JsonNode progress = mirror.anonymous.get("/rest/mirroring/latest/progress").json();
            assertThat(progress.path("discovering").asBoolean()).isFalse();
            assertThat(progress.path("totalRepos").asInt()).isEqualTo(2);
            assertThat(progress.path("syncedRepos").asInt()).isEqualTo(2);
            JsonNode status = mirror.anonymous.get("/status").json();
            assertThat(status.path("totalRepos").asInt()).isEqualTo(2);
            assertThat(status.path("syncedRepos").asInt()).isEqualTo(2);
            assertThat(status.path("discovering").asBoolean()).isFalse();

            String server = "/rest/mirroring/latest/mirrorServers/" + mirror.instance.instanceId();
            await().atMost(Duration.ofSeconds(20)).until(() -> !primary.admin.get(server).json().path("productVersion")
                    .asText().isEmpty());
            TestPrimary.expect(200, primary.admin.delete(server));
            assertThat(primary.admin.get(server).json().path("enabled").asBoolean()).as("removed").isFalse();
        }
    }

    @Test
    void eachUserChoosesTheirPreferredMirror() throws IOException {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"));
             TestMirror mirror = TestMirror.startAuthorized(work.resolve("near"), primary)) {
            primary.createUser("alice", ALICE);
            primary.createUser("bob", "bob-secret-1");
            RestClient alice = primary.anonymous.as("alice", ALICE);
            String preferred = "/rest/mirroring/latest/account/settings/preferred-mirror";
            assertThat(alice.get(preferred).status()).isEqualTo(404);
            assertThat(alice.post(preferred, "\"" + mirror.instance.instanceId() + "\"").status()).isEqualTo(204);
            assertThat(alice.get(preferred).json().path("id").asText()).isEqualTo(mirror.instance.instanceId());
            assertThat(primary.anonymous.as("bob", "bob-secret-1").get(preferred).status()).as("another user's choice")
                    .isEqualTo(404);
            assertThat(alice.post(preferred, "\"" + UUID.randomUUID() + "\"").status()).isEqualTo(404);
            assertThat(alice.post(preferred, "\"unterminated").status()).isEqualTo(400);
            assertThat(primary.anonymous.post(preferred, "\"" + mirror.instance.instanceId() + "\"").status())
                    .isEqualTo(401);
            assertThat(alice.delete(preferred).status()).isEqualTo(204);
            assertThat(alice.get(preferred).status()).isEqualTo(404);
        }
    }

    private static long repositoryId(TestPrimary primary, String slug) {
        return primary.admin.get("/rest/api/latest/projects/WEB/repos/" + slug).json().path("id").asLong();
    }

    /** A link followed as a CI server follows it: a plain GET, no credentials. */
    private static RestClient.Response get(String url) throws IOException, InterruptedException {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new RestClient.Response(answer.statusCode(), answer.body(), answer);
    }

    private static String tampered(String token) {
        char last = token.charAt(token.length() - 2);
        return token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
    }

    /** The token with one claim changed and the original signature kept. */
    private static String withClaim(String token, String claim, String value) throws IOException {
        String[] parts = java.net.URLDecoder.decode(token, StandardCharsets.UTF_8).split("\\.");
        var payload = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(
                java.util.Base64.getUrlDecoder().decode(parts[1]));
        payload.put(claim, value);
        String changed = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(payload));
        return URLEncoder.encode(parts[0] + "." + changed + "." + parts[2], StandardCharsets.UTF_8);
    }
}
