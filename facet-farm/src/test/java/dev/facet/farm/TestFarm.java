package dev.facet.farm;

import static org.awaitility.Awaitility.await;

import dev.facet.core.tls.OutboundTrust;
import dev.facet.git.LocalDiskRepositoryStore;
import dev.facet.git.MirrorFetcher;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/** Farm nodes in one JVM: real Hazelcast members on 127.0.0.1, each with its repositories on disk. */
final class TestFarm implements AutoCloseable {
    static final Duration PATIENCE = Duration.ofSeconds(30);
    final List<Node> nodes = new ArrayList<>();

    /** One node: its membership, repositories, and the farm's parts under test. */
    static final class Node implements AutoCloseable {
        final String id;
        final FarmCluster cluster;
        final LocalDiskRepositoryStore repositories;
        final PublishedRefs published;
        final FarmRefUpdateBarrier barrier;
        final FarmReadGate gate;
        private final MirrorFetcher fetcher = new MirrorFetcher(OutboundTrust.jvmDefault(), Clock.systemUTC());
        private boolean closed;

        Node(String id, FarmCluster cluster, Path repositoriesDirectory, PublishedRefs.Settings settings) {
            this.id = id;
            this.cluster = cluster;
            this.repositories = new LocalDiskRepositoryStore(repositoriesDirectory);
            this.published = new PublishedRefs(cluster, repositories, Clock.systemUTC(), settings);
            this.barrier = new FarmRefUpdateBarrier(published);
            this.gate = new FarmReadGate(published);
            published.start();
        }

        /** Fetches the repository from {@code upstream} through the farm's barrier, as the sync engine does. */
        MirrorFetcher.Outcome sync(long repositoryId, Upstream upstream) throws Exception {
            return fetch(repositoryId, upstream, barrier.beginSync(repositoryId));
        }

        MirrorFetcher.Outcome fetch(long repositoryId, Upstream upstream, MirrorFetcher.BeforeRefsMove beforeRefsMove)
                throws Exception {
            if (!repositories.exists(repositoryId)) {
                repositories.create(repositoryId);
            }
            try (Repository repository = repositories.open(repositoryId)) {
                return fetcher.fetch(repository, upstream.url(), "unused-on-a-local-transport", advertised -> true,
                        beforeRefsMove);
            }
        }

        /** Fetches the objects of the upstream's state and leaves the refs where they are. */
        void fetchObjectsOnly(long repositoryId, Upstream upstream) throws Exception {
            fetch(repositoryId, upstream, target -> false);
        }

        CompletableFuture<MirrorFetcher.Outcome> syncInBackground(long repositoryId, Upstream upstream) {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return sync(repositoryId, upstream);
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
        }

        Map<String, ObjectId> refs(long repositoryId) {
            return repositories.exists(repositoryId) ? repositories.refs(repositoryId) : Map.of();
        }

        void ready() {
            published.markReady(true);
        }

        /** Leaves the farm in order, as a node that is stopped does. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                published.close();
                cluster.close();
            }
        }

        /** Stops at once, without handing its data over: what is left after a test needs no order. */
        void terminate() {
            if (!closed) {
                closed = true;
                published.close();
                cluster.hazelcast().getLifecycleService().terminate();
            }
        }
    }

    /** Starts {@code size} members of a farm of its own, and waits until each sees all the others. */
    static TestFarm start(Path directory, int size, PublishedRefs.Settings settings) throws IOException {
        return start(directory, size, settings, i -> "node-" + (char) ('a' + i));
    }

    /** As above, with each node's id from {@code nodeIds} (an instance id where a node signs for its peers). */
    static TestFarm start(Path directory, int size, PublishedRefs.Settings settings,
                          java.util.function.IntFunction<String> nodeIds) throws IOException {
        String name = "test-" + UUID.randomUUID();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports.add(FarmClusterTest.freePort());
        }
        List<String> members = ports.stream().map(port -> "127.0.0.1:" + port).toList();
        TestFarm farm = new TestFarm();
        // One after the other: members that start together elect masters apart and merge later, which is slower.
        for (int i = 0; i < size; i++) {
            String nodeId = nodeIds.apply(i);
            FarmCluster cluster = FarmCluster.join(new FarmCluster.Settings(name, "127.0.0.1", ports.get(i), members),
                    new FarmCluster.NodeIdentity(nodeId, nodeId, "key-" + nodeId, "test"));
            farm.nodes.add(new Node(nodeId, cluster, directory.resolve(nodeId), settings));
        }
        await().atMost(PATIENCE).until(() -> farm.nodes.stream().allMatch(node -> node.cluster.liveNodeIds().size() == size));
        return farm;
    }

    Node node(int index) {
        return nodes.get(index);
    }

    /** Waits until every node counts the ready nodes alike. */
    void awaitRequired(java.util.Set<String> required) {
        await().atMost(PATIENCE).until(() -> nodes.stream().filter(node -> !node.closed)
                .allMatch(node -> node.published.requiredHolders().equals(required)));
    }

    @Override
    public void close() {
        nodes.forEach(Node::terminate);
    }
}
