package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A brand-new farm whose asking node is lost before an administrator decides: the node left asks
 * again as itself, and one acceptance installs it. Real primary, real Hazelcast members, real git.
 */
class FarmCoordinatorLossTest {
    private static final String API = "/rest/mirroring/latest";

    @TempDir
    Path home;

    private static List<JsonNode> pendingOf(TestPrimary primary, String farmId) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode request : primary.admin.get(API + "/requests?state=PENDING").json().path("values")) {
            if (request.path("mirrorId").asText().equals(farmId)) {
                found.add(request);
            }
        }
        return found;
    }

    @Test
    void theNodeLeftAsksAgainAndOneAcceptanceInstallsItWhileTheAskingNodeIsGone() {
        try (TestPrimary primary = TestPrimary.start(home.resolve("primary"));
             TestFarm farm = TestFarm.start(home.resolve("farm"), primary.baseUrl(), "west", 2, Map.of())) {
            primary.createProject("WST");
            primary.createRepository("WST", "kept", false);
            primary.createUser("carol", "carol-pass-1");
            primary.grantProject("WST", "carol", "PROJECT_READ");
            TestFarm.Node asking = farm.nodes.get(0);
            TestFarm.Node survivor = farm.nodes.get(1);
            String farmId = asking.farmId();
            await().atMost(Duration.ofSeconds(30)).until(() -> pendingOf(primary, farmId).size() == 1
                    && "PENDING".equals(survivor.upstreamState()));
            String firstAsk = pendingOf(primary, farmId).get(0).path("id").asText();

            farm.stop(asking);

            await().atMost(Duration.ofSeconds(30)).until(() -> pendingOf(primary, farmId).size() == 2);
            JsonNode askedAgain = pendingOf(primary, farmId).stream()
                    .filter(request -> !request.path("id").asText().equals(firstAsk)).findFirst().orElseThrow();
            await().atMost(Duration.ofSeconds(10)).until(() -> askedAgain.path("id").asText()
                    .equals(survivor.requestId()));
            assertThat(survivor.status()).isEqualTo("PENDING");

            TestPrimary.expect(200, primary.admin.post(API + "/requests/" + askedAgain.path("id").asText() + "/accept",
                    null));

            survivor.awaitStatus("SYNCHRONIZED");
            assertThat(survivor.upstreamState()).isEqualTo("INSTALLED");
            GitClient git = new GitClient(home.resolve("git-home"));
            assertThat(git.run(home, "ls-remote", survivor.gitUrl("carol", "carol-pass-1", "WST", "kept")).exitCode())
                    .isZero();
            assertThat(primary.admin.post(API + "/requests/" + firstAsk + "/accept", null).status())
                    .as("the lost node's request cannot bring a second key into the farm").isEqualTo(409);
        }
    }
}
