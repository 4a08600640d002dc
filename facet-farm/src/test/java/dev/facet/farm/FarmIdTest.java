package dev.facet.farm;

import static dev.facet.farm.FarmClusterTest.freePort;
import static dev.facet.farm.FarmClusterTest.node;
import static dev.facet.farm.FarmClusterTest.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FarmIdTest {
    @TempDir
    Path homes;

    @Test
    void theFirstNodeMakesTheIdAndEveryNodeKeepsTheSame() throws IOException {
        int first = freePort();
        int second = freePort();
        List<String> members = List.of("127.0.0.1:" + first, "127.0.0.1:" + second);
        Path homeA = Files.createDirectories(homes.resolve("a"));
        Path homeB = Files.createDirectories(homes.resolve("b"));
        try (FarmCluster a = FarmCluster.join(settings("ids", first, members), node("node-a"));
             FarmCluster b = FarmCluster.join(settings("ids", second, members), node("node-b"))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> b.liveNodeIds().size() == 2);

            String made = FarmId.agree(a, homeA, () -> "farm-1");
            String joined = FarmId.agree(b, homeB, () -> "farm-2");

            assertThat(made).isEqualTo("farm-1");
            assertThat(joined).as("a joining node takes the farm's id, not one of its own").isEqualTo("farm-1");
            assertThat(Files.readString(homeB.resolve(FarmId.FILE)).strip()).isEqualTo("farm-1");
        }
    }

    @Test
    void aRestartedFarmTakesTheIdItsHomesKept() throws IOException {
        Path home = Files.createDirectories(homes.resolve("kept"));
        Files.writeString(home.resolve(FarmId.FILE), "farm-kept\n");
        int port = freePort();
        try (FarmCluster alone = FarmCluster.join(settings("kept", port, List.of("127.0.0.1:" + port)),
                node("node-a"))) {
            assertThat(FarmId.agree(alone, home, () -> "farm-new")).isEqualTo("farm-kept");
        }
    }

    @Test
    void aNodeOfAnotherFarmRefusesToJoin() throws IOException {
        int first = freePort();
        int second = freePort();
        List<String> members = List.of("127.0.0.1:" + first, "127.0.0.1:" + second);
        Path homeA = Files.createDirectories(homes.resolve("a"));
        Path stranger = Files.createDirectories(homes.resolve("stranger"));
        Files.writeString(stranger.resolve(FarmId.FILE), "farm-other\n");
        try (FarmCluster a = FarmCluster.join(settings("mixed", first, members), node("node-a"));
             FarmCluster b = FarmCluster.join(settings("mixed", second, members), node("node-b"))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> b.liveNodeIds().size() == 2);
            FarmId.agree(a, homeA, () -> "farm-1");

            assertThatThrownBy(() -> FarmId.agree(b, stranger, () -> "unused"))
                    .isInstanceOf(FarmMismatch.class)
                    .hasMessageContaining("farm-other").hasMessageContaining("farm-1").hasMessageContaining("'mixed'");
            assertThat(Files.readString(stranger.resolve(FarmId.FILE)).strip()).as("its home is left as it was")
                    .isEqualTo("farm-other");
        }
    }
}
