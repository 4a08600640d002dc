package dev.facet.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.core.access.Credentials;
import dev.facet.core.mirror.protocol.CredentialVerdict;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LocalCredentialVerdictsTest {
    private static final Credentials ALICE = new Credentials("alice", "secret", null);
    private static final ProjectKey PROJECT = ProjectKey.of("PRJ");
    private static final RepositorySlug REPO = RepositorySlug.of("repo");
    private static final CredentialVerdicts.Verdict READ = new CredentialVerdicts.Verdict(
            new CredentialVerdict(CredentialVerdict.OK, "alice", "READ", null, false, null),
            Instant.parse("2026-11-30T12:00:00Z"));

    private final LocalCredentialVerdicts verdicts = new LocalCredentialVerdicts(new SecureRandom());

    @Test
    void anAnswerIsFoundForTheSameCredentialsOnTheSameRepositoryOnly() {
        verdicts.keep(ALICE, PROJECT, REPO, READ);

        assertThat(verdicts.find(ALICE, PROJECT, REPO)).contains(READ);
        assertThat(verdicts.find(ALICE, PROJECT, RepositorySlug.of("other"))).isEmpty();
        assertThat(verdicts.find(ALICE, null, null)).isEmpty();
        assertThat(verdicts.find(new Credentials("alice", "guess", null), PROJECT, REPO)).isEmpty();
    }

    @Test
    void aPermissionChangeForgetsEveryAnswer() {
        verdicts.keep(ALICE, PROJECT, REPO, READ);
        verdicts.keep(ALICE, null, null, READ);

        verdicts.clear();

        assertThat(verdicts.find(ALICE, PROJECT, REPO)).isEmpty();
        assertThat(verdicts.find(ALICE, null, null)).isEmpty();
    }
}
