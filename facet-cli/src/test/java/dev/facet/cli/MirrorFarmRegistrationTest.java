package dev.facet.cli;

import static dev.facet.cli.TestFarmNode.API;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.facet.core.identity.InstanceIdentity;
import dev.facet.core.mirror.protocol.FarmNodeDescription;
import dev.facet.primary.MirrorAdmission;
import dev.facet.primary.MirrorRegistry;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The primary's side of a mirror farm: one request and one approval register the farm with the
 * node that asked; the farm's trusted nodes vouch for the ones that join; every node signs as
 * itself and acts for its farm alone; and nothing else can ask, act or vouch under the farm's ids.
 */
class MirrorFarmRegistrationTest {
    private static final String BALANCER = "http://farm.example.com:7990";

    @TempDir
    Path work;

    /** A farm authorized on the primary, with the node whose request the administrator accepted. */
    private record Farm(String id, TestFarmNode founder) {
        String path() {
            return API + "/mirrorServers/" + id;
        }
    }

    private static Farm authorizedFarm(TestPrimary primary, String name) {
        String farmId = UUID.randomUUID().toString();
        TestFarmNode founder = TestFarmNode.create(name + "-node-1", primary);
        RestClient.Response asked = TestPrimary.expect(201, founder.requestFarmAuthorization(farmId, name, BALANCER));
        TestPrimary.expect(200, primary.admin.post(API + "/requests/" + asked.json().path("requestId").asText() + "/accept",
                null));
        return new Farm(farmId, founder);
    }

    private static TestFarmNode vouchedNode(TestPrimary primary, Farm farm, String name) {
        TestFarmNode node = TestFarmNode.create(name, primary);
        TestPrimary.expect(201, farm.founder().vouchFor(node));
        return node;
    }

    private static JsonNode nodeOf(JsonNode server, String nodeId) {
        for (JsonNode node : server.path("nodes")) {
            if (node.path("id").asText().equals(nodeId)) {
                return node;
            }
        }
        throw new AssertionError("node " + nodeId + " is not listed: " + server.path("nodes"));
    }

    private static List<String> auditDetails(TestPrimary primary, String action) {
        List<String> details = new ArrayList<>();
        for (JsonNode entry : primary.admin.get(API + "/audit?limit=100").json().path("values")) {
            if (entry.path("action").asText().equals(action)) {
                details.add(entry.path("details").asText());
            }
        }
        return details;
    }

    @Test
    void aFarmIsAuthorizedOnceAndRegisteredWithTheNodeThatAsked() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            String farmId = UUID.randomUUID().toString();
            TestFarmNode founder = TestFarmNode.create("edge-1", primary);

            RestClient.Response asked = TestPrimary.expect(201,
                    founder.requestFarmAuthorization(farmId, "Edge farm", BALANCER));
            String requestId = asked.json().path("requestId").asText();
            JsonNode pending = primary.admin.get(API + "/requests?state=PENDING").json().path("values");
            assertThat(pending).hasSize(1);
            assertThat(pending.get(0).path("mirrorId").asText()).isEqualTo(farmId);
            assertThat(pending.get(0).path("mirrorType").asText()).isEqualTo("FARM");
            assertThat(pending.get(0).path("keyFingerprint").asText()).isEqualTo(founder.keyFingerprint());
            assertThat(founder.requestStatus(requestId).json().path("state").asText()).isEqualTo("PENDING");

            TestPrimary.expect(200, primary.admin.post(API + "/requests/" + requestId + "/accept", null));

            JsonNode farm = primary.admin.get(API + "/mirrorServers/" + farmId).json();
            assertThat(farm.path("mirrorType").asText()).isEqualTo("FARM");
            assertThat(farm.path("baseUrl").asText()).isEqualTo(BALANCER);
            assertThat(farm.path("nodes")).hasSize(1);
            JsonNode node = nodeOf(farm, founder.id());
            assertThat(node.path("name").asText()).isEqualTo("edge-1");
            assertThat(node.path("url").asText()).isEqualTo(founder.url);
            assertThat(node.path("address").path("port").asInt()).isEqualTo(7990);
            assertThat(node.path("keyFingerprint").asText()).isEqualTo(founder.keyFingerprint());
            assertThat(founder.requestStatus(requestId).json().path("state").asText()).isEqualTo("ACCEPTED");
            assertThat(auditDetails(primary, "ACCEPT")).anySatisfy(details -> assertThat(details)
                    .contains("node " + founder.id()).contains(founder.keyFingerprint()));

            assertThat(TestPrimary.expect(200, founder.heartbeat("SYNCHRONIZED")).json().path("registration").asText())
                    .isEqualTo("INSTALLED");
            JsonNode reported = nodeOf(primary.admin.get(API + "/mirrorServers/" + farmId).json(), founder.id());
            assertThat(reported.path("state").asText()).isEqualTo("SYNCHRONIZED");
            assertThat(reported.path("buildVersion").asText()).isEqualTo("test-edge-1");
            assertThat(reported.path("lastSeenDate").asLong()).isPositive();
        }
    }

    @Test
    void aNodeTheFarmVouchesForSignsAsItselfForTheFarmWithoutAnAdministrator() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            Farm farm = authorizedFarm(primary, "edge");
            TestFarmNode joiner = TestFarmNode.create("edge-2", primary);

            RestClient.Response vouched = TestPrimary.expect(201, farm.founder().vouchFor(joiner));
            assertThat(vouched.json().path("id").asText()).isEqualTo(joiner.id());
            assertThat(vouched.json().path("vouchedBy").asText()).isEqualTo(farm.founder().id());
            assertThat(TestPrimary.expect(200, farm.founder().vouchFor(joiner)).json().path("id").asText())
                    .as("vouching again for the same id and key changes nothing").isEqualTo(joiner.id());
            RestClient.Response asTheFarm = farm.founder().vouchFor(new FarmNodeDescription(farm.id(), "farm-itself",
                    joiner.url, joiner.description().publicKey()));
            assertThat(asTheFarm.status()).as("the farm's own id signs nothing, so no node may take it").isEqualTo(400);
            assertThat(asTheFarm.firstError()).contains("farm's id");

            assertThat(TestPrimary.expect(200, joiner.heartbeat("SYNCHRONIZING")).json().path("registration").asText())
                    .isEqualTo("INSTALLED");
            TestPrimary.expect(200, joiner.events());
            TestPrimary.expect(200, joiner.fetchToken());
            TestPrimary.expect(200, joiner.send("GET", API + "/repo-hashes", null));

            JsonNode server = primary.admin.get(farm.path()).json();
            assertThat(server.path("nodes")).hasSize(2);
            assertThat(nodeOf(server, joiner.id()).path("state").asText()).isEqualTo("SYNCHRONIZING");
            assertThat(nodeOf(server, joiner.id()).path("vouchedBy").asText()).isEqualTo(farm.founder().id());
            assertThat(server.path("state").asText()).as("the farm shows the latest any node reported")
                    .isEqualTo("SYNCHRONIZING");
            assertThat(primary.admin.get(API + "/requests?state=PENDING").json().path("values")).isEmpty();
            assertThat(auditDetails(primary, "VOUCH")).containsExactly("node " + joiner.id() + " (edge-2, "
                    + joiner.url + ", key " + joiner.keyFingerprint() + ") vouched for by node " + farm.founder().id());
        }
    }

    @Test
    void aRequestNeverAcceptedCannotKeepANodeOutOfItsFarm() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            Farm farm = authorizedFarm(primary, "edge");
            TestFarmNode joiner = TestFarmNode.create("edge-2", primary);
            // Someone who saw the joining node's id listed asks first, under that id, with a key of their own.
            TestFarmNode squatter = TestFarmNode.claiming(joiner.id(), "squatter", primary, work.resolve("squatter"));
            String squatted = TestPrimary.expect(201, squatter.requestSingleAuthorization("squatter", BALANCER))
                    .json().path("requestId").asText();

            TestPrimary.expect(201, farm.founder().vouchFor(joiner));
            TestPrimary.expect(200, joiner.heartbeat("SYNCHRONIZING"));

            assertThat(squatter.heartbeat("SYNCHRONIZING").status()).as("the id is the node's, signed with its key")
                    .isEqualTo(401);
            assertThat(primary.admin.post(API + "/requests/" + squatted + "/accept", null).status())
                    .as("accepting the squatter's request later cannot take the node's id").isEqualTo(409);
        }
    }

    @Test
    void anOutsidersKeyCanNeitherAskUnderTheFarmsIdsNorVouch() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            Farm farm = authorizedFarm(primary, "edge");
            TestFarmNode outsider = TestFarmNode.create("outsider", primary);

            RestClient.Response underFarmId = outsider.requestFarmAuthorization(farm.id(), "edge", BALANCER);
            assertThat(underFarmId.status()).isEqualTo(409);
            assertThat(underFarmId.firstError()).contains(farm.founder().keyFingerprint())
                    .contains(outsider.keyFingerprint());
            assertThat(auditDetails(primary, "REFUSE")).anySatisfy(details ->
                    assertThat(details).contains(outsider.keyFingerprint()));

            // A server that claims the founder's node id with a key of its own.
            TestFarmNode impostor = TestFarmNode.create("impostor", primary);
            FarmNodeDescription claimed = new FarmNodeDescription(farm.founder().id(), "edge-1", "http://10.9.9.9:7990",
                    impostor.identity.publicKeyJwk());
            RestClient.Response impersonating = impostor.post(API + "/requests",
                    new dev.facet.core.mirror.protocol.AuthorizationRequest(UUID.randomUUID().toString(), "other",
                            BALANCER, impostor.identity.publicKeyJwk(), dev.facet.core.mirror.MirrorType.FARM, claimed));
            assertThat(impersonating.status()).as("the token is signed as the impostor, not as the node it names")
                    .isEqualTo(401);

            RestClient.Response outsiderVouches = outsider.vouchFor(TestFarmNode.create("friend", primary));
            assertThat(outsiderVouches.status()).isEqualTo(401);
            assertThat(outsiderVouches.json().path("errors").path(0).path("exceptionName").asText())
                    .isEqualTo("TokenRejected");
            RestClient.Response vouchedTwice = farm.founder().vouchFor(new FarmNodeDescription(farm.founder().id(),
                    "edge-1", "http://10.9.9.9:7990", outsider.identity.publicKeyJwk()));
            assertThat(vouchedTwice.status()).as("a node id keeps its key, even when the farm vouches").isEqualTo(409);

            assertThat(primary.admin.get(farm.path()).json().path("nodes")).hasSize(1);
            assertThat(primary.admin.get(API + "/requests?state=PENDING").json().path("values")).isEmpty();
        }
    }

    @Test
    void aNodeOfOneFarmCannotActForAnother() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            Farm north = authorizedFarm(primary, "north");
            Farm south = authorizedFarm(primary, "south");

            RestClient.Response askedUnderSouth = north.founder().requestFarmAuthorization(south.id(), "south", BALANCER);
            assertThat(askedUnderSouth.status()).isEqualTo(409);

            RestClient.Response vouchedForSouthsNode = north.founder().vouchFor(south.founder());
            assertThat(vouchedForSouthsNode.status()).isEqualTo(409);
            assertThat(vouchedForSouthsNode.firstError()).contains("belongs to mirror " + south.id());

            TestPrimary.expect(200, north.founder().heartbeat("LAGGING"));
            JsonNode southServer = primary.admin.get(south.path()).json();
            assertThat(southServer.path("nodes")).hasSize(1);
            assertThat(southServer.path("state").asText()).as("north's heartbeat is north's alone")
                    .isNotEqualTo("LAGGING");
            assertThat(primary.admin.get(north.path()).json().path("state").asText()).isEqualTo("LAGGING");
        }
    }

    @Test
    void deletingAFarmMovesEveryNodeToRemovedAndRestoringBringsThemAllBack() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            Farm farm = authorizedFarm(primary, "edge");
            TestFarmNode second = vouchedNode(primary, farm, "edge-2");

            TestPrimary.expect(200, primary.admin.delete(farm.path()));

            assertThat(farm.founder().heartbeat("SYNCHRONIZED").json().path("registration").asText()).isEqualTo("REMOVED");
            assertThat(second.heartbeat("SYNCHRONIZED").json().path("registration").asText()).isEqualTo("REMOVED");
            assertThat(second.events().status()).isEqualTo(403);
            RestClient.Response vouchWhileRemoved = farm.founder().vouchFor(TestFarmNode.create("edge-3", primary));
            assertThat(vouchWhileRemoved.status()).isEqualTo(409);
            assertThat(vouchWhileRemoved.firstError()).contains("restores");
            JsonNode removed = primary.admin.get(farm.path()).json();
            assertThat(removed.path("nodes").findValuesAsText("state")).containsOnly("REMOVED");

            TestPrimary.expect(200, primary.admin.post(farm.path() + "/restore", null));

            assertThat(farm.founder().heartbeat("SYNCHRONIZED").json().path("registration").asText())
                    .isEqualTo("INSTALLED");
            assertThat(second.heartbeat("SYNCHRONIZED").json().path("registration").asText()).isEqualTo("INSTALLED");
            TestPrimary.expect(200, second.events());
        }
    }

    @Test
    void anyNodeOfTheFarmReadsItsFarmsRequestAndNobodyElseDoes() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            Farm farm = authorizedFarm(primary, "edge");
            TestFarmNode second = vouchedNode(primary, farm, "edge-2");
            TestFarmNode leaving = vouchedNode(primary, farm, "edge-3");
            Farm south = authorizedFarm(primary, "south");
            TestFarmNode outsider = TestFarmNode.create("outsider", primary);
            TestPrimary.expect(200, primary.admin.delete(farm.path()));
            TestPrimary.expect(200, primary.admin.delete(farm.path() + "/nodes/" + leaving.id()));

            // The coordinator asks to be taken back, then leaves: the next oldest polls the same request as itself.
            String reconnect = TestPrimary.expect(201, farm.founder().requestFarmAuthorization(farm.id(), "edge",
                    BALANCER)).json().path("requestId").asText();
            assertThat(TestPrimary.expect(200, second.requestStatus(reconnect)).json().path("state").asText())
                    .isEqualTo("PENDING");

            RestClient.Response bySouth = south.founder().requestStatus(reconnect);
            assertThat(bySouth.status()).as("a node of another farm").isEqualTo(401);
            assertThat(bySouth.body()).doesNotContain("PENDING");
            assertThat(outsider.requestStatus(reconnect).status()).as("an outsider").isEqualTo(401);
            assertThat(leaving.requestStatus(reconnect).status()).as("a node an administrator removed").isEqualTo(401);
            String southsOwn = TestPrimary.expect(201, TestFarmNode.create("south-new", primary)
                    .requestFarmAuthorization(UUID.randomUUID().toString(), "west", BALANCER)).json().path("requestId")
                    .asText();
            assertThat(second.requestStatus(southsOwn).status()).as("another farm's request").isEqualTo(401);

            TestPrimary.expect(200, primary.admin.post(API + "/requests/" + reconnect + "/accept", null));
            JsonNode accepted = TestPrimary.expect(200, second.requestStatus(reconnect)).json();
            assertThat(accepted.path("state").asText()).isEqualTo("ACCEPTED");
            assertThat(accepted.path("upstreamInstanceId").asText()).isEqualTo(primary.instance.instanceId());
            assertThat(south.founder().requestStatus(reconnect).status()).isEqualTo(401);
            TestPrimary.expect(200, second.heartbeat("SYNCHRONIZED"));
        }
    }

    @Test
    void aNodeRemovedFromTheFarmReadsNoneOfItsRequestsAsAnOutsiderReadsNone() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            String farmId = UUID.randomUUID().toString();
            TestFarmNode founder = TestFarmNode.create("edge-1", primary);
            String first = TestPrimary.expect(201, founder.requestFarmAuthorization(farmId, "edge", BALANCER)).json()
                    .path("requestId").asText();
            TestPrimary.expect(200, primary.admin.post(API + "/requests/" + first + "/accept", null));
            Farm farm = new Farm(farmId, founder);
            TestFarmNode second = vouchedNode(primary, farm, "edge-2");
            TestPrimary.expect(200, primary.admin.delete(farm.path()));
            String reconnect = TestPrimary.expect(201, founder.requestFarmAuthorization(farmId, "edge", BALANCER))
                    .json().path("requestId").asText();
            TestFarmNode outsider = TestFarmNode.create("outsider", primary);

            TestPrimary.expect(200, primary.admin.delete(farm.path() + "/nodes/" + founder.id()));

            for (String request : List.of(first, reconnect)) {
                RestClient.Response removedNode = founder.requestStatus(request);
                RestClient.Response stranger = outsider.requestStatus(request);
                assertThat(removedNode.status()).as("the removed node that sent " + request).isEqualTo(401)
                        .isEqualTo(stranger.status());
                assertThat(removedNode.body()).doesNotContain("PENDING").doesNotContain("ACCEPTED");
                TestPrimary.expect(200, second.requestStatus(request));
            }
        }
    }

    @Test
    void aSingleMirrorsRequestUnderAFarmsIdNotYetRegisteredCannotKeepTheFarmOut() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            String farmId = UUID.randomUUID().toString();
            // Someone who read the farm's id on a node's page asks first, as a single mirror, with a key of their own.
            TestFarmNode squatter = TestFarmNode.claiming(farmId, "squatter", primary, work.resolve("squatter"));
            String squatted = TestPrimary.expect(201, squatter.requestSingleAuthorization("squatter", BALANCER))
                    .json().path("requestId").asText();
            TestPrimary.expect(200, primary.admin.post(API + "/requests/" + squatted + "/reject", null));

            TestFarmNode founder = TestFarmNode.create("edge-1", primary);
            String asked = TestPrimary.expect(201, founder.requestFarmAuthorization(farmId, "edge", BALANCER)).json()
                    .path("requestId").asText();
            TestPrimary.expect(200, primary.admin.post(API + "/requests/" + asked + "/accept", null));
            TestPrimary.expect(200, founder.heartbeat("SYNCHRONIZING"));
            assertThat(primary.admin.get(API + "/mirrorServers/" + farmId).json().path("mirrorType").asText())
                    .isEqualTo("FARM");
            assertThat(squatter.heartbeat("SYNCHRONIZING").status()).as("the farm's id is its nodes' now").isEqualTo(401);
            assertThat(squatter.requestSingleAuthorization("squatter", BALANCER).status()).isEqualTo(409);
        }
    }

    @Test
    void aBrandNewFarmWhoseAskingNodeLeftAsksAgainThroughAnotherNode() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            String farmId = UUID.randomUUID().toString();
            TestFarmNode gone = TestFarmNode.create("edge-1", primary);
            TestFarmNode survivor = TestFarmNode.create("edge-2", primary);
            String firstAsk = TestPrimary.expect(201, gone.requestFarmAuthorization(farmId, "edge", BALANCER)).json()
                    .path("requestId").asText();
            assertThat(survivor.requestStatus(firstAsk).status()).as("nothing ties the survivor to the farm yet")
                    .isEqualTo(401);

            RestClient.Response askedAgain = TestPrimary.expect(201,
                    survivor.requestFarmAuthorization(farmId, "edge", BALANCER));
            String secondAsk = askedAgain.json().path("requestId").asText();
            assertThat(secondAsk).isNotEqualTo(firstAsk);
            assertThat(primary.admin.get(API + "/requests?state=PENDING").json().path("values")
                    .findValuesAsText("mirrorId")).containsExactly(farmId, farmId);

            TestPrimary.expect(200, primary.admin.post(API + "/requests/" + secondAsk + "/accept", null));
            assertThat(TestPrimary.expect(200, survivor.requestStatus(secondAsk)).json().path("state").asText())
                    .isEqualTo("ACCEPTED");
            TestPrimary.expect(200, survivor.heartbeat("SYNCHRONIZING"));
            assertThat(primary.admin.post(API + "/requests/" + firstAsk + "/accept", null).status())
                    .as("once accepted, the farm is bound to its registered nodes' keys").isEqualTo(409);
            assertThat(gone.heartbeat("SYNCHRONIZING").status()).isEqualTo(401);
            assertThat(primary.admin.get(API + "/mirrorServers/" + farmId).json().path("nodes").findValuesAsText("id"))
                    .containsExactly(survivor.id());
        }
    }

    @Test
    void aNodeAnAdministratorRemovesIsRefusedAtOnceWhileTheFarmServesOn() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            Farm farm = authorizedFarm(primary, "edge");
            TestFarmNode second = vouchedNode(primary, farm, "edge-2");

            JsonNode after = TestPrimary.expect(200, primary.admin.delete(farm.path() + "/nodes/" + second.id())).json();
            assertThat(after.path("nodes").findValuesAsText("id")).containsExactly(farm.founder().id());
            assertThat(second.heartbeat("SYNCHRONIZED").status()).isEqualTo(401);
            assertThat(second.events().status()).isEqualTo(401);
            assertThat(second.fetchToken().status()).isEqualTo(401);
            assertThat(second.requestFarmAuthorization(farm.id(), "edge", BALANCER).status())
                    .as("a removed node cannot ask its way back in").isEqualTo(409);
            assertThat(auditDetails(primary, "NODE_REMOVE")).anySatisfy(details ->
                    assertThat(details).contains(second.id()).contains(second.keyFingerprint()));
            TestPrimary.expect(200, farm.founder().heartbeat("SYNCHRONIZED"));

            // The node whose request was accepted is no different: its old request binds nothing once removed.
            TestFarmNode third = vouchedNode(primary, farm, "edge-3");
            TestPrimary.expect(200, primary.admin.delete(farm.path() + "/nodes/" + farm.founder().id()));
            assertThat(farm.founder().heartbeat("SYNCHRONIZED").status()).isEqualTo(401);
            assertThat(farm.founder().vouchFor(second).status()).isEqualTo(401);
            TestPrimary.expect(200, third.heartbeat("SYNCHRONIZED"));
            assertThat(primary.admin.delete(farm.path() + "/nodes/" + farm.founder().id()).status()).isEqualTo(404);
        }
    }

    @Test
    void aSingleMirrorCannotVouchAndListsItselfAsItsOneNode() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            TestFarmNode single = TestFarmNode.create("lone", primary);
            RestClient.Response asked = TestPrimary.expect(201, single.requestSingleAuthorization("Lone mirror",
                    "http://lone.example.com:7990"));
            TestPrimary.expect(200, primary.admin.post(API + "/requests/" + asked.json().path("requestId").asText()
                    + "/accept", null));

            RestClient.Response vouch = single.vouchFor(TestFarmNode.create("friend", primary));
            assertThat(vouch.status()).isEqualTo(403);
            assertThat(vouch.json().path("errors").path(0).path("exceptionName").asText()).isEqualTo("PermissionDenied");

            TestPrimary.expect(200, single.heartbeat("SYNCHRONIZED"));
            JsonNode server = primary.admin.get(API + "/mirrorServers/" + single.id()).json();
            assertThat(server.path("mirrorType").asText()).isEqualTo("SINGLE");
            assertThat(server.path("nodes")).hasSize(1);
            JsonNode itself = nodeOf(server, single.id());
            assertThat(itself.path("url").asText()).isEqualTo("http://lone.example.com:7990");
            assertThat(itself.path("address").path("address").asText()).isEqualTo("lone.example.com");
            assertThat(itself.path("state").asText()).isEqualTo("SYNCHRONIZED");

            Farm farm = authorizedFarm(primary, "edge");
            assertThat(farm.founder().vouchFor(new FarmNodeDescription(single.id(), "lone", single.url,
                    single.identity.publicKeyJwk())).status()).as("a registered mirror's id is no farm node's")
                    .isEqualTo(409);
            assertThat(single.requestFarmAuthorization(single.id(), "lone", BALANCER).status())
                    .as("a single mirror cannot turn itself into a farm under its id").isEqualTo(409);
            assertThat(farm.founder().requestSingleAuthorization("sneaky", "http://sneaky.example.com:7990").status())
                    .as("a farm's node cannot ask as a single mirror under its node id").isEqualTo(409);
        }
    }

    @Test
    void nodesAreShownOfflineAfterTheirSilenceOnTheRestApiAndTheConsole() throws Exception {
        AdjustableClock clock = new AdjustableClock();
        try (TestPrimary primary = TestPrimary.startWithClock(work.resolve("primary"), clock)) {
            String farmId = UUID.randomUUID().toString();
            TestFarmNode founder = TestFarmNode.create("edge-1", primary, clock);
            TestFarmNode silent = TestFarmNode.create("edge-2", primary, clock);
            TestPrimary.expect(200, primary.admin.post(API + "/requests/" + TestPrimary.expect(201,
                    founder.requestFarmAuthorization(farmId, "Edge farm", BALANCER)).json().path("requestId").asText()
                    + "/accept", null));
            TestPrimary.expect(201, founder.vouchFor(silent));
            TestPrimary.expect(200, founder.heartbeat("SYNCHRONIZED"));
            TestPrimary.expect(200, silent.heartbeat("SYNCHRONIZED"));

            clock.advance(MirrorRegistry.OFFLINE_AFTER.plusSeconds(5));
            TestPrimary.expect(200, founder.heartbeat("SYNCHRONIZED"));

            JsonNode farm = primary.admin.get(API + "/mirrorServers/" + farmId).json();
            assertThat(nodeOf(farm, founder.id()).path("state").asText()).isEqualTo("SYNCHRONIZED");
            assertThat(nodeOf(farm, silent.id()).path("state").asText()).isEqualTo("OFFLINE");
            assertThat(farm.path("state").asText()).as("the farm is heard from through its other node")
                    .isEqualTo("SYNCHRONIZED");
            JsonNode listed = primary.admin.get(API + "/mirrorServers").json().path("values").get(0);
            assertThat(listed.path("mirrorType").asText()).isEqualTo("FARM");
            assertThat(nodeOf(listed, silent.id()).path("state").asText()).isEqualTo("OFFLINE");

            try (Browser browser = new Browser(work.resolve("browser"))) {
                browser.open(primary.baseUrl() + "/admin/mirrors");
                browser.signIn("admin", TestPrimary.ADMIN_PASSWORD);
                browser.awaitText("h1", "Mirrors");
                String farmRow = "tr[data-mirror-id='" + farmId + "']";
                assertThat(browser.text(farmRow + " [data-field=type]")).isEqualTo("farm of 2 nodes");
                assertThat(browser.text(farmRow + " tr[data-node-id='" + founder.id() + "'] [data-field=nodeState]"))
                        .isEqualTo("Synchronized");
                assertThat(browser.text(farmRow + " tr[data-node-id='" + silent.id() + "'] [data-field=nodeState]"))
                        .isEqualTo("Offline");
            }
        }
    }

    @Test
    void badFarmRequestsAndBodiesGetAClearClientError() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            TestFarmNode node = TestFarmNode.create("edge-1", primary);
            String farmId = UUID.randomUUID().toString();
            var request = new dev.facet.core.mirror.protocol.AuthorizationRequest(farmId, "edge", BALANCER,
                    node.identity.publicKeyJwk(), dev.facet.core.mirror.MirrorType.FARM, null);
            expectClientError(node.post(API + "/requests", request), 400, "node");
            InstanceIdentity other = InstanceIdentity.generate(new SecureRandom());
            expectClientError(node.post(API + "/requests", new dev.facet.core.mirror.protocol.AuthorizationRequest(
                    farmId, "edge", BALANCER, node.identity.publicKeyJwk(), dev.facet.core.mirror.MirrorType.FARM,
                    new FarmNodeDescription(node.id(), "edge-1", node.url, other.publicKeyJwk()))), 400,
                    "node.publicKey");
            expectClientError(node.post(API + "/requests", new dev.facet.core.mirror.protocol.AuthorizationRequest(
                    node.id(), "edge", BALANCER, node.identity.publicKeyJwk(), dev.facet.core.mirror.MirrorType.SINGLE,
                    node.description())), 400, "node");
            expectClientError(node.post(API + "/requests", new dev.facet.core.mirror.protocol.AuthorizationRequest(
                    "not-an-id", "edge", BALANCER, node.identity.publicKeyJwk(), dev.facet.core.mirror.MirrorType.FARM,
                    node.description())), 400, "mirrorId");
            expectClientError(node.post(API + "/requests", new dev.facet.core.mirror.protocol.AuthorizationRequest(
                    farmId, "edge", BALANCER, node.identity.publicKeyJwk(), dev.facet.core.mirror.MirrorType.FARM,
                    new FarmNodeDescription(node.id(), "edge-1", "ftp://10.0.0.1", node.identity.publicKeyJwk()))),
                    400, "node.url");

            Farm farm = authorizedFarm(primary, "edge");
            expectClientError(farm.founder().send("POST", API + "/nodes", "{not json"), 400, null);
            expectClientError(farm.founder().send("POST", API + "/nodes", "[]"), 400, null);
            TestFarmNode joiner = TestFarmNode.create("edge-2", primary);
            expectClientError(farm.founder().vouchFor(new FarmNodeDescription(joiner.id(), "edge-2", null,
                    joiner.identity.publicKeyJwk())), 400, "url");
            expectClientError(farm.founder().vouchFor(new FarmNodeDescription("../../etc", "edge-2", joiner.url,
                    joiner.identity.publicKeyJwk())), 400, "id");
            expectClientError(farm.founder().vouchFor(new FarmNodeDescription(joiner.id(), "edge-2", joiner.url,
                    "{\"kty\":\"RSA\"}")), 400, "publicKey");
            expectClientError(farm.founder().vouchFor(new FarmNodeDescription(joiner.id(), "", joiner.url,
                    joiner.identity.publicKeyJwk())), 400, "name");
            expectClientError(primary.admin.delete(farm.path() + "/nodes/" + joiner.id()), 404, "nodeId");
            expectClientError(primary.anonymous.delete(farm.path() + "/nodes/" + farm.founder().id()), 401, null);
            assertThat(primary.admin.get(farm.path()).json().path("nodes")).hasSize(1);
        }
    }

    @Test
    void aServedStateReportWithAHoleInItIsAClearClientError() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            Farm farm = authorizedFarm(primary, "edge");
            for (String body : List.of("{\"repositories\":[null]}", "{\"repositories\":[{\"id\":1}]}",
                    "{\"repositories\":[{\"id\":1,\"refsHash\":\"nope\"}]}")) {
                RestClient.Response answer = farm.founder().send("POST", API + "/served", body);
                assertThat(answer.status()).as(body + ": " + answer.body()).isEqualTo(400);
            }
        }
    }

    @Test
    void aFarmTakesAtMostItsCapOfNodes() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            Farm farm = authorizedFarm(primary, "edge");
            for (int i = 2; i <= MirrorAdmission.MAX_NODES_PER_FARM; i++) {
                vouchedNode(primary, farm, "edge-" + i);
            }

            RestClient.Response oneTooMany = farm.founder().vouchFor(TestFarmNode.create("edge-extra", primary));

            expectClientError(oneTooMany, 409, "node");
            assertThat(oneTooMany.firstError()).contains(MirrorAdmission.MAX_NODES_PER_FARM + " nodes");
            assertThat(primary.admin.get(farm.path()).json().path("nodes"))
                    .hasSize(MirrorAdmission.MAX_NODES_PER_FARM);
        }
    }

    private static void expectClientError(RestClient.Response response, int status, String context) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        JsonNode error = response.json().path("errors").path(0);
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.has("exceptionName")).isTrue();
        if (context != null) {
            assertThat(error.path("context").asText()).isEqualTo(context);
        }
    }
}
