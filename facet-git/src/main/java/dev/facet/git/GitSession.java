package dev.facet.git;

import dev.facet.core.access.Caller;
import dev.facet.core.access.SshLoginProof;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One Git conversation after access was decided, whatever transport carries it: the repository
 * the caller was let into and who the caller is. The repository resolver and the upload and
 * receive factories read only this, so HTTP and SSH reach the same rules through the same code.
 *
 * @param repositoryId the repository access control chose (never a path taken from a URL or a command)
 * @param caller       who is asking ({@link Caller#ANONYMOUS} for a public read)
 * @param gitProtocol  what the client asked for in {@code Git-Protocol} (HTTP) or {@code GIT_PROTOCOL} (SSH),
 *                     such as {@code version=2}; null when it asked for nothing
 * @param sshLogin     over SSH, what the client signed to log in, which a mirror passes on with a push so the
 *                     primary can check the user's own signature; null over HTTP
 */
public record GitSession(long repositoryId, Caller caller, String gitProtocol, SshLoginProof sshLogin) {
    public GitSession {
        Objects.requireNonNull(caller, "caller");
    }

    public GitSession(long repositoryId, Caller caller, String gitProtocol) {
        this(repositoryId, caller, gitProtocol, null);
    }

    /** The protocol parameters JGit takes; without them it answers in protocol v0. */
    public List<String> protocolParameters() {
        return gitProtocol == null || gitProtocol.isBlank() ? List.of() : Arrays.asList(gitProtocol.split(":"));
    }
}
