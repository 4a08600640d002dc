package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.facet.cli.LoadBalancerProcess.Kind;
import dev.facet.cli.LoadBalancerProcess.ServerStats;
import dev.facet.farm.FarmId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The farm as its administrator and its users meet it: a primary, three farm nodes as real
 * {@code facet mirror --farm} processes, and HAProxy in front with the documented configuration,
 * driven by the real {@code git} client. While commits are pushed to the primary and readers list
 * the branch's head through the balancer, one node is killed without a goodbye, a fourth node joins
 * with no administrator, and the killed node comes back. Every pushed commit carries a number, so
 * "a reader saw the head go back" is exactly "a reader saw a number lower than one it saw before".
 */
class FarmAcceptanceIT {
    private static final String PROJECT = "ACC";
    private static final String REPOSITORY = "busy";
    private static final String USER = "alice";
    private static final String PASSWORD = "alice-pass-1";
    private static final String FARM = "acceptance";
    private static final int READERS = 3;
    private static final Duration PUSH_PAUSE = Duration.ofMillis(250);
    private static final Duration READ_PAUSE = Duration.ofMillis(200);
    /** HAProxy retries reads on another node; only requests caught at the very kill may fail. */
    private static final int FAILED_READS_ALLOWED = 5;

    /** Kept when the test fails: the nodes' logs (nodeN/nodeN.log) and HAProxy's (haproxy/output.log) are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    private final long startedNanos = System.nanoTime();
    /** Starts nodes beside the test's thread: a node's start blocks until it serves. */
    private final ExecutorService starting = Executors.newCachedThreadPool(r -> new Thread(r, "starting-a-node"));

    @Test
    void readersThroughTheBalancerNeverSeeTheHeadGoBackWhileNodesDieJoinAndReturn() throws Exception {
        Deque<AutoCloseable> running = new ArrayDeque<>();
        running.push(starting::shutdownNow);
        try {
            TestPrimary primary = TestPrimary.start(work.resolve("primary"));
            running.push(primary);
            primary.createProject(PROJECT);
            primary.createRepository(PROJECT, REPOSITORY, false);
            primary.createUser(USER, PASSWORD);
            primary.grantProject(PROJECT, USER, "PROJECT_WRITE");
            Pusher pusher = new Pusher(primary.gitUrl(USER, PASSWORD, PROJECT, REPOSITORY));

            List<FarmNodeProcess.Plan> plans = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                plans.add(new FarmNodeProcess.Plan("node" + i, work.resolve("node" + i + "/home"), TestFarm.freePort(),
                        TestFarm.freePort()));
            }
            // The fourth node's port is a backend from the start, as an operator prepares a new home's.
            LoadBalancerProcess haproxy = LoadBalancerProcess.start(Kind.HAPROXY, work.resolve("haproxy"),
                    plans.stream().map(plan -> "127.0.0.1:" + plan.port()).toList());
            running.push(haproxy);
            List<String> firstMembers = plans.subList(0, 3).stream().map(plan -> "127.0.0.1:" + plan.farmPort())
                    .toList();
            FarmNodeProcess.Farm farm = new FarmNodeProcess.Farm(FARM, primary.baseUrl(), haproxy.baseUrl(),
                    firstMembers, "127.0.0.1");

            // 1. Three nodes, one request, one acceptance.
            List<FarmNodeProcess> nodes = startFirstThree(plans, farm, running);
            progress("three nodes serve");
            String farmId = Files.readString(plans.get(0).home().resolve(FarmId.FILE)).strip();
            await("one pending request for the farm").atMost(Duration.ofSeconds(60))
                    .until(() -> pendingRequests(primary).size() == 1
                            && nodes.stream().allMatch(node -> "PENDING".equals(upstreamServer(node).path("state").asText())));
            JsonNode request = pendingRequests(primary).get(0);
            assertThat(request.path("mirrorId").asText()).isEqualTo(farmId);
            assertThat(request.path("mirrorType").asText()).isEqualTo("FARM");
            assertThat(request.path("baseUrl").asText()).isEqualTo(haproxy.baseUrl());
            assertThat(nodes).allSatisfy(node -> assertThat(upstreamServer(node).path("requestId").asText())
                    .isEqualTo(request.path("id").asText()));
            TestPrimary.expect(200, primary.admin.post("/rest/mirroring/latest/requests/" + request.path("id").asText()
                    + "/accept", null));
            progress("request accepted");
            for (FarmNodeProcess node : nodes) {
                awaitReady(node.plan(), 3, Duration.ofSeconds(90));
            }
            progress("three nodes ready");
            await("HAProxy routes to the three nodes").atMost(Duration.ofSeconds(30)).until(() -> haproxy.serverStats()
                    .values().stream().filter(server -> server.status().equals("UP")).count() == 3);
            assertThat(pendingRequests(primary)).as("nothing left for an administrator").isEmpty();

            // 2. Pushes to the primary, readers through the balancer.
            ScheduledExecutorService pushing = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "pusher"));
            running.push(() -> {
                pushing.shutdownNow();
                pushing.awaitTermination(30, TimeUnit.SECONDS);
            });
            pushing.scheduleWithFixedDelay(pusher::pushNext, 0, PUSH_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
            List<Reader> readers = new ArrayList<>();
            for (int i = 1; i <= READERS; i++) {
                Reader reader = new Reader("reader" + i, GitUrls.withCredentials(haproxy.baseUrl(), USER, PASSWORD,
                        PROJECT, REPOSITORY), pusher);
                readers.add(reader);
                Thread thread = new Thread(reader, reader.name);
                thread.start();
                running.push(() -> {
                    reader.stop = true;
                    thread.join(30_000);
                });
            }
            awaitEveryReaderSees(readers, pusher, 10, Duration.ofSeconds(60));

            // 3. kill -9 of one node mid-stream: the coordinator, which also holds the event stream.
            FarmNodeProcess killed = nodes.get(0);
            double killedAt = seconds();
            killed.kill();
            progress("killed " + killed.plan().name());
            awaitEveryReaderSees(readers, pusher, 8, Duration.ofSeconds(60));
            double servedAgainAfterKill = seconds() - killedAt;
            progress("readers see new pushes after the kill");
            assertNoReaderWentBack(readers);

            // 4. A fourth node with a new home joins with no administrator, and takes traffic only once ready.
            FarmNodeProcess.Plan fourthPlan = plans.get(3);
            List<String> fourthMembers = new ArrayList<>(firstMembers);
            fourthMembers.add("127.0.0.1:" + fourthPlan.farmPort());
            FarmNodeProcess.Farm fourthFarm = new FarmNodeProcess.Farm(FARM, primary.baseUrl(), haproxy.baseUrl(),
                    fourthMembers, "127.0.0.1");
            double fourthStartedAt = seconds();
            AtomicReference<FarmNodeProcess> fourth = new AtomicReference<>();
            CompletableFuture<Void> fourthStarting = CompletableFuture.runAsync(
                    () -> fourth.set(FarmNodeProcess.start(fourthPlan, fourthFarm)), starting);
            running.push(() -> {
                fourthStarting.handle((done, failed) -> null).get(150, TimeUnit.SECONDS);
                if (fourth.get() != null) {
                    fourth.get().close();
                }
            });
            List<ReadinessSample> samples = new CopyOnWriteArrayList<>();
            await("the fourth node ready").atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        assertThat(fourthStarting).isNotCompletedExceptionally();
                        // Counters first, then /status: a request counted before a 503 was served while not ready.
                        ServerStats stats = haproxy.serverStats().get("node4");
                        ReadinessSample sample = new ReadinessSample(seconds(), statusOf(fourthPlan), stats);
                        samples.add(sample);
                        return sample.status() == 200;
                    });
            double fourthReadyAfter = seconds() - fourthStartedAt;
            progress("the fourth node is ready");
            assertNoReaderWentBack(readers);
            assertThat(samples).as("HAProxy sent the fourth node nothing until its /status was 200: %s", samples)
                    .allSatisfy(sample -> assertThat(sample.stats().sessions()).isZero());
            assertThat(samples).as("the fourth node answered 503 while it was getting ready: %s", samples)
                    .anySatisfy(sample -> assertThat(sample.status()).isEqualTo(503));
            awaitReady(fourthPlan, 3, Duration.ofSeconds(10));
            await("the fourth node takes traffic once ready").atMost(Duration.ofSeconds(30))
                    .until(() -> haproxy.serverStats().get("node4").answered2xx() > 0);
            assertThat(pendingRequests(primary)).as("no request for an administrator when a node joins").isEmpty();
            JsonNode killedWhileDown = awaitNodeState(primary, farmId, killed.plan().name(), "OFFLINE",
                    Duration.ofSeconds(60));

            // 5. The killed node starts again on its home and ports, and catches up.
            double restartedAt = seconds();
            killed.startAgain();
            double servingAgainAfter = seconds() - restartedAt;
            progress(killed.plan().name() + " serves again");
            awaitReady(killed.plan(), 4, Duration.ofSeconds(120));
            double caughtUpAfter = seconds() - restartedAt - servingAgainAfter;
            progress(killed.plan().name() + " caught up");
            assertNoReaderWentBack(readers);
            awaitEveryReaderSees(readers, pusher, 4, Duration.ofSeconds(60));

            pushing.shutdown();
            assertThat(pushing.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            GitClient git = new GitClient(work.resolve("checker"));
            List<String> onPrimary = git.lsRemote(work, primary.gitUrl(USER, PASSWORD, PROJECT, REPOSITORY));
            for (FarmNodeProcess.Plan plan : plans) {
                // Asked directly, a node that is still catching up refuses the read (503): ask again.
                String node = GitUrls.withCredentials(plan.url(), USER, PASSWORD, PROJECT, REPOSITORY);
                await(plan.name() + " holds the primary's refs").atMost(Duration.ofSeconds(60)).until(() -> {
                    GitClient.Result listed = git.run(work, "ls-remote", node);
                    return listed.exitCode() == 0 && listed.stdout().lines().sorted().toList().equals(onPrimary);
                });
            }
            await("every reader sees the last push").atMost(Duration.ofSeconds(60))
                    .until(() -> readers.stream().allMatch(reader -> reader.latest() == pusher.lastPushed()));
            readers.forEach(reader -> reader.stop = true);
            progress("every node holds the primary's refs");
            GitClient.Result guessed = git.run(work, "ls-remote", GitUrls.withCredentials(haproxy.baseUrl(), USER,
                    "a-wrong-guess", PROJECT, REPOSITORY));
            assertThat(guessed.exitCode()).as("a wrong password through the balancer").isNotZero();
            assertThat(guessed.stderr()).contains("Authentication failed");
            assertThat(git.run(work, "ls-remote", GitUrls.anonymous(haproxy.baseUrl(), PROJECT, REPOSITORY)).exitCode())
                    .as("the private repository to an anonymous reader").isNotZero();

            // 6. The primary lists the farm's nodes with their states.
            await("the primary shows every node synchronized").atMost(Duration.ofSeconds(60)).until(() ->
                    nodeStates(primary, farmId).equals(Map.of("node1", "SYNCHRONIZED", "node2", "SYNCHRONIZED",
                            "node3", "SYNCHRONIZED", "node4", "SYNCHRONIZED")));
            JsonNode server = primary.admin.get("/rest/mirroring/latest/mirrorServers/" + farmId).json();
            assertThat(server.path("mirrorType").asText()).isEqualTo("FARM");
            assertThat(server.path("baseUrl").asText()).isEqualTo(haproxy.baseUrl());
            assertThat(server.path("nodes")).hasSize(4);

            // Throughout: no reader saw the head go back, and only a handful of reads failed.
            assertNoReaderWentBack(readers);
            List<Failure> failures = readers.stream().flatMap(reader -> reader.failures.stream())
                    .sorted(Comparator.comparingDouble(Failure::at)).toList();
            System.out.println(describe(failures, "failed reads", killedAt));
            System.out.println(describe(pusher.failures, "failed pushes to the primary", killedAt));
            assertThat(failures).as("reads through the balancer that failed").hasSizeLessThanOrEqualTo(
                    FAILED_READS_ALLOWED);

            System.out.printf("""
                    farm acceptance figures:
                      whole test: %.1f s
                      pushes: %d in %.1f s
                      observations per reader: %s
                      longest wait for a newer head: %s
                      failed reads: %d, failed pushes: %d
                      every reader saw 8 pushes past the kill %.1f s after it
                      the killed node was shown %s while down
                      fourth node ready %.1f s after its process started (%d samples of /status and HAProxy meanwhile)
                      killed node serving %.1f s after its process started again, ready %.1f s later
                    """, seconds(), pusher.lastPushed(), pusher.lastPushedAt - pusher.firstPushedAt,
                    readers.stream().map(reader -> reader.name + "=" + reader.observations.size())
                            .collect(Collectors.joining(", ")),
                    readers.stream().map(reader -> reader.longestWait(killedAt)).collect(Collectors.joining(", ")),
                    failures.size(), pusher.failures.size(),
                    servedAgainAfterKill, killedWhileDown.path("state").asText(), fourthReadyAfter, samples.size(),
                    servingAgainAfter, caughtUpAfter);
        } finally {
            stopAll(running);
        }
    }

    private static void assertNoReaderWentBack(List<Reader> readers) {
        for (Reader reader : readers) {
            assertThat(reader.wentBack()).as("%s saw the head go back; its observations around it", reader.name)
                    .isEmpty();
        }
    }

    /** The first node makes the farm's id; the other two join it together. */
    private List<FarmNodeProcess> startFirstThree(List<FarmNodeProcess.Plan> plans, FarmNodeProcess.Farm farm,
                                                  Deque<AutoCloseable> running) {
        FarmNodeProcess first = FarmNodeProcess.start(plans.get(0), farm);
        running.push(first);
        List<CompletableFuture<FarmNodeProcess>> joining = plans.subList(1, 3).stream()
                .map(plan -> CompletableFuture.supplyAsync(() -> FarmNodeProcess.start(plan, farm), starting)).toList();
        List<FarmNodeProcess> nodes = new ArrayList<>(List.of(first));
        AssertionError failed = null;
        for (CompletableFuture<FarmNodeProcess> node : joining) {
            try {
                nodes.add(node.join());
                running.push(nodes.get(nodes.size() - 1));
            } catch (RuntimeException e) {
                failed = new AssertionError("a farm node did not start", e);
            }
        }
        if (failed != null) {
            throw failed;
        }
        return nodes;
    }

    private static void stopAll(Deque<AutoCloseable> running) throws Exception {
        Exception first = null;
        while (!running.isEmpty()) {
            try {
                running.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static String describe(List<Failure> failures, String what, double killedAt) {
        return failures.size() + " " + what + failures.stream().map(failure -> String.format("%n  %+.1f s from the kill: %s",
                failure.at() - killedAt, failure.message())).collect(Collectors.joining());
    }

    /** What the test is at, for the reader of its output. */
    private void progress(String step) {
        System.out.printf("[%6.1f s] %s%n", seconds(), step);
    }

    private double seconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static List<JsonNode> pendingRequests(TestPrimary primary) {
        List<JsonNode> pending = new ArrayList<>();
        primary.admin.get("/rest/mirroring/latest/requests?state=PENDING").json().path("values").forEach(pending::add);
        return pending;
    }

    private static JsonNode upstreamServer(FarmNodeProcess node) {
        return RestClient.anonymous(node.plan().url()).get("/rest/mirroring/latest/upstreamServer").json();
    }

    /** The node's /status code, or 0 while nothing listens on its port. */
    private static int statusOf(FarmNodeProcess.Plan plan) {
        try {
            return RestClient.anonymous(plan.url()).get("/status").status();
        } catch (UncheckedIOException e) {
            return 0;
        }
    }

    private static void awaitReady(FarmNodeProcess.Plan plan, int members, Duration within) {
        await(plan.name() + " ready in a farm of " + members).atMost(within).until(() -> {
            RestClient.Response status = RestClient.anonymous(plan.url()).get("/status");
            return status.status() == 200 && "SYNCHRONIZED".equals(status.json().path("state").asText())
                    && status.json().path("memberCount").asInt() == members;
        });
    }

    /** Waits until a push {@code more} numbers past the last one pushed now is seen by every reader. */
    private static void awaitEveryReaderSees(List<Reader> readers, Pusher pusher, int more, Duration within) {
        int target = pusher.lastPushed() + more;
        await("every reader sees push " + target).atMost(within)
                .until(() -> readers.stream().allMatch(reader -> reader.latest() >= target));
    }

    private static Map<String, String> nodeStates(TestPrimary primary, String farmId) {
        Map<String, String> states = new HashMap<>();
        primary.admin.get("/rest/mirroring/latest/mirrorServers/" + farmId).json().path("nodes")
                .forEach(node -> states.put(node.path("name").asText(), node.path("state").asText()));
        return states;
    }

    private static JsonNode awaitNodeState(TestPrimary primary, String farmId, String name, String state,
                                           Duration within) {
        AtomicReference<JsonNode> found = new AtomicReference<>();
        await("the primary shows " + name + " " + state).atMost(within).until(() -> {
            for (JsonNode node : primary.admin.get("/rest/mirroring/latest/mirrorServers/" + farmId).json()
                    .path("nodes")) {
                if (node.path("name").asText().equals(name) && node.path("state").asText().equals(state)) {
                    found.set(node);
                    return true;
                }
            }
            return false;
        });
        return found.get();
    }

    /** The fourth node's /status and what HAProxy had sent it just before. */
    private record ReadinessSample(double at, int status, ServerStats stats) {
    }

    private record Failure(double at, String message) {
    }

    /** One head a reader saw: the commit's number (-1 for a commit never pushed). */
    private record Observation(double at, int number, String commit) {
    }

    /** Pushes numbered commits to the primary's main branch, remembering each commit's number before it leaves. */
    private final class Pusher {
        final Map<String, Integer> numbers = new ConcurrentHashMap<>();
        final List<Failure> failures = new CopyOnWriteArrayList<>();
        private final String url;
        private final GitClient git = new GitClient(work.resolve("pusher-home"));
        private final Path clone;
        private int next = 1;
        private volatile int lastPushed;
        volatile double firstPushedAt;
        volatile double lastPushedAt;

        Pusher(String url) {
            this.url = url;
            clone = git.newWorkTree(work.resolve("pusher"), "README.md");
            numbers.put(head(), 0);
            git.run(clone, "push", "-q", url, "HEAD:refs/heads/main").requireSuccess();
        }

        void pushNext() {
            try {
                int number = next++;
                git.run(clone, "commit", "-q", "--allow-empty", "-m", "push " + number).requireSuccess();
                numbers.put(head(), number);
                GitClient.Result push = git.run(clone, "push", "-q", url, "HEAD:refs/heads/main");
                if (push.exitCode() == 0) {
                    lastPushed = number;
                    if (firstPushedAt == 0) {
                        firstPushedAt = seconds();
                    }
                    lastPushedAt = seconds();
                } else {
                    failures.add(new Failure(seconds(), "push " + number + ": " + push.stderr().strip()));
                }
            } catch (RuntimeException | AssertionError e) {
                // Recorded and asserted on at the end; the schedule must keep going meanwhile.
                failures.add(new Failure(seconds(), e.toString()));
            }
        }

        int lastPushed() {
            return lastPushed;
        }

        private String head() {
            return git.run(clone, "rev-parse", "HEAD").requireSuccess().stdout().strip();
        }
    }

    /** Lists the branch's head through the balancer in a loop, recording every answer. */
    private final class Reader implements Runnable {
        final String name;
        final List<Observation> observations = new CopyOnWriteArrayList<>();
        final List<Failure> failures = new CopyOnWriteArrayList<>();
        private final String url;
        private final Pusher pusher;
        private final GitClient git;
        volatile boolean stop;

        Reader(String name, String url, Pusher pusher) {
            this.name = name;
            this.url = url;
            this.pusher = pusher;
            this.git = new GitClient(work.resolve(name + "-home"));
        }

        @Override
        public void run() {
            while (!stop) {
                double at = seconds();
                try {
                    GitClient.Result listed = git.run(work, "ls-remote", url, "refs/heads/main");
                    if (listed.exitCode() != 0) {
                        failures.add(new Failure(at, listed.stderr().strip()));
                        continue;
                    }
                    String commit = listed.stdout().strip().split("\t")[0];
                    observations.add(new Observation(at, pusher.numbers.getOrDefault(commit, -1), commit));
                } catch (RuntimeException | AssertionError e) {
                    failures.add(new Failure(at, e.toString()));
                }
                pause();
            }
        }

        /** A user's loop, not a benchmark: it leaves the machine's two cores to the nodes. */
        private void pause() {
            try {
                Thread.sleep(READ_PAUSE.toMillis());
            } catch (InterruptedException e) {
                stop = true;
            }
        }

        /** The longest a reader waited, while pushes went on, between one newer head and the next; and when. */
        String longestWait(double killedAt) {
            double longest = 0;
            double from = 0;
            Observation newest = null;
            for (Observation observation : observations) {
                if (newest != null && observation.number() > newest.number()) {
                    if (observation.at() - newest.at() > longest) {
                        longest = observation.at() - newest.at();
                        from = newest.at();
                    }
                }
                if (newest == null || observation.number() > newest.number()) {
                    newest = observation;
                }
            }
            return String.format("%s %.1f s (from %+.1f s of the kill)", name, longest, from - killedAt);
        }

        int latest() {
            return observations.isEmpty() ? -1 : observations.get(observations.size() - 1).number();
        }

        /** The observations around the first that went back (or saw a commit never pushed); empty when none did. */
        List<Observation> wentBack() {
            int highest = -1;
            for (int i = 0; i < observations.size(); i++) {
                int number = observations.get(i).number();
                if (number < highest || number < 0) {
                    return observations.subList(Math.max(0, i - 10), Math.min(observations.size(), i + 5));
                }
                highest = number;
            }
            return List.of();
        }
    }
}
