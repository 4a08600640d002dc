package dev.facet.core.access;

import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;

/**
 * Decides who a Git request comes from and which local repository it may use. The primary
 * decides itself; a mirror asks its primary, so access on a mirror equals access on the primary.
 */
public interface GitRequestAuthorizer {
    /**
     * @param authorization the request's {@code Authorization} header, or null
     * @throws dev.facet.core.error.AuthenticationRequired when credentials are missing or wrong
     * @throws dev.facet.core.error.NotFound               when the repository does not exist for this caller
     * @throws dev.facet.core.error.PermissionDenied       when the caller may read but not write
     */
    AuthorizedGitRequest authorize(String authorization, ProjectKey project, RepositorySlug repository,
                                   AccessLevel needed);

    /** The outcome: the local repository to open, and who asked. */
    record AuthorizedGitRequest(long repositoryId, Caller caller) {
    }
}
