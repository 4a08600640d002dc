package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users' SSH keys through Bitbucket's {@code /rest/ssh/latest/keys}, with keys made by the real ssh-keygen. */
class SshKeysRestTest {
    private static final String KEYS = "/rest/ssh/latest/keys";

    @TempDir
    static Path home;
    static TestPrimary primary;
    static RestClient alice;
    static RestClient bob;

    @BeforeAll
    static void start() {
        primary = TestPrimary.start(home.resolve("primary"));
        primary.createUser("alice", "alice-pass-1");
        primary.createUser("bob", "bob-pass-1");
        alice = primary.anonymous.as("alice", "alice-pass-1");
        bob = primary.anonymous.as("bob", "bob-pass-1");
    }

    @AfterAll
    static void stop() {
        primary.close();
    }

    @Test
    void aUserAddsListsAndRemovesTheirOwnKey() {
        SshKeyPair key = SshKeyPair.generate(home.resolve("keys"), "alice-ed25519", "-t", "ed25519");

        JsonNode added = TestPrimary.expect(201, alice.post(KEYS, RestClient.json("text", key.publicKey(),
                "label", "laptop"))).json();

        assertThat(added.path("algorithmType").asText()).isEqualTo("ED25519");
        assertThat(added.path("bitLength").asInt()).isEqualTo(256);
        assertThat(added.path("fingerprint").asText()).isEqualTo(key.fingerprint());
        assertThat(added.path("label").asText()).isEqualTo("laptop");
        assertThat(added.path("text").asText()).isEqualTo(key.publicKey());
        long id = added.path("id").asLong();
        assertThat(TestPrimary.expect(200, alice.get(KEYS)).json().path("values")).extracting(v -> v.path("id").asLong())
                .contains(id);
        assertThat(TestPrimary.expect(200, bob.get(KEYS)).json().path("values"))
                .extracting(v -> v.path("id").asLong()).doesNotContain(id);
        assertThat(TestPrimary.expect(200, primary.admin.get(KEYS + "?user=alice")).json().path("values"))
                .extracting(v -> v.path("fingerprint").asText()).contains(key.fingerprint());

        assertThat(bob.get(KEYS + "/" + id).status()).isEqualTo(404);
        assertThat(bob.delete(KEYS + "/" + id).status()).isEqualTo(404);
        assertThat(bob.get(KEYS + "?user=alice").status()).isEqualTo(403);
        TestPrimary.expect(204, alice.delete(KEYS + "/" + id));
        assertThat(TestPrimary.expect(200, alice.get(KEYS)).json().path("values"))
                .extracting(v -> v.path("id").asLong()).doesNotContain(id);
    }

    @Test
    void aKeyBelongsToOneUserOnly() {
        SshKeyPair key = SshKeyPair.generate(home.resolve("keys"), "shared-ecdsa", "-t", "ecdsa", "-b", "384");
        JsonNode added = TestPrimary.expect(201, alice.post(KEYS, RestClient.json("text", key.publicKey()))).json();
        assertThat(added.path("algorithmType").asText()).isEqualTo("ECDSA");
        assertThat(added.path("bitLength").asInt()).isEqualTo(384);
        assertThat(added.path("label").asText()).isEqualTo("shared-ecdsa@test");

        RestClient.Response again = bob.post(KEYS, RestClient.json("text", key.publicKey()));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.firstError()).contains("already registered").doesNotContain("alice");
        assertThat(alice.post(KEYS, RestClient.json("text", key.publicKey())).status()).isEqualTo(409);
    }

    @Test
    void weakKeysAreRefusedWithTheReason() {
        SshKeyPair shortRsa = SshKeyPair.generate(home.resolve("keys"), "short-rsa", "-t", "rsa", "-b", "1024");
        SshKeyPair dsa = SshKeyPair.generate(home.resolve("keys"), "old-dsa", "-t", "dsa");

        RestClient.Response rsa = alice.post(KEYS, RestClient.json("text", shortRsa.publicKey()));
        assertThat(rsa.status()).isEqualTo(400);
        assertThat(rsa.firstError()).contains("1024 bits").contains("2048");
        RestClient.Response dss = alice.post(KEYS, RestClient.json("text", dsa.publicKey()));
        assertThat(dss.status()).isEqualTo(400);
        assertThat(dss.firstError()).contains("DSA");
        SshKeyPair strongRsa = SshKeyPair.generate(home.resolve("keys"), "rsa-3072", "-t", "rsa", "-b", "3072");
        assertThat(TestPrimary.expect(201, alice.post(KEYS, RestClient.json("text", strongRsa.publicKey()))).json()
                .path("bitLength").asInt()).isEqualTo(3072);
    }

    @Test
    void whatIsNotAPublicKeyIsAClearBadRequest() throws Exception {
        SshKeyPair key = SshKeyPair.generate(home.resolve("keys"), "private-pasted", "-t", "ed25519");
        String privateText = java.nio.file.Files.readString(key.privateKey());
        String[] words = key.publicKey().split(" ");

        for (String text : new String[] {"", "hello", privateText, "ssh-ed25519 !!!notbase64",
                "ssh-rsa " + words[1], words[0] + " " + words[1].substring(0, 20)}) {
            RestClient.Response response = alice.post(KEYS, RestClient.json("text", text));
            assertThat(response.status()).as(text).isEqualTo(400);
            assertThat(response.firstError()).as(text).isNotBlank();
        }
        assertThat(alice.post(KEYS, "{not json").status()).isEqualTo(400);
        assertThat(alice.get(KEYS + "/abc").status()).isEqualTo(400);
    }

    @Test
    void onlyTheWholeAccountAddsKeysAndStrangersGetNothing() {
        String token = TestPrimary.expect(201, alice.put("/rest/access-tokens/1.0/users/alice",
                RestClient.json("name", "ci", "permissions", new String[] {"REPO_WRITE"}))).json().path("token").asText();
        SshKeyPair key = SshKeyPair.generate(home.resolve("keys"), "via-token", "-t", "ed25519");

        assertThat(primary.anonymous.withAuthorization("Bearer " + token)
                .post(KEYS, RestClient.json("text", key.publicKey())).status()).isEqualTo(403);
        assertThat(primary.anonymous.post(KEYS, RestClient.json("text", key.publicKey())).status()).isEqualTo(401);
        assertThat(primary.anonymous.get(KEYS).status()).isEqualTo(401);
        assertThat(TestPrimary.expect(201, primary.admin.post(KEYS + "?user=bob",
                RestClient.json("text", key.publicKey()))).json().path("id").asLong()).isPositive();
        assertThat(TestPrimary.expect(200, bob.get(KEYS)).json().path("values"))
                .extracting(v -> v.path("fingerprint").asText()).contains(key.fingerprint());
        TestPrimary.expect(204, bob.delete(KEYS));
        assertThat(TestPrimary.expect(200, bob.get(KEYS)).json().path("values")).isEmpty();
    }

    @Test
    void anAdministratorGivesNoSystemAdministratorAKeyOfTheirs() {
        TestPrimary.expect(201, primary.admin.post("/rest/api/latest/admin/users", RestClient.json("name", "helpdesk",
                "password", "helpdesk-pass-1", "displayName", "Help Desk", "emailAddress", "helpdesk@example.com",
                "role", "ADMIN")));
        RestClient helpdesk = primary.anonymous.as("helpdesk", "helpdesk-pass-1");
        SshKeyPair key = SshKeyPair.generate(home.resolve("keys"), "helpdesk-own", "-t", "ed25519");

        assertThat(helpdesk.post(KEYS + "?user=admin", RestClient.json("text", key.publicKey())).status())
                .as("a key of theirs on the system administrator's account would let them push as that account")
                .isEqualTo(403);
        assertThat(TestPrimary.expect(200, primary.admin.get(KEYS)).json().path("values"))
                .extracting(v -> v.path("fingerprint").asText()).doesNotContain(key.fingerprint());
        TestPrimary.expect(201, helpdesk.post(KEYS + "?user=bob", RestClient.json("text", key.publicKey())));
        TestPrimary.expect(204, bob.delete(KEYS));
    }
}
