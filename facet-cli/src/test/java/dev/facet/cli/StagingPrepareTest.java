package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.primary.StagingPreparation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A copied production home is made safe for staging in one step, and a copy that was not is pointed to that step. */
class StagingPrepareTest {
    @TempDir
    Path work;

    @Test
    void preparedCopyListsNoMirrorsAndHasANewIdentity() throws IOException {
        Path production = work.resolve("production");
        String productionId;
        try (TestPrimary primary = TestPrimary.start(production);
             TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary)) {
            productionId = primary.instance.instanceId();
            assertThat(primary.admin.get("/rest/mirroring/latest/mirrorServers").json().path("values")).hasSize(1);
        }
        Path staging = work.resolve("staging");
        TestFiles.copyTree(production, staging);
        String productionHostKey = SshKeyPair.hostKeyOf(production.resolve("keys").resolve("ssh_host_ed25519_key"));
        String productionRsaKey = SshKeyPair.hostKeyOf(production.resolve("keys").resolve("ssh_host_rsa_key"));

        try (TestPrimary unprepared = TestPrimary.start(staging)) {
            assertThat(StagingPreparation.copyWarning(unprepared.instance.store(), "http://staging.example.com"))
                    .hasValueSatisfying(w -> assertThat(w).contains("staging-prepare").contains("1 mirror"));
        }

        FacetRun prepare = FacetRun.of("staging-prepare", "--home", staging.toString(),
                "--base-url", "http://staging.example.com:7990");
        assertThat(prepare.exit()).isZero();
        assertThat(prepare.out()).contains("mirror registrations removed: 1")
                .contains(productionId + " -> ").contains("SSH host keys: removed");

        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        // The prepared facet.properties names the staging host; here it answers on loopback.
        try (TestPrimary prepared = TestPrimary.start(staging, null, java.util.Map.of("FACET_PORT",
                Integer.toString(port), "FACET_BASE_URL", "http://localhost:" + port))) {
            assertThat(prepared.instance.instanceId()).isNotEqualTo(productionId);
            assertThat(prepared.admin.get("/rest/mirroring/latest/mirrorServers").json().path("values")).isEmpty();
            assertThat(prepared.admin.get("/rest/mirroring/latest/requests").json().path("values")).isEmpty();
            assertThat(prepared.admin.get("/rest/mirroring/latest/instance").json().path("id").asText())
                    .isEqualTo(prepared.instance.instanceId());
            assertThat(Files.readString(staging.resolve("facet.properties")))
                    .contains("facet.base-url=http://staging.example.com:7990");
            assertThat(SshKeyPair.hostKeyOf(staging.resolve("keys").resolve("ssh_host_ed25519_key")))
                    .isNotEqualTo(productionHostKey);
            assertThat(SshKeyPair.hostKeyOf(staging.resolve("keys").resolve("ssh_host_rsa_key")))
                    .isNotEqualTo(productionRsaKey);
        }
    }

    @Test
    void preparedCopyForgetsProductionFarmsAndRefusesEveryOneOfTheirNodes() throws IOException {
        Path production = work.resolve("production");
        String productionId;
        TestFarmNode founder;
        TestFarmNode joiner;
        try (TestPrimary primary = TestPrimary.start(production)) {
            productionId = primary.instance.instanceId();
            founder = TestFarmNode.create("edge-1", primary);
            String farmId = java.util.UUID.randomUUID().toString();
            String request = TestPrimary.expect(201, founder.requestFarmAuthorization(farmId, "edge",
                    "http://farm.example.com:7990")).json().path("requestId").asText();
            TestPrimary.expect(200, primary.admin.post("/rest/mirroring/latest/requests/" + request + "/accept", null));
            joiner = TestFarmNode.create("edge-2", primary);
            TestPrimary.expect(201, founder.vouchFor(joiner));
        }
        Path staging = work.resolve("staging");
        TestFiles.copyTree(production, staging);

        FacetRun prepare = FacetRun.of("staging-prepare", "--home", staging.toString(),
                "--base-url", "http://staging.example.com:7990");
        assertThat(prepare.exit()).isZero();
        assertThat(prepare.out()).contains("mirror registrations removed: 1").contains("farm nodes removed: 2");

        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (TestPrimary prepared = TestPrimary.start(staging, null, java.util.Map.of("FACET_PORT",
                Integer.toString(port), "FACET_BASE_URL", "http://localhost:" + port))) {
            assertThat(prepared.admin.get("/rest/mirroring/latest/mirrorServers").json().path("values")).isEmpty();
            int nodesLeft = prepared.instance.store().inTransaction(tx -> tx.farmNodes().deleteAll());
            assertThat(nodesLeft).isZero();
            for (TestFarmNode node : java.util.List.of(founder, joiner)) {
                String heartbeat = "{\"state\":\"SYNCHRONIZED\",\"repositoriesInSync\":0,\"repositoriesBehind\":0}";
                RestClient.Response asProduction = onCopy(prepared, node).sendTo(productionId, "POST",
                        "/rest/mirroring/latest/heartbeat", heartbeat);
                assertThat(asProduction.status()).as("signed for production, sent to the copy").isEqualTo(401);
                RestClient.Response asCopy = onCopy(prepared, node).send("POST", "/rest/mirroring/latest/heartbeat",
                        heartbeat);
                assertThat(asCopy.status()).as("the copy knows no production node's key").isEqualTo(401);
                assertThat(asCopy.firstError()).containsIgnoringCase("key");
            }
        }
    }

    /** The same node (id and key), now talking to the staging copy. */
    private static TestFarmNode onCopy(TestPrimary copy, TestFarmNode node) {
        return node.talkingTo(copy);
    }
}
