package dev.facet.farm;

import static dev.facet.farm.FarmClusterTest.freePort;
import static dev.facet.farm.FarmClusterTest.node;
import static dev.facet.farm.FarmClusterTest.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.hazelcast.map.MapInterceptor;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The farm's shared secrets, with real Hazelcast members: one per name for every node, also after a split heals. */
class FarmSecretTest {
    private final List<FarmCluster> started = new ArrayList<>();

    @AfterEach
    void leave() {
        started.forEach(FarmCluster::close);
    }

    private FarmCluster join(String farm, String id, int port, List<String> members) {
        FarmCluster cluster = FarmCluster.join(settings(farm, port, members), node(id));
        started.add(cluster);
        return cluster;
    }

    @Test
    void everyNodeGetsTheSecretTheFirstOfferedAndEachNameHasItsOwn() throws IOException {
        int first = freePort();
        int second = freePort();
        List<String> members = List.of("127.0.0.1:" + first, "127.0.0.1:" + second);
        FarmCluster a = join("secrets", "node-a", first, members);
        FarmCluster b = join("secrets", "node-b", second, members);
        await().atMost(Duration.ofSeconds(30)).until(() -> b.liveNodeIds().size() == 2);

        byte[] onA = FarmSecret.agree(a, FarmSecret.LFS_TRANSFER_TOKENS, new SecureRandom());
        assertThat(onA).hasSize(32);
        assertThat(FarmSecret.agree(b, FarmSecret.LFS_TRANSFER_TOKENS, new SecureRandom())).isEqualTo(onA);
        assertThat(FarmSecret.agree(b, FarmSecret.CREDENTIALS, new SecureRandom())).isNotEqualTo(onA);
    }

    @Test
    void halvesOfASplitFarmThatEachMadeASecretUseOneAgainAfterTheyMerge() throws IOException {
        String farm = "split-secrets-" + System.nanoTime();
        int portA = freePort();
        int portB = freePort();
        FarmCluster a = join(farm, "node-a", portA, List.of("127.0.0.1:" + portA));
        FarmCluster b = join(farm, "node-b", portB, List.of("127.0.0.1:" + portB));
        Supplier<byte[]> onA = FarmSecret.following(a, FarmSecret.LFS_TRANSFER_TOKENS, new SecureRandom(),
                Clock.systemUTC(), Duration.ofMillis(100));
        Supplier<byte[]> onB = FarmSecret.following(b, FarmSecret.LFS_TRANSFER_TOKENS, new SecureRandom(),
                Clock.systemUTC(), Duration.ofMillis(100));
        assertThat(onA.get()).as("each half made its own").isNotEqualTo(onB.get());

        // The network heals: a's member list now reaches b, and the split-brain handler merges the halves.
        a.hazelcast().getConfig().getNetworkConfig().getJoin().getTcpIpConfig().addMember("127.0.0.1:" + portB);
        await().atMost(Duration.ofSeconds(60)).until(() -> a.liveNodeIds().size() == 2 && b.liveNodeIds().size() == 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> java.util.Arrays.equals(onA.get(), onB.get()));
    }

    /** Holds every read of the farm's map until released: a member that answers slowly, or not at all. */
    static final class SlowMember implements MapInterceptor {
        private static final long serialVersionUID = 1L;
        static final CountDownLatch ANSWER = new CountDownLatch(1);

        @Override
        public Object interceptGet(Object value) {
            try {
                ANSWER.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }

        @Override
        public void afterGet(Object value) {
        }

        @Override
        public Object interceptPut(Object oldValue, Object newValue) {
            return null;
        }

        @Override
        public void afterPut(Object value) {
        }

        @Override
        public Object interceptRemove(Object removedValue) {
            return null;
        }

        @Override
        public void afterRemove(Object value) {
        }
    }

    @Test
    void aMemberThatDoesNotAnswerDoesNotStallTheReadersOfTheSecret() throws IOException {
        int port = freePort();
        FarmCluster a = join("slow-secrets-" + System.nanoTime(), "node-a", port, List.of("127.0.0.1:" + port));
        Supplier<byte[]> secret = FarmSecret.following(a, FarmSecret.LFS_TRANSFER_TOKENS, new SecureRandom(),
                Clock.systemUTC(), Duration.ofMillis(1));
        byte[] agreed = secret.get();
        a.hazelcast().getMap(FarmId.MAP).addInterceptor(new SlowMember());
        try {
            // Past the refresh time, again and again: every read answers at once with the secret it holds.
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                for (int i = 0; i < 20; i++) {
                    assertThat(secret.get()).isEqualTo(agreed);
                    Thread.sleep(5); // lets the refresh time pass, not a wait for the cluster
                }
            });
        } finally {
            SlowMember.ANSWER.countDown();
        }
    }
}
