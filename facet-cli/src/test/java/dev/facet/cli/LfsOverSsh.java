package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A server's Git LFS over SSH as its tests drive it: git-lfs clients, the SSH command of a key, and what
 * {@code git-lfs-authenticate} answers a key.
 *
 * @param knownHosts the known-hosts file naming the server's host key
 * @param sshPort    the server's SSH port
 * @param project    the project the repositories are in
 */
record LfsOverSsh(Path knownHosts, int sshPort, String project) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A Git client with git-lfs installed in its own home under {@code work}. */
    static GitClient lfsClient(Path work, String name) {
        GitClient git = new GitClient(work.resolve(name + "-home"));
        git.run(work, "lfs", "install", "--skip-repo").requireSuccess();
        return git;
    }

    /** The environment that makes Git use {@code key} over SSH. */
    Map<String, String> as(SshKeyPair key) {
        return Map.of("GIT_SSH_COMMAND", key.sshCommand(knownHosts));
    }

    /** What {@code git-lfs-authenticate} answers {@code key}, as git-lfs reads it. */
    JsonNode authenticate(SshKeyPair key, String repository, String operation) throws IOException {
        GitClient.Result answer = key.ssh(knownHosts, sshPort, "git-lfs-authenticate",
                "/" + project + "/" + repository + ".git", operation);
        assertThat(answer.exitCode()).as(answer.stderr()).isZero();
        return JSON.readTree(answer.stdout());
    }

    static String authorization(JsonNode answer) {
        return answer.path("header").path("Authorization").asText();
    }
}
