package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.facet.cli.LoadBalancerProcess.Kind;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A farm of two real nodes behind HAProxy and nginx, each run from its documented configuration in
 * {@code docs/load-balancers/}: what a user pushes through the balancer is what their next read through
 * it shows, whichever node answers, and every read agrees with the primary.
 */
class FarmBehindBalancersTest {
    private static final String ADMIN = TestPrimary.ADMIN_PASSWORD;
    private static final String ALICE_PASSWORD = "alice-pass-1";

    @TempDir
    static Path shared;
    @TempDir
    Path work;
    static TestPrimary primary;
    static TestFarm farm;

    @BeforeAll
    static void primaryAndAnAcceptedFarmOfTwo() {
        primary = TestPrimary.start(shared.resolve("primary"));
        primary.createProject("LBF");
        primary.createRepository("LBF", "served", false);
        primary.createUser("alice", ALICE_PASSWORD);
        primary.grantProject("LBF", "alice", "PROJECT_WRITE");
        GitClient seeder = new GitClient(shared.resolve("seeder-home"));
        Path seed = seeder.newWorkTree(shared.resolve("seed"), "README.md");
        seeder.run(seed, "push", "-q", primary.gitUrl("admin", ADMIN, "LBF", "served"), "main").requireSuccess();
        farm = TestFarm.start(shared.resolve("farm"), primary.baseUrl(), "balanced", 2, Map.of());
        farm.authorizeOn(primary);
    }

    @AfterAll
    static void stopAll() {
        if (farm != null) {
            farm.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aPushThroughTheBalancerIsSeenByTheNextReadThroughItWhicheverNodeAnswers(Kind kind) {
        try (LoadBalancerProcess balancer = LoadBalancerProcess.start(kind, work.resolve(kind.name().toLowerCase()),
                farm.nodes.stream().map(node -> "127.0.0.1:" + URI.create(node.url()).getPort()).toList())) {
            GitClient git = new GitClient(work.resolve("git-home"));
            String throughBalancer = GitUrls.withCredentials(balancer.baseUrl(), "alice", ALICE_PASSWORD, "LBF", "served");
            String onPrimary = primary.gitUrl("alice", ALICE_PASSWORD, "LBF", "served");
            await().atMost(Duration.ofSeconds(30)).until(() -> git.run(work, "ls-remote", throughBalancer).exitCode() == 0);
            assertThat(git.lsRemote(work, throughBalancer)).isEqualTo(git.lsRemote(work, onPrimary));

            Path clone = work.resolve("clone");
            git.run(work, "clone", "-q", throughBalancer, clone.toString()).requireSuccess();
            String branch = "through-" + kind.name().toLowerCase();
            for (int push = 0; push < 4; push++) {
                git.commitFile(clone, branch + ".txt", "push " + push + "\n");
                git.run(clone, "push", "-q", "origin", "HEAD:refs/heads/" + branch).requireSuccess();
                String head = git.run(clone, "rev-parse", "HEAD").requireSuccess().stdout().strip();
                assertThat(git.lsRemote(work, onPrimary)).as("the push reached the primary")
                        .contains(head + "\trefs/heads/" + branch);
                // Several reads in a row, so that both nodes answer some: none may show the branch as it was.
                for (int read = 0; read < 4; read++) {
                    List<String> refs = git.lsRemote(work, throughBalancer);
                    assertThat(refs).as("read " + read + " after push " + push + "\n" + balancer.log())
                            .contains(head + "\trefs/heads/" + branch);
                }
            }
            git.run(clone, "fetch", "-q", "origin").requireSuccess();
            git.run(clone, "fsck", "--strict", "--no-dangling").requireSuccess();
        }
    }
}
