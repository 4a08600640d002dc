package dev.facet.farm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FarmClusterTest {
    /**
     * A port free now, below the kernel's range of ephemeral ports: these ports are named before they are bound
     * (in a farm's member list, a balancer's configuration), and a port from the ephemeral range can meanwhile be
     * taken by any outgoing connection, such as one member's connection to another.
     */
    static int freePort() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(12_000);
            try (ServerSocket socket = new ServerSocket(port)) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // another listener has it: try another
            }
        }
        throw new IllegalStateException("No free port found between 20000 and 32000");
    }

    static FarmCluster.NodeIdentity node(String id) {
        return new FarmCluster.NodeIdentity(id, id + "-name", "{\"kty\":\"OKP\"}", "test");
    }

    static FarmCluster.Settings settings(String farm, int port, List<String> members) {
        return new FarmCluster.Settings(farm, "127.0.0.1", port, members);
    }

    @Test
    void membersJoinByTheListAndTheOldestCoordinates() throws IOException {
        int first = freePort();
        int second = freePort();
        List<String> members = List.of("127.0.0.1:" + first, "127.0.0.1:" + second);
        try (FarmCluster a = FarmCluster.join(settings("test", first, members), node("node-a"));
             FarmCluster b = FarmCluster.join(settings("test", second, members), node("node-b"))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> a.liveNodeIds().size() == 2 && b.liveNodeIds().size() == 2);

            assertThat(a.isCoordinator()).isTrue();
            assertThat(b.isCoordinator()).isFalse();
            assertThat(b.nodes()).extracting(FarmCluster.Node::id).containsExactly("node-a", "node-b");
            a.publishUrl("http://127.0.0.1:1");
            assertThat(b.node("node-a")).get().extracting(FarmCluster.Node::url).isEqualTo("http://127.0.0.1:1");
            assertThat(b.node("node-a")).get().extracting(FarmCluster.Node::port).isEqualTo(first);

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
        try (FarmCluster a = FarmCluster.join(settings("east", first, members), node("node-a"));
             FarmCluster b = FarmCluster.join(settings("west", second, members), node("node-b"))) {
            assertThat(a.liveNodeIds()).containsExactly("node-a");
            assertThat(b.liveNodeIds()).containsExactly("node-b");
            assertThat(b.isCoordinator()).isTrue();
        }
    }
}
