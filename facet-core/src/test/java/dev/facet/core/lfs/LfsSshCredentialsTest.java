package dev.facet.core.lfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.Caller;
import dev.facet.core.access.Credentials;
import dev.facet.core.access.GitRequestAuthorizer;
import dev.facet.core.access.GitRequestAuthorizer.AuthorizedGitRequest;
import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.PermissionDenied;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LfsSshCredentialsTest {
    private static final byte[] KEY = new byte[32];
    private static final Instant ISSUED = Instant.parse("2026-12-01T10:00:00Z");
    private static final String FINGERPRINT = "SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    private static final ProjectKey PROJECT = ProjectKey.of("LFS");
    private static final RepositorySlug ASSETS = RepositorySlug.of("assets");

    /** Git's authorizer as far as these credentials matter: it says yes, with an id, and notes what it saw. */
    private static final class RecordingAuthorizer implements GitRequestAuthorizer {
        final List<Optional<Credentials>> seen = new ArrayList<>();
        long repositoryId = 7;

        @Override
        public AuthorizedGitRequest authorize(Optional<Credentials> credentials, String clientAddress,
                                              ProjectKey project, RepositorySlug repository, AccessLevel needed) {
            seen.add(credentials);
            return new AuthorizedGitRequest(repositoryId, Caller.ANONYMOUS);
        }
    }

    private static LfsSshCredentials at(Instant now, byte[] key) {
        return new LfsSshCredentials(key, Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(5),
                () -> "https://facet.example");
    }

    private static Optional<Credentials> issued(AccessLevel level) {
        String header = at(ISSUED, KEY).answer(FINGERPRINT, new AuthorizedGitRequest(7, Caller.ANONYMOUS), PROJECT,
                ASSETS, level).header().get("Authorization");
        return Credentials.parse(header);
    }

    @Test
    void aCredentialIsDecidedByGitsAuthorizerAsTheKeyItWasIssuedTo() {
        RecordingAuthorizer git = new RecordingAuthorizer();
        AuthorizedGitRequest authorized = at(ISSUED.plusSeconds(299), KEY).acceptedBy(git)
                .authorize(issued(AccessLevel.WRITE), "10.0.0.1", PROJECT, ASSETS, AccessLevel.READ);
        assertThat(authorized.repositoryId()).isEqualTo(7);
        assertThat(git.seen).containsExactly(Optional.of(Credentials.publicKey(FINGERPRINT)));
    }

    @Test
    void anExpiredCredentialIsRefused() {
        RecordingAuthorizer git = new RecordingAuthorizer();
        assertThatThrownBy(() -> at(ISSUED.plus(Duration.ofMinutes(5)), KEY).acceptedBy(git)
                .authorize(issued(AccessLevel.READ), "10.0.0.1", PROJECT, ASSETS, AccessLevel.READ))
                .isInstanceOf(AuthenticationRequired.class).hasMessageContaining("expired");
        assertThat(git.seen).isEmpty();
    }

    @Test
    void aCredentialSignedWithAnotherKeyIsRefused() {
        byte[] otherKey = Arrays.copyOf(KEY, 32);
        otherKey[0] = 1;
        assertThatThrownBy(() -> at(ISSUED, otherKey).acceptedBy(new RecordingAuthorizer())
                .authorize(issued(AccessLevel.READ), "10.0.0.1", PROJECT, ASSETS, AccessLevel.READ))
                .isInstanceOf(AuthenticationRequired.class);
    }

    @Test
    void aCredentialIsForItsRepositoryItsLevelAndTheRepositoryThatHadItsId() {
        RecordingAuthorizer git = new RecordingAuthorizer();
        GitRequestAuthorizer accepting = at(ISSUED, KEY).acceptedBy(git);
        assertThatThrownBy(() -> accepting.authorize(issued(AccessLevel.READ), "10.0.0.1", PROJECT,
                RepositorySlug.of("other"), AccessLevel.READ)).isInstanceOf(PermissionDenied.class);
        assertThatThrownBy(() -> accepting.authorize(issued(AccessLevel.READ), "10.0.0.1", PROJECT, ASSETS,
                AccessLevel.WRITE)).isInstanceOf(PermissionDenied.class).hasMessageContaining("download only");
        assertThatThrownBy(() -> accepting.authorize(issued(AccessLevel.WRITE), "10.0.0.1", PROJECT, ASSETS,
                AccessLevel.ADMIN)).isInstanceOf(PermissionDenied.class);
        assertThat(git.seen).isEmpty();
        git.repositoryId = 8;
        assertThatThrownBy(() -> accepting.authorize(issued(AccessLevel.READ), "10.0.0.1", PROJECT, ASSETS,
                AccessLevel.READ)).isInstanceOf(PermissionDenied.class);
    }

    @Test
    void otherCredentialsGoToGitsAuthorizerAsTheyAre() {
        RecordingAuthorizer git = new RecordingAuthorizer();
        GitRequestAuthorizer accepting = at(ISSUED, KEY).acceptedBy(git);
        Optional<Credentials> token = Credentials.parse("Bearer some-access-token");
        accepting.authorize(token, "10.0.0.1", PROJECT, ASSETS, AccessLevel.READ);
        accepting.authorize(Optional.empty(), "10.0.0.1", PROJECT, ASSETS, AccessLevel.READ);
        assertThat(git.seen).containsExactly(token, Optional.empty());
    }
}
