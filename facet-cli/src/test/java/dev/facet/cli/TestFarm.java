package dev.facet.cli;

import static org.awaitility.Awaitility.await;

import dev.facet.farm.FarmId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A mirror farm in this JVM: nodes on free ports with fresh homes, joined on 127.0.0.1 under one
 * farm name, each serving under the same load-balancer URL (nothing listens there: tests call each
 * node at its own URL, as a balancer would).
 */
final class TestFarm implements AutoCloseable {
    final String name;
    final Path homes;
    final String upstreamUrl;
    final String loadBalancerUrl;
    private final List<String> members = new ArrayList<>();
    /** The members each node's home was started with, so that it can start again with the same settings. */
    private final Map<Path, List<String>> listedByHome = new HashMap<>();
    private final Map<Path, Integer> indexByHome = new HashMap<>();
    final List<Node> nodes = new ArrayList<>();

    /** One node of the farm, at its own URL. */
    record Node(Path home, MirrorInstance instance, RestClient anonymous) {
        String url() {
            return "http://127.0.0.1:" + instance.port();
        }

        String gitUrl(String user, String secret, String project, String slug) {
            return GitUrls.withCredentials(url(), user, secret, project, slug);
        }

        String upstreamState() {
            return anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("state").asText();
        }

        String requestId() {
            return anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("requestId").asText();
        }

        String status() {
            return anonymous.get("/status").json().path("state").asText();
        }

        /** How many members this node sees, as {@code /status} tells anyone. */
        int memberCount() {
            return anonymous.get("/status").json().path("memberCount").asInt(-1);
        }

        String farmId() {
            try {
                return Files.readString(home.resolve(FarmId.FILE)).strip();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void awaitStatus(String state) {
            await().atMost(Duration.ofSeconds(60)).until(() -> state.equals(status()));
        }
    }

    private TestFarm(String name, Path homes, String upstreamUrl, int memberCount) {
        this.name = name;
        this.homes = homes;
        this.upstreamUrl = upstreamUrl;
        this.loadBalancerUrl = "http://127.0.0.1:" + freePort();
        for (int i = 0; i < memberCount; i++) {
            members.add("127.0.0.1:" + freePort());
        }
    }

    /** A farm whose first {@code memberCount} listed members are started; more can join with {@link #join}. */
    static TestFarm start(Path homes, String upstreamUrl, String name, int memberCount,
                          Map<String, String> extraSettings) {
        TestFarm farm = new TestFarm(name, homes, upstreamUrl, memberCount);
        for (int i = 0; i < memberCount; i++) {
            farm.startNode(i, farm.members, extraSettings);
        }
        return farm;
    }

    /** Starts one more node, which lists the members started so far and itself. */
    Node join(Map<String, String> extraSettings) {
        List<String> listed = new ArrayList<>(members);
        listed.add("127.0.0.1:" + freePort());
        members.add(listed.get(listed.size() - 1));
        return startNode(listed.size() - 1, listed, extraSettings);
    }

    /** The {@code HOST:PORT} at which the node of {@code home} listens for its peers. */
    String memberOf(Path home) {
        return listedByHome.get(home).get(indexByHome.get(home));
    }

    /** Starts again a node stopped with {@link #stop}, with its home and the settings it had. */
    Node restart(Path home, Map<String, String> extraSettings) {
        return startNode(indexByHome.get(home), listedByHome.get(home), extraSettings);
    }

    private Node startNode(int index, List<String> listed, Map<String, String> extraSettings) {
        Path home = homes.resolve(name + "-node-" + (index + 1));
        listedByHome.put(home, listed);
        indexByHome.put(home, index);
        MirrorInstance instance;
        for (int attempt = 1; ; attempt++) {
            try {
                instance = MirrorInstance.start(MirrorSettings.load(home, flags(listed.get(index), listed,
                        extraSettings), Map.of()));
                break;
            } catch (RuntimeException e) {
                // The member port was free when picked, and another test (another fork) took it since: pick again.
                if (attempt == 3 || !portTaken(e)) {
                    throw e;
                }
                String moved = "127.0.0.1:" + freePort();
                if (members.get(index).equals(listed.get(index))) {
                    members.set(index, moved);
                }
                listed.set(index, moved);
            }
        }
        Node node = new Node(home, instance, null);
        Node served = new Node(node.home(), node.instance(), RestClient.anonymous(node.url()));
        nodes.add(served);
        return served;
    }

    /** The settings of a node listening for its peers at {@code member}. */
    Map<String, String> flags(String member, List<String> listed, Map<String, String> extraSettings) {
        Map<String, String> flags = new HashMap<>(extraSettings);
        flags.put(RawSettings.PORT, "0");
        flags.put(RawSettings.SSH_PORT, "0");
        flags.put(RawSettings.UPSTREAM_URL, upstreamUrl);
        flags.put(RawSettings.BASE_URL, loadBalancerUrl);
        flags.put(RawSettings.MIRROR_NAME, name + "-" + member.substring(member.lastIndexOf(':') + 1));
        flags.put(RawSettings.FARM_NAME, name);
        flags.put(RawSettings.FARM_PORT, member.substring(member.lastIndexOf(':') + 1));
        flags.put(RawSettings.FARM_MEMBERS, String.join(",", listed));
        return flags;
    }

    /** Has {@code primary}'s administrator accept the farm's one request, and waits until every node is ready. */
    void authorizeOn(TestPrimary primary) {
        await().atMost(Duration.ofSeconds(60)).until(() -> nodes.stream()
                .allMatch(node -> "PENDING".equals(node.upstreamState())));
        TestPrimary.expect(200, primary.admin.post("/rest/mirroring/latest/requests/" + nodes.get(0).requestId()
                + "/accept", null));
        nodes.forEach(node -> node.awaitStatus("SYNCHRONIZED"));
    }

    /** Stops a node as its operator would; the others see it leave. */
    void stop(Node node) {
        nodes.remove(node);
        node.instance().close();
    }

    List<String> members() {
        return List.copyOf(members);
    }

    private static boolean portTaken(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }

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

    @Override
    public void close() {
        for (Node node : List.copyOf(nodes)) {
            node.instance().close();
        }
    }
}
