package dev.facet.farm;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * This node's membership of its farm: an embedded Hazelcast member that joins the listed members
 * over TCP on the farm's private network (no multicast, no discovery, no phone-home). Hazelcast's
 * open-source edition has no consensus subsystem, so nothing here elects by lock: the coordinator
 * is the oldest member, which every member computes alike from the same member list.
 */
public final class FarmCluster implements AutoCloseable {
    /** The member attribute that names the Facet node (its instance id) behind a Hazelcast member. */
    static final String NODE_ID = "facet.node.id";
    static final String NODE_NAME = "facet.node.name";
    /** The member attribute with the node's public key (a JWK), which a trusted node vouches for. */
    static final String NODE_KEY = "facet.node.key";
    static final String NODE_VERSION = "facet.node.version";
    /**
     * Each node's own URL on the farm's network (not the load balancer's), by node id: known only
     * once its web server listens, after it joined, so it cannot be a member attribute.
     */
    static final String NODE_URLS = "facet-farm-node-urls";

    /**
     * Where this node listens for its peers and whom it joins.
     *
     * @param name    the farm's name; members with another name never join this farm
     * @param address the address peers reach this node at (and the one it binds)
     * @param port    the farm port
     * @param members {@code HOST:PORT} of the farm's members, this one included or not
     */
    public record Settings(String name, String address, int port, List<String> members) {
        public Settings {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(address, "address");
            members = List.copyOf(members);
        }
    }

    /**
     * A node of the farm as the cluster sees it now: its URL (null until it serves), its farm
     * address, its public key, and whether it is the coordinator or this very node.
     */
    public record Node(String id, String name, String url, String host, int port, String publicKey, String version,
                       boolean coordinator, boolean local) {
    }

    /** Who a node is, as it joins: its instance id, name, public key (a JWK) and Facet version. */
    public record NodeIdentity(String id, String name, String publicKey, String version) {
        public NodeIdentity {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(publicKey, "publicKey");
            Objects.requireNonNull(version, "version");
        }
    }

    private final HazelcastInstance hazelcast;
    private final Settings settings;
    private final String nodeId;

    private FarmCluster(HazelcastInstance hazelcast, Settings settings, String nodeId) {
        this.hazelcast = hazelcast;
        this.settings = settings;
        this.nodeId = nodeId;
    }

    /**
     * Starts this node's member and joins the farm; returns once it is a member (alone, when no
     * listed member answers).
     */
    public static FarmCluster join(Settings settings, NodeIdentity node) {
        return new FarmCluster(Hazelcast.newHazelcastInstance(config(settings, node)), settings, node.id());
    }

    static Config config(Settings settings, NodeIdentity node) {
        Config config = new Config();
        config.setClusterName("facet-farm-" + settings.name());
        config.setInstanceName("facet-farm-" + settings.name() + "-" + node.id());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        // The node's own shutdown leaves the cluster in order; a JVM hook would race it.
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        // A node killed without a goodbye is dropped within seconds, not the default minute.
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "6");
        // Members that start together find each other quickly; split halves merge within seconds.
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        config.setProperty("hazelcast.local.localAddress", settings.address());
        // When split halves merge, the higher published generation of a repository's refs wins.
        config.getMapConfig(PublishedRefs.REFS_MAP).getMergePolicyConfig()
                .setPolicy(HigherGenerationMergePolicy.class.getName());
        config.getMemberAttributeConfig().setAttribute(NODE_ID, node.id());
        config.getMemberAttributeConfig().setAttribute(NODE_NAME, node.name());
        config.getMemberAttributeConfig().setAttribute(NODE_KEY, node.publicKey());
        config.getMemberAttributeConfig().setAttribute(NODE_VERSION, node.version());
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.port()).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface(settings.address());
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());
        return config;
    }

    /** The Hazelcast member, for the farm's implementations of the mirror's roles in this package. */
    HazelcastInstance hazelcast() {
        return hazelcast;
    }

    /** This node's id: its mirror instance id. */
    public String nodeId() {
        return nodeId;
    }

    /** The farm's name, as every node was started with it. */
    public String farmName() {
        return settings.name();
    }

    /** Makes this node's own URL known to the farm, once its web server listens. */
    public void publishUrl(String url) {
        hazelcast.<String, String>getMap(NODE_URLS).put(nodeId, url);
    }

    /** The members this node was told to join ({@code HOST:PORT}), as its settings list them. */
    public List<String> listedMembers() {
        return settings.members();
    }

    /** Whether this node is the coordinator now: the oldest member. */
    public boolean isCoordinator() {
        return hazelcast.getLifecycleService().isRunning()
                && hazelcast.getCluster().getMembers().iterator().next().localMember();
    }

    /** The farm's nodes now, oldest first. */
    public List<Node> nodes() {
        Set<Member> members = hazelcast.getCluster().getMembers();
        Member oldest = members.iterator().next();
        Map<String, String> urls = hazelcast.getMap(NODE_URLS);
        return members.stream().map(member -> new Node(member.getAttribute(NODE_ID), member.getAttribute(NODE_NAME),
                urls.get(member.getAttribute(NODE_ID)), member.getAddress().getHost(), member.getAddress().getPort(),
                member.getAttribute(NODE_KEY), member.getAttribute(NODE_VERSION), member.equals(oldest),
                member.localMember())).toList();
    }

    /** The ids of the nodes that are members now. */
    public Set<String> liveNodeIds() {
        return hazelcast.getCluster().getMembers().stream().map(member -> member.getAttribute(NODE_ID))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The public key (a JWK) the member with node id {@code id} carries now; empty when no member has that id. */
    public Optional<String> memberKey(String id) {
        return hazelcast.getCluster().getMembers().stream().filter(member -> id.equals(member.getAttribute(NODE_ID)))
                .map(member -> member.getAttribute(NODE_KEY)).findFirst();
    }

    public Optional<Node> node(String id) {
        return nodes().stream().filter(node -> node.id().equals(id)).findFirst();
    }

    /** Calls {@code onChange} whenever a member joins or leaves, on a Hazelcast event thread. */
    public void onMembershipChange(Runnable onChange) {
        hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                onChange.run();
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                onChange.run();
            }
        });
    }

    /** Leaves the farm in order: the others drop this node from the barrier at once. */
    @Override
    public void close() {
        hazelcast.shutdown();
    }
}
