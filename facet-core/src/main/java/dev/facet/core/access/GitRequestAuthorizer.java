package dev.facet.core.access;

import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import java.util.Optional;

/**
 * Decides who a Git request comes from and which local repository it may use, whichever
 * transport brought it (HTTP, SSH): each transport reads the credentials and the names, and
 * this decides. The primary decides itself; a mirror asks its primary, so access on a mirror
 * equals access on the primary.
 */
public interface GitRequestAuthorizer {
    /**
     * @param credentials   what the client presented; empty for an anonymous request
     * @param clientAddress the address of the Git client, for the throttle on wrong credentials
     * @throws dev.facet.core.error.AuthenticationRequired when credentials are missing or wrong
     * @throws dev.facet.core.error.NotFound               when the repository does not exist for this caller
     * @throws dev.facet.core.error.PermissionDenied       when the caller may read but not write
     * @throws dev.facet.core.error.TooManyAttempts        while the client must wait after wrong credentials
     */
    AuthorizedGitRequest authorize(Optional<Credentials> credentials, String clientAddress, ProjectKey project, RepositorySlug repository,
                                   AccessLevel needed);

    /** The outcome: the local repository to open, and who asked. */
    record AuthorizedGitRequest(long repositoryId, Caller caller) {
    }
}
