package dev.facet.farm;

import dev.facet.core.doctor.Finding;
import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.store.MirrorStore;
import dev.facet.mirror.FarmCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code facet doctor}'s look at a farm node's farm, with the node's live view: every member its
 * list names is in the farm it sees (one that answers on its farm port but is not a member means
 * a split farm, or a node of another farm at that address; one that does not answer is down or
 * out of reach), the node holds every carried repository at the farm's published state, and its
 * home keeps the farm id its members agree on.
 */
public final class ClusterFarmCheck implements FarmCheck {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    /** How far back {@code facet doctor} reports the farm vet's repairs. */
    static final Duration REPAIRS_SHOWN = Duration.ofDays(1);
    /** How many audit rows, newest first, are looked through for them. */
    private static final int AUDIT_ROWS_READ = 500;

    private final FarmCluster cluster;
    private final Path home;
    private final Supplier<List<String>> behindTheFarm;
    private final Supplier<List<String>> recentRepairs;

    /** Checks this node's repositories in {@code store} against the farm's {@code published} refs. */
    public ClusterFarmCheck(FarmCluster cluster, PublishedRefs published, MirrorStore store, Path home) {
        this(cluster, home, () -> store.inTransaction(tx -> tx.repositories().all()).stream()
                .filter(repository -> !published.atPublishedState(repository.id()))
                .map(ClusterFarmCheck::name).toList(), () -> recentRepairs(store, Clock.systemUTC()));
    }

    /** {@code behindTheFarm} names the carried repositories this node holds at an older state than the farm published. */
    ClusterFarmCheck(FarmCluster cluster, Path home, Supplier<List<String>> behindTheFarm) {
        this(cluster, home, behindTheFarm, List::of);
    }

    /** {@code recentRepairs} describes the farm vet's repairs on this node within {@link #REPAIRS_SHOWN}. */
    ClusterFarmCheck(FarmCluster cluster, Path home, Supplier<List<String>> behindTheFarm,
                     Supplier<List<String>> recentRepairs) {
        this.cluster = cluster;
        this.home = home;
        this.behindTheFarm = behindTheFarm;
        this.recentRepairs = recentRepairs;
    }

    static List<String> recentRepairs(MirrorStore store, Clock clock) {
        Instant since = clock.instant().minus(REPAIRS_SHOWN);
        return store.inTransaction(tx -> tx.audit().list(0, AUDIT_ROWS_READ)).stream()
                .filter(entry -> entry.action() == AuditAction.REPAIR && entry.at().isAfter(since))
                .map(entry -> entry.at() + " " + entry.details()).toList();
    }

    private static String name(MirroredRepository repository) {
        return repository.projectKey() + "/" + repository.slug();
    }

    @Override
    public List<Finding> examine() {
        List<Finding> findings = new ArrayList<>();
        List<FarmCluster.Node> seen = cluster.nodes();
        String members = seen.stream().map(node -> node.name() + " (" + node.host() + ":" + node.port() + ")")
                .collect(Collectors.joining(", "));
        for (String listed : cluster.listedMembers()) {
            Optional<InetSocketAddress> address = address(listed);
            if (address.isEmpty()) {
                findings.add(new Finding("Farm member " + listed + " on this node's member list has a host name that "
                        + "does not resolve.", "Fix the name in facet.farm.members, or the DNS entry it names."));
                continue;
            }
            if (seen.stream().anyMatch(node -> sameMember(node, address.get()))) {
                continue;
            }
            if (answers(address.get())) {
                findings.add(new Finding("Farm member " + listed + " on this node's member list answers on its farm "
                        + "port but is not in the farm this node sees (" + seen.size() + " member(s): " + members
                        + "): the farm is split, or a node of another farm listens there.",
                        "Give every node the same facet.farm.name and facet.farm.members, and let each reach the "
                                + "others' farm ports; halves that reach each other merge within seconds. If it "
                                + "stays split, restart the nodes of the smaller half."));
            } else {
                findings.add(new Finding("Farm member " + listed + " on this node's member list does not answer on "
                        + "its farm port; this node sees " + seen.size() + " member(s): " + members + ".",
                        "Start the node at " + listed + ", or check that a firewall lets the farm's nodes reach each "
                                + "other there; if that node is gone for good, take it off facet.farm.members on "
                                + "every node."));
            }
        }
        List<String> behind = behindTheFarm.get();
        if (!behind.isEmpty()) {
            findings.add(new Finding(behind.size() + " repositor" + (behind.size() == 1 ? "y is" : "ies are")
                    + " older on this node than the farm published: " + String.join(", ", behind.subList(0,
                    Math.min(10, behind.size()))) + (behind.size() > 10 ? ", ..." : "") + ". The node answers 503 "
                    + "for them and its /status is not ready until it catches up.",
                    "A node catches up within seconds of a push; if this stays, read its log (logger facet.sync) for "
                            + "failed fetches and check that it reaches the upstream."));
        }
        List<String> repairs = recentRepairs.get();
        if (!repairs.isEmpty()) {
            findings.add(new Finding("The farm vet repaired " + repairs.size() + " cop" + (repairs.size() == 1 ? "y"
                    : "ies") + " of repositories on this node in the last " + REPAIRS_SHOWN.toHours() + " hours: "
                    + "their refs had left the farm's published state. Newest first: " + String.join(" | ",
                    repairs.subList(0, Math.min(3, repairs.size()))),
                    "After a split farm healed, one repair per repository is expected and nothing is needed. "
                            + "Repairs that recur mean something changes this node's repositories behind Facet "
                            + "(a script, git run in data/repositories, a partial restore): find it and stop it. "
                            + "Each repair is in the audit trail as REPAIR."));
        }
        findings.addAll(farmIdFindings());
        return findings;
    }

    private List<Finding> farmIdFindings() {
        Optional<String> kept = FarmId.kept(home);
        Optional<String> agreed = FarmId.shared(cluster);
        Path file = home.resolve(FarmId.FILE);
        if (agreed.isEmpty()) {
            return List.of(new Finding("The members of farm '" + cluster.farmName() + "' this node sees hold no farm "
                    + "id, though this node keeps " + kept.orElse("none") + ".", "Restart this node: it offers the "
                    + "id its home keeps to the farm as it joins."));
        }
        if (kept.isEmpty()) {
            return List.of(new Finding("This node's home has no " + file + ": if the whole farm stops and this node "
                    + "starts first, it founds a new farm that needs a new approval.",
                    "Write the farm's id into it: echo " + agreed.get() + " > " + file));
        }
        if (!kept.get().equals(agreed.get())) {
            return List.of(new Finding("This node keeps farm id " + kept.get() + " in " + file + ", but the members "
                    + "of farm '" + cluster.farmName() + "' it sees agree on " + agreed.get() + ".",
                    "Stop this node. If it belongs to the farm " + agreed.get() + ", write that id into " + file
                            + "; otherwise start it with the members of its own farm."));
        }
        return List.of();
    }

    private static Optional<InetSocketAddress> address(String member) {
        int colon = member.lastIndexOf(':');
        try {
            return Optional.of(new InetSocketAddress(InetAddress.getByName(member.substring(0, colon)),
                    Integer.parseInt(member.substring(colon + 1))));
        } catch (UnknownHostException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean sameMember(FarmCluster.Node node, InetSocketAddress listed) {
        try {
            return node.port() == listed.getPort()
                    && InetAddress.getByName(node.host()).equals(listed.getAddress());
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean answers(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) PROBE_TIMEOUT.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
