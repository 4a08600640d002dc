package dev.facet.git;

import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.resolver.RepositoryResolver;

/**
 * Opens the repository that access control already chose for this session. It never maps a
 * URL or a command's path to a directory itself, so nothing a client sends can reach a
 * directory outside the store.
 */
public final class AuthorizedRepositoryResolver implements RepositoryResolver<GitSession> {
    private final RepositoryStore repositories;

    public AuthorizedRepositoryResolver(RepositoryStore repositories) {
        this.repositories = repositories;
    }

    @Override
    public Repository open(GitSession session, String name) throws RepositoryNotFoundException {
        if (!repositories.exists(session.repositoryId())) {
            throw new RepositoryNotFoundException(name);
        }
        return repositories.open(session.repositoryId());
    }
}
