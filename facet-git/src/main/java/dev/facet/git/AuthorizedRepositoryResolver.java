package dev.facet.git;

import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.resolver.RepositoryResolver;

/**
 * Opens the repository that access control already chose for this request. It never maps a
 * URL to a path itself, so nothing in a URL can reach a directory outside the store.
 */
public final class AuthorizedRepositoryResolver implements RepositoryResolver<HttpServletRequest> {
    private final RepositoryStore repositories;

    public AuthorizedRepositoryResolver(RepositoryStore repositories) {
        this.repositories = repositories;
    }

    @Override
    public Repository open(HttpServletRequest request, String name) throws RepositoryNotFoundException {
        if (!(request.getAttribute(GitRequestAttributes.REPOSITORY_ID) instanceof Long repositoryId)) {
            throw new RepositoryNotFoundException(name);
        }
        if (!repositories.exists(repositoryId)) {
            throw new RepositoryNotFoundException(name);
        }
        return repositories.open(repositoryId);
    }
}
