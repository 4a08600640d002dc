package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lone mirror runs no cluster, and {@code GET farmNodes} lists it alone, to an administrator of
 * its primary only.
 */
class LoneMirrorFarmNodesTest {
    private static final String FARM_NODES = "/rest/mirroring/latest/farmNodes";

    @TempDir
    Path home;

    @Test
    void aLoneMirrorListsItselfAsItsOnlyNodeToAnAdministrator() {
        try (TestPrimary primary = TestPrimary.start(home.resolve("primary"));
             TestMirror mirror = TestMirror.startAuthorized(home.resolve("lone"), primary)) {
            primary.createUser("alice", "alice-pass-1");

            JsonNode nodes = TestPrimary.expect(200, mirror.anonymous.as("admin", TestPrimary.ADMIN_PASSWORD)
                    .get(FARM_NODES)).json();

            assertThat(nodes).hasSize(1);
            JsonNode self = nodes.get(0);
            assertThat(self.path("id").asText()).isEqualTo(mirror.instance.instanceId());
            assertThat(self.path("local").asBoolean()).isTrue();
            assertThat(self.path("address").path("port").asInt()).isEqualTo(URI.create(mirror.baseUrl()).getPort());
            assertThat(Path.of(mirror.home.toString(), dev.facet.farm.FarmId.FILE)).doesNotExist();

            RestClient.Response anonymous = mirror.anonymous.get(FARM_NODES);
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.body()).doesNotContain(mirror.instance.instanceId());
            RestClient.Response user = mirror.anonymous.as("alice", "alice-pass-1").get(FARM_NODES);
            assertThat(user.status()).isEqualTo(403);
            assertThat(user.body()).doesNotContain(mirror.instance.instanceId());
        }
    }

    @Test
    void aMirrorWithNoUpstreamToAskAnswersNotFound() {
        // Nothing answers at the upstream: nobody can be checked, so nobody is shown the node.
        try (TestMirror mirror = TestMirror.start(home.resolve("lone"), "http://127.0.0.1:" + TestFarm.freePort(),
                Map.of())) {
            RestClient.Response answer = mirror.anonymous.as("admin", TestPrimary.ADMIN_PASSWORD).get(FARM_NODES);

            assertThat(answer.status()).isEqualTo(404);
            assertThat(answer.body()).contains("not installed").doesNotContain(mirror.instance.instanceId());
        }
    }
}
