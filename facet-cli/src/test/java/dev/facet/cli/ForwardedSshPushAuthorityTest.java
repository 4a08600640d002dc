package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.facet.core.access.SshLoginProof;
import dev.facet.core.identity.BodyDigest;
import dev.facet.core.mirror.protocol.ForwardedPushResult;
import dev.facet.core.mirror.protocol.ForwardedSshLogin;
import dev.facet.mirror.ForwardedPushRequest;
import dev.facet.mirror.UpstreamClient;
import dev.facet.mirror.UpstreamUnavailable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The primary's side of a push a mirror forwards over SSH, called directly with the mirror's own
 * key, as a mirror that has turned against its users would: the mirror's signature proves only
 * that the mirror speaks, and every push it cannot back with a fresh login signature of a user who
 * may write the repository is refused.
 */
class ForwardedSshPushAuthorityTest {
    private static final java.util.concurrent.atomic.AtomicInteger REFUSALS = new java.util.concurrent.atomic.AtomicInteger();

    @TempDir
    static Path home;
    static TestPrimary primary;
    static TestMirror mirror;
    static GitClient git;
    static SshPeople people;
    static SshKeyPair rsaWriter;
    static SshKeyPair readOnlyAccessKey;
    static Path work;

    @BeforeAll
    static void startAMirrorThatCarriesOneProject() {
        primary = TestPrimary.start(home.resolve("primary"));
        git = new GitClient(home.resolve("git-home"));
        Path seed = git.newWorkTree(home.resolve("seed"), "a.txt");
        for (String project : List.of("FWD", "OTHER")) {
            primary.createProject(project);
            primary.createRepository(project, "code", false);
            git.run(seed, "push", "-q", primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, project, "code"), "main")
                    .requireSuccess();
        }
        Path keys = home.resolve("keys");
        people = SshPeople.on(primary, "FWD", keys);
        primary.grantProject("OTHER", "writer", "PROJECT_WRITE");
        primary.createUser("rsa-writer", "rsa-writer-pass-1");
        primary.grantProject("FWD", "rsa-writer", "PROJECT_WRITE");
        rsaWriter = SshKeyPair.generate(keys, "rsa-writer", "-t", "rsa", "-b", "3072");
        TestPrimary.expect(201, primary.anonymous.as("rsa-writer", "rsa-writer-pass-1").post("/rest/ssh/latest/keys",
                RestClient.json("text", rsaWriter.publicKey())));
        readOnlyAccessKey = SshKeyPair.generate(keys, "ci-read", "-t", "ed25519");
        TestPrimary.expect(201, primary.admin.post("/rest/keys/latest/projects/FWD/ssh", RestClient.json("key",
                Map.of("text", readOnlyAccessKey.publicKey(), "label", "ci"), "permission", "PROJECT_READ")));
        mirror = TestMirror.startAuthorized(home.resolve("mirror"), primary);
        TestPrimary.expect(200, primary.admin.put("/rest/mirroring/latest/mirrorServers/" + mirror.instance.instanceId()
                + "/projects", RestClient.json("allProjects", false, "projects", List.of("FWD"))));
        work = seed;
    }

    @AfterAll
    static void stop() {
        mirror.close();
        primary.close();
    }

    /**
     * One SSH connection may carry several pushes (OpenSSH's ControlMaster shares it), all on its one login: the
     * mirror that passed the login on first pushes on it again; how long, and that no other mirror may, is
     * {@code ForwardedSshLoginReuseTest}'s.
     */
    @Test
    void aWritersLoginCarriesEachPushOfItsConnectionThroughTheMirror() {
        SshLoginProof login = signedLogin(people.writer(), "ssh-ed25519");
        String before = tip("FWD");
        String commit = commit("first.txt");

        ForwardedPushResult taken = pushAsTheMirror(login, "FWD", before, commit);

        assertThat(taken.refs()).extracting(ForwardedPushResult.RefResult::result).containsExactly("OK");
        assertThat(tip("FWD")).isEqualTo(commit);

        String next = commit("second.txt");
        ForwardedPushResult again = pushAsTheMirror(login, "FWD", commit, next);
        assertThat(again.refs()).extracting(ForwardedPushResult.RefResult::result).containsExactly("OK");
        assertThat(tip("FWD")).isEqualTo(next);
    }

    @Test
    void anRsaKeysLoginIsCheckedToo() {
        String before = tip("FWD");
        String commit = commit("rsa.txt");

        ForwardedPushResult taken = pushAsTheMirror(signedLogin(rsaWriter, "rsa-sha2-512"), "FWD", before, commit);

        assertThat(taken.refs()).extracting(ForwardedPushResult.RefResult::result).containsExactly("OK");
    }

    /** OpenSSH 8.8 and later refuse RSA signatures with SHA-1; so does the primary for a push through a mirror. */
    @Test
    void anRsaLoginSignedWithSha1IsRefusedWithTheReasonThoughTheSignatureIsTheUsersOwn() {
        assertRefused(signedLogin(rsaWriter, "ssh-rsa"), "FWD", 401, "ssh-rsa (RSA with SHA-1)");
    }

    @Test
    void aLoginSignedByOneKeyCannotStandForAnother() {
        SshLoginProof writers = signedLogin(people.writer(), "ssh-ed25519");
        SshLoginProof strangers = signedLogin(people.stranger(), "ssh-ed25519");
        // The writer's key with the stranger's signature: the mirror claims a login it never saw.
        SshLoginProof forged = new SshLoginProof(strangers.sessionId(), "git", "ssh-connection", "ssh-ed25519",
                writers.publicKey(), strangers.signature());
        String before = tip("FWD");

        UpstreamUnavailable refused = refused(forged, "FWD", before, commit("forged.txt"));

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.getMessage()).contains("does not verify");
        assertThat(tip("FWD")).isEqualTo(before);
    }

    @Test
    void aLoginForARepositoryTheMirrorDoesNotCarryIsRefused() {
        assertRefused(signedLogin(people.writer(), "ssh-ed25519"), "OTHER", 404, "does not exist");
    }

    @Test
    void aReadersLoginIsRefusedTheWrite() {
        assertRefused(signedLogin(people.reader(), "ecdsa-sha2-nistp256"), "FWD", 403, "WRITE");
    }

    @Test
    void aReadOnlyAccessKeysLoginIsRefusedTheWrite() {
        assertRefused(signedLogin(readOnlyAccessKey, "ssh-ed25519"), "FWD", 403, "WRITE");
    }

    @Test
    void anUnregisteredKeysLoginIsRefused() {
        assertRefused(signedLogin(people.unregistered(), "ssh-ed25519"), "FWD", 401, "not registered");
    }

    /** A new commit pushed as the mirror with {@code login} is refused with {@code status}, and the primary keeps its tip. */
    @Test
    void aForwardedPushNoMirrorSignedIsRefusedBeforeItsBodyIsTaken() throws Exception {
        java.io.InputStream endless = new java.io.InputStream() {
            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                java.util.Arrays.fill(buffer, offset, offset + length, (byte) 0);
                return length;
            }
        };
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(primary.baseUrl()
                        + "/rest/mirroring/latest/ssh-pushes/FWD/code"))
                .header("Authorization", "Bearer e30.e30.c2ln")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> endless)).build();
        // A body without end: only a refusal before the body is read can answer at all.
        java.net.http.HttpResponse<String> response = client.sendAsync(request,
                java.net.http.HttpResponse.BodyHandlers.ofString()).get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("Malformed");
    }

    private static void assertRefused(SshLoginProof login, String project, int status, String reason) {
        String before = tip(project);

        UpstreamUnavailable refused = refused(login, project, before, commit("refused-" + REFUSALS.incrementAndGet() + ".txt"));

        assertThat(refused.status()).isEqualTo(status);
        assertThat(refused.getMessage()).contains(reason);
        assertThat(tip(project)).isEqualTo(before);
    }

    /** What a client signs to log in (RFC 4252 §7), over a session id of its own. */
    private static SshLoginProof signedLogin(SshKeyPair key, String algorithm) {
        byte[] sessionId = new byte[32];
        new SecureRandom().nextBytes(sessionId);
        byte[] blob = Base64.getDecoder().decode(key.publicKey().split(" ")[1]);
        SshLoginProof unsigned = new SshLoginProof(sessionId, "git", "ssh-connection", algorithm, blob, new byte[] {0});
        try {
            KeyPair pair = new FileKeyPairProvider(key.privateKey()).loadKeys(null).iterator().next();
            Signature signer = BuiltinSignatures.fromFactoryName(algorithm).create();
            signer.initSigner(null, pair.getPrivate());
            byte[] data = unsigned.signedData();
            signer.update(null, data, 0, data.length);
            ByteArrayBuffer signature = new ByteArrayBuffer();
            signature.putString(algorithm);
            signature.putBytes(signer.sign(null));
            return new SshLoginProof(sessionId, "git", "ssh-connection", algorithm, blob, signature.getCompactData());
        } catch (Exception e) {
            throw new IllegalStateException("could not sign as " + key.privateKey(), e);
        }
    }

    private static UpstreamUnavailable refused(SshLoginProof login, String project, String from, String to) {
        return catchThrowableOfType(UpstreamUnavailable.class, () -> pushAsTheMirror(login, project, from, to));
    }

    /** Moves {@code main} from one commit to another on the primary, with the mirror's key, as a mirror would. */
    private static ForwardedPushResult pushAsTheMirror(SshLoginProof login, String project, String from, String to) {
        UpstreamClient client = mirror.clientWithItsKey(primary);
        try (Repository repository = new FileRepositoryBuilder().setGitDir(work.resolve(".git").toFile()).build()) {
            Path body = Files.createTempFile(home, "push", ".req");
            BodyDigest digest = ForwardedPushRequest.write(body, repository,
                    List.of(new ReceiveCommand(ObjectId.fromString(from), ObjectId.fromString(to), "refs/heads/main")),
                    List.of(ObjectId.fromString(from)), ForwardedSshLogin.of(login, "192.0.2.7"));
            return client.forwardSshPush(primary.instance.instanceId(), project, "code", body, digest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String commit(String file) {
        git.commitFile(work, file, file + "\n");
        return git.run(work, "rev-parse", "HEAD").requireSuccess().stdout().strip();
    }

    private static String tip(String project) {
        return git.lsRemote(work, primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, project, "code")).stream()
                .filter(line -> line.endsWith("\trefs/heads/main")).map(line -> line.substring(0, 40)).findFirst()
                .orElseThrow();
    }
}
