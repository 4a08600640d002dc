package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.core.mirror.protocol.CredentialCheck;
import dev.facet.core.mirror.protocol.CredentialVerdict;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mirror's credentials reach only what the mirror carries, and a mirror does not tell which names exist. */
class MirrorCredentialCheckTest {
    private static final String UPLOAD = "/info/refs?service=git-upload-pack";

    @TempDir
    static Path home;
    static TestPrimary primary;
    static TestMirror mirror;

    @BeforeAll
    static void startAMirrorThatCarriesOneProject() {
        primary = TestPrimary.start(home.resolve("primary"));
        primary.createUser("hank", "hank-secret-1");
        GitClient git = new GitClient(home.resolve("git-home"));
        Path seed = git.newWorkTree(home.resolve("seed"), "a.txt");
        for (String project : List.of("CARRIED", "OTHER")) {
            primary.createProject(project);
            primary.createRepository(project, "secret", false);
            primary.grantProject(project, "hank", "PROJECT_READ");
            git.run(seed, "push", "-q", primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, project, "secret"), "main")
                    .requireSuccess();
        }
        mirror = TestMirror.startAuthorized(home.resolve("mirror"), primary);
        TestPrimary.expect(200, primary.admin.put("/rest/mirroring/latest/mirrorServers/" + mirror.instance.instanceId()
                + "/projects", RestClient.json("allProjects", false, "projects", List.of("CARRIED"))));
    }

    @AfterAll
    static void stop() {
        mirror.close();
        primary.close();
    }

    /** What someone holding the mirror's key can ask the primary. */
    private static CredentialVerdict askAsTheMirror(String password, String project) {
        return askAsTheMirror(new CredentialCheck("hank", password, null, project, "secret", "192.0.2.1", null));
    }

    private static CredentialVerdict askAsTheMirror(CredentialCheck check) {
        return mirror.clientWithItsKey(primary).checkCredentials(primary.instance.instanceId(), check);
    }

    @Test
    void theMirrorsKeyAnswersCredentialChecksOnlyForRepositoriesTheMirrorCarries() {
        assertThat(askAsTheMirror("hank-secret-1", "CARRIED").outcome()).isEqualTo(CredentialVerdict.OK);

        CredentialVerdict right = askAsTheMirror("hank-secret-1", "OTHER");
        CredentialVerdict wrong = askAsTheMirror("not-hanks-password", "OTHER");

        assertThat(right.outcome()).isEqualTo(CredentialVerdict.NOT_FOUND);
        assertThat(right.user()).as("nothing about the credentials").isNull();
        assertThat(wrong).as("a right and a wrong password look the same").isEqualTo(right);
    }

    @Test
    void wrongCredentialsOnAMirrorGetTheSameChallengeWhetherTheRepositoryExistsOrNot() {
        RestClient guesser = mirror.anonymous.as("hank", "not-hanks-password");

        RestClient.Response existing = guesser.get("/scm/CARRIED/secret.git" + UPLOAD);
        RestClient.Response missing = guesser.get("/scm/CARRIED/no-such-repository.git" + UPLOAD);

        assertThat(existing.status()).isEqualTo(401);
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.raw().headers().firstValue("WWW-Authenticate"))
                .isEqualTo(existing.raw().headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(mirror.anonymous.as("hank", "hank-secret-1").get("/scm/CARRIED/no-such-repository.git" + UPLOAD)
                .status()).as("the right credentials learn that it is missing").isEqualTo(404);
    }

    @Test
    void aKeyTheMirrorVouchesForCountsOnlyWhenRegisteredAndOnlyOnWhatTheMirrorCarries() {
        SshKeyPair key = SshKeyPair.generate(home.resolve("keys"), "hank-vouched", "-t", "ed25519");
        TestPrimary.expect(201, primary.anonymous.as("hank", "hank-secret-1").post("/rest/ssh/latest/keys",
                RestClient.json("text", key.publicKey())));
        SshKeyPair unknown = SshKeyPair.generate(home.resolve("keys"), "unknown-vouched", "-t", "ed25519");

        CredentialVerdict carried = askAsTheMirror(new CredentialCheck(null, null, null, "CARRIED", "secret",
                "192.0.2.1", key.fingerprint()));
        assertThat(carried.outcome()).isEqualTo(CredentialVerdict.OK);
        assertThat(carried.user()).isEqualTo("hank");
        assertThat(askAsTheMirror(new CredentialCheck(null, null, null, "OTHER", "secret", "192.0.2.1",
                key.fingerprint())).user()).as("nothing about a repository the mirror does not carry").isNull();
        assertThat(askAsTheMirror(new CredentialCheck(null, null, null, "CARRIED", "secret", "192.0.2.1",
                unknown.fingerprint())).outcome()).isEqualTo(CredentialVerdict.BAD_CREDENTIALS);
    }
}
