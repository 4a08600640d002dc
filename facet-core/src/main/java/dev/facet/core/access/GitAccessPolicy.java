package dev.facet.core.access;

import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;

/** Decides whether a caller may read or write a repository over Git. */
public interface GitAccessPolicy {
    /**
     * @return the id of the repository the caller may use at {@code needed}
     * @throws dev.facet.core.error.AuthenticationRequired when an anonymous caller is refused
     * @throws dev.facet.core.error.NotFound               when the repository does not exist or the caller may not see it
     * @throws dev.facet.core.error.PermissionDenied       when the caller may read but not write
     */
    long authorize(Caller caller, ProjectKey project, RepositorySlug repository, AccessLevel needed);

    /**
     * Checks, where a pack is about to be received, that the caller may write the repository with
     * this id: the one decision a push cannot get around, whatever URL brought it here.
     *
     * @throws dev.facet.core.error.AuthenticationRequired when the caller is anonymous
     * @throws dev.facet.core.error.NotFound               when the repository does not exist or the caller may not see it
     * @throws dev.facet.core.error.PermissionDenied       when the caller may read but not write
     */
    void requireWrite(Caller caller, long repositoryId);
}
