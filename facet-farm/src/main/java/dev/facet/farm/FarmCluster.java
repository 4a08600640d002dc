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
    /** The member attribute with the node's own URL on the farm's network (not the load balancer's). */
    static final String NODE_URL = "facet.node.url";
    static final String NODE_NAME = "facet.node.name";

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

    /** A node of the farm as the cluster sees it now. */
    public record Node(String id, String name, String url, String address, boolean coordinator) {
    }

    private final HazelcastInstance hazelcast;
    private final String nodeId;

    private FarmCluster(HazelcastInstance hazelcast, String nodeId) {
        this.hazelcast = hazelcast;
        this.nodeId = nodeId;
    }

    /**
     * Starts this node's member and joins the farm; returns once it is a member (alone, when no
     * listed member answers).
     */
    public static FarmCluster join(Settings settings, String nodeId, String nodeName, String nodeUrl) {
        return new FarmCluster(Hazelcast.newHazelcastInstance(config(settings, nodeId, nodeName, nodeUrl)), nodeId);
    }

    static Config config(Settings settings, String nodeId, String nodeName, String nodeUrl) {
        Config config = new Config();
        config.setClusterName("facet-farm-" + settings.name());
        config.setInstanceName("facet-farm-" + settings.name() + "-" + nodeId);
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
        config.getMemberAttributeConfig().setAttribute(NODE_ID, nodeId);
        config.getMemberAttributeConfig().setAttribute(NODE_NAME, nodeName);
        config.getMemberAttributeConfig().setAttribute(NODE_URL, nodeUrl);
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

    /** Whether this node is the coordinator now: the oldest member. */
    public boolean isCoordinator() {
        return hazelcast.getLifecycleService().isRunning()
                && hazelcast.getCluster().getMembers().iterator().next().localMember();
    }

    /** The farm's nodes now, oldest first. */
    public List<Node> nodes() {
        Set<Member> members = hazelcast.getCluster().getMembers();
        Member oldest = members.iterator().next();
        return members.stream().map(member -> new Node(member.getAttribute(NODE_ID), member.getAttribute(NODE_NAME),
                member.getAttribute(NODE_URL), member.getAddress().getHost() + ":" + member.getAddress().getPort(),
                member.equals(oldest))).toList();
    }

    /** The ids of the nodes that are members now. */
    public Set<String> liveNodeIds() {
        return hazelcast.getCluster().getMembers().stream().map(member -> member.getAttribute(NODE_ID))
                .collect(Collectors.toUnmodifiableSet());
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
