package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git over SSH on a farm: host keys made once with ssh-keygen and copied into each node's home
 * before its first start, as README says, so one known-hosts entry with strict checking trusts
 * every node, whichever one a balancer picks.
 */
class FarmGitOverSshTest {
    /** The one name clients know the farm by, as they would know a balancer's. */
    private static final String FARM_HOST = "git.farm.example";

    @TempDir
    Path dir;

    @Test
    void twoNodesWithCopiedHostKeysServeAnSshCloneTrustedByOneKnownHostsFileAndShareLfsCredentials() throws Exception {
        try (TestPrimary primary = TestPrimary.start(dir.resolve("primary"))) {
            primary.createProject("FSH");
            primary.createRepository("FSH", "code", false);
            SshPeople people = SshPeople.on(primary, "FSH", dir.resolve("user-keys"));
            GitClient git = new GitClient(dir.resolve("git-home"));
            Path work = git.newWorkTree(dir.resolve("work"), "README.md");
            git.run(work, "push", "-q", primary.gitUrl("writer", "writer-pass-1", "FSH", "code"), "main")
                    .requireSuccess();
            String head = git.run(work, "rev-parse", "HEAD").requireSuccess().stdout().strip();

            Path made = dir.resolve("host-keys");
            SshKeyPair ed25519 = SshKeyPair.generate(made, "ssh_host_ed25519_key", "-t", "ed25519");
            SshKeyPair rsa = SshKeyPair.generate(made, "ssh_host_rsa_key", "-t", "rsa", "-b", "3072");
            Path farmHomes = dir.resolve("farm");
            for (int node = 1; node <= 2; node++) {
                copyHostKeys(made, farmHomes.resolve("ssh-node-" + node).resolve("keys"));
            }
            Path knownHosts = dir.resolve("known_hosts");
            Files.writeString(knownHosts, FARM_HOST + " " + ed25519.publicKey().replaceAll(" [^ ]+$", "") + "\n"
                    + FARM_HOST + " " + rsa.publicKey().replaceAll(" [^ ]+$", "") + "\n");

            try (TestFarm farm = TestFarm.start(farmHomes, primary.baseUrl(), "ssh", 2, Map.of())) {
                farm.authorizeOn(primary);
                for (TestFarm.Node node : farm.nodes) {
                    assertThat(Files.readString(node.home().resolve("keys/ssh_host_ed25519_key")))
                            .isEqualTo(Files.readString(made.resolve("ssh_host_ed25519_key")));
                    String url = "ssh://git@127.0.0.1:" + node.instance().sshPort().orElseThrow() + "/FSH/code.git";
                    String ssh = people.reader().sshCommand(knownHosts) + " -o HostKeyAlias=" + FARM_HOST;
                    Path clone = dir.resolve("clone-" + node.home().getFileName());

                    GitClient.Result cloned = git.run(dir, Map.of("GIT_SSH_COMMAND", ssh), "clone", "-q", url,
                            clone.toString());
                    assertThat(cloned.exitCode()).as(node.home() + ": " + cloned.stderr()).isZero();
                    assertThat(git.run(clone, "rev-parse", "HEAD").requireSuccess().stdout().strip()).isEqualTo(head);
                    GitClient.Result rsaOnly = git.run(dir, Map.of("GIT_SSH_COMMAND", ssh
                            + " -o HostKeyAlgorithms=rsa-sha2-512,rsa-sha2-256"), "ls-remote", url);
                    assertThat(rsaOnly.exitCode()).as("old clients that know only RSA: " + rsaOnly.stderr()).isZero();
                }

                // git-lfs-authenticate on one node hands out a credential the other takes: the farm shares its key.
                int firstPort = farm.nodes.get(0).instance().sshPort().orElseThrow();
                Path firstNodeKnownHosts = dir.resolve("known_hosts_first_node");
                Files.writeString(firstNodeKnownHosts, "[localhost]:" + firstPort + " "
                        + ed25519.publicKey().replaceAll(" [^ ]+$", "") + "\n");
                GitClient.Result lfs = people.reader().ssh(firstNodeKnownHosts, firstPort, "git-lfs-authenticate",
                        "FSH/code", "download");
                assertThat(lfs.exitCode()).as(lfs.stderr()).isZero();
                String credential = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lfs.stdout())
                        .path("header").path("Authorization").asText();
                assertThat(credential).startsWith("Bearer facet-lfs-ssh.");
                byte[] absent = "not stored anywhere\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                String secondNode = farm.nodes.get(1).url();
                await().atMost(java.time.Duration.ofSeconds(30)).until(() -> new LfsHttp(secondNode).batch("FSH/code",
                        credential, "download", LfsHttp.oid(absent), absent.length).status() == 200);
                assertThat(new LfsHttp(secondNode).batch("FSH/code", "Bearer facet-lfs-ssh.forged", "download",
                        LfsHttp.oid(absent), absent.length).status()).isEqualTo(401);

                Path otherKnownHosts = dir.resolve("known_hosts_other");
                SshKeyPair other = SshKeyPair.generate(dir.resolve("other"), "other_host_key", "-t", "ed25519");
                Files.writeString(otherKnownHosts, FARM_HOST + " " + other.publicKey().replaceAll(" [^ ]+$", "")
                        + "\n");
                GitClient.Result impostor = git.run(dir, Map.of("GIT_SSH_COMMAND", people.reader()
                        .sshCommand(otherKnownHosts) + " -o HostKeyAlias=" + FARM_HOST), "ls-remote",
                        "ssh://git@127.0.0.1:" + farm.nodes.get(0).instance().sshPort().orElseThrow() + "/FSH/code.git");
                assertThat(impostor.exitCode()).as("strict checking is in force").isNotZero();
                assertThat(impostor.stderr()).contains("HOST IDENTIFICATION HAS CHANGED");
            }
        }
    }

    private static void copyHostKeys(Path from, Path keys) throws IOException {
        Files.createDirectories(keys);
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwx------"));
        for (String name : List.of("ssh_host_ed25519_key", "ssh_host_rsa_key")) {
            Files.copy(from.resolve(name), keys.resolve(name));
            Files.setPosixFilePermissions(keys.resolve(name), PosixFilePermissions.fromString("rw-------"));
        }
    }
}
