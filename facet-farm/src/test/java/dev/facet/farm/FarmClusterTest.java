package dev.facet.farm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FarmClusterTest {
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void membersJoinByTheListAndTheOldestCoordinates() throws IOException {
        int first = freePort();
        int second = freePort();
        List<String> members = List.of("127.0.0.1:" + first, "127.0.0.1:" + second);
        try (FarmCluster a = FarmCluster.join(new FarmCluster.Settings("test", "127.0.0.1", first, members), "node-a",
                "a", "http://127.0.0.1:1");
             FarmCluster b = FarmCluster.join(new FarmCluster.Settings("test", "127.0.0.1", second, members), "node-b",
                     "b", "http://127.0.0.1:2")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> a.liveNodeIds().size() == 2 && b.liveNodeIds().size() == 2);

            assertThat(a.isCoordinator()).isTrue();
            assertThat(b.isCoordinator()).isFalse();
            assertThat(b.nodes()).extracting(FarmCluster.Node::id).containsExactly("node-a", "node-b");
            assertThat(b.node("node-a")).get().extracting(FarmCluster.Node::url).isEqualTo("http://127.0.0.1:1");

            a.close();
            await().atMost(Duration.ofSeconds(30)).until(() -> b.liveNodeIds().equals(java.util.Set.of("node-b")));
            assertThat(b.isCoordinator()).as("the next oldest takes over").isTrue();
        }
    }

    @Test
    void aFarmOfAnotherNameIsNotJoined() throws IOException {
        int first = freePort();
        int second = freePort();
        List<String> members = List.of("127.0.0.1:" + first, "127.0.0.1:" + second);
        try (FarmCluster a = FarmCluster.join(new FarmCluster.Settings("east", "127.0.0.1", first, members), "node-a",
                "a", "http://127.0.0.1:1");
             FarmCluster b = FarmCluster.join(new FarmCluster.Settings("west", "127.0.0.1", second, members), "node-b",
                     "b", "http://127.0.0.1:2")) {
            assertThat(a.liveNodeIds()).containsExactly("node-a");
            assertThat(b.liveNodeIds()).containsExactly("node-b");
            assertThat(b.isCoordinator()).isTrue();
        }
    }
}
