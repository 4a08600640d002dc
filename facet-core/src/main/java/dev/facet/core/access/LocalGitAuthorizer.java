package dev.facet.core.access;

import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import java.util.Optional;

/** Git access decided on this instance, for every transport: its own users, tokens, keys and permissions. */
public final class LocalGitAuthorizer implements GitRequestAuthorizer {
    private final Authenticator authenticator;
    private final GitAccessPolicy policy;

    public LocalGitAuthorizer(Authenticator authenticator, GitAccessPolicy policy) {
        this.authenticator = authenticator;
        this.policy = policy;
    }

    @Override
    public AuthorizedGitRequest authorize(Optional<Credentials> credentials, String clientAddress, ProjectKey project,
                                          RepositorySlug repository, AccessLevel needed) {
        Caller caller = authenticator.caller(credentials, clientAddress);
        return new AuthorizedGitRequest(policy.authorize(caller, project, repository, needed), caller);
    }
}
