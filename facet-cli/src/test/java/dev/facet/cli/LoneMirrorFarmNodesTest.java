package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A lone mirror runs no cluster, and {@code GET farmNodes} lists it alone. */
class LoneMirrorFarmNodesTest {
    @TempDir
    Path home;

    @Test
    void aLoneMirrorListsItselfAsItsOnlyNode() {
        // Nothing answers at the upstream: listing the nodes needs no primary.
        try (TestMirror mirror = TestMirror.start(home.resolve("lone"), "http://127.0.0.1:" + TestFarm.freePort(),
                Map.of())) {
            JsonNode nodes = mirror.anonymous.get("/rest/mirroring/latest/farmNodes").json();

            assertThat(nodes).hasSize(1);
            JsonNode self = nodes.get(0);
            assertThat(self.path("id").asText()).isEqualTo(mirror.instance.instanceId());
            assertThat(self.path("name").asText()).isEqualTo("lone");
            assertThat(self.path("local").asBoolean()).isTrue();
            assertThat(self.path("address").path("port").asInt()).isEqualTo(URI.create(mirror.baseUrl()).getPort());
            assertThat(Path.of(mirror.home.toString(), dev.facet.farm.FarmId.FILE)).doesNotExist();
        }
    }
}
