package dev.facet.farm;

import static dev.facet.farm.FarmClusterTest.freePort;
import static dev.facet.farm.FarmClusterTest.node;
import static dev.facet.farm.FarmClusterTest.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.facet.core.access.Credentials;
import dev.facet.core.mirror.protocol.CredentialVerdict;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.mirror.CredentialVerdicts;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FarmCredentialVerdictsTest {
    private static final Credentials ALICE = new Credentials("alice", "alice-secret-1", null);
    private static final ProjectKey PROJECT = ProjectKey.of("PRJ");
    private static final RepositorySlug REPO = RepositorySlug.of("repo");
    private static final CredentialVerdicts.Verdict READ = new CredentialVerdicts.Verdict(
            new CredentialVerdict(CredentialVerdict.OK, "alice", "READ", null, false, null),
            Instant.parse("2026-11-30T12:00:00Z"));

    static FarmCluster a;
    static FarmCluster b;
    FarmCredentialVerdicts onA;
    FarmCredentialVerdicts onB;

    @BeforeAll
    static void farmOfTwo() throws IOException {
        int first = freePort();
        int second = freePort();
        List<String> members = List.of("127.0.0.1:" + first, "127.0.0.1:" + second);
        a = FarmCluster.join(settings("verdicts", first, members), node("node-a"));
        b = FarmCluster.join(settings("verdicts", second, members), node("node-b"));
        await().atMost(Duration.ofSeconds(30)).until(() -> b.liveNodeIds().size() == 2);
    }

    @AfterAll
    static void leave() {
        b.close();
        a.close();
    }

    @BeforeEach
    void verdictsOnBothNodes() {
        onA = new FarmCredentialVerdicts(a, new SecureRandom(), Duration.ofMinutes(5));
        onB = new FarmCredentialVerdicts(b, new SecureRandom(), Duration.ofMinutes(5));
        onA.clear();
    }

    @Test
    void anAnswerOneNodeGotServesTheOther() {
        onA.keep(ALICE, PROJECT, REPO, READ);

        assertThat(onB.find(ALICE, PROJECT, REPO)).contains(READ);
        assertThat(onB.find(ALICE, PROJECT, RepositorySlug.of("other"))).isEmpty();
        assertThat(onB.find(new Credentials("alice", "a-guess", null), PROJECT, REPO)).isEmpty();
    }

    @Test
    void aPermissionChangeClearsTheAnswersOfEveryNode() {
        onA.keep(ALICE, PROJECT, REPO, READ);
        onB.keep(ALICE, null, null, READ);

        onB.clear();

        assertThat(onA.find(ALICE, PROJECT, REPO)).isEmpty();
        assertThat(onA.find(ALICE, null, null)).isEmpty();
    }

    @Test
    void noCredentialIsKeptOrSentInTheClear() {
        onA.keep(ALICE, PROJECT, REPO, READ);

        var shared = b.hazelcast().<String, String>getMap(FarmCredentialVerdicts.MAP);
        assertThat(shared.keySet()).hasSize(1).allSatisfy(key -> assertThat(key).doesNotContain("alice")
                .doesNotContain("alice-secret-1").matches("[0-9a-f]{64}"));
        assertThat(shared.values()).allSatisfy(value -> assertThat(value).doesNotContain("alice-secret-1"));
    }

    @Test
    void answersAreForgottenPastTheirTime() {
        FarmCredentialVerdicts brief = new FarmCredentialVerdicts(a, new SecureRandom(), Duration.ofMillis(300));
        brief.keep(ALICE, PROJECT, REPO, READ);

        await().atMost(Duration.ofSeconds(10)).until(() -> onB.find(ALICE, PROJECT, REPO).isEmpty());
    }
}
