package dev.facet.web;

import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.Caller;
import dev.facet.core.access.GitAccessPolicy;
import dev.facet.core.access.GitRequestAuthorizer;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;

/** Git access decided on this instance: its own users, tokens and permissions. */
final class LocalGitAuthorizer implements GitRequestAuthorizer {
    private final RequestAuthentication authentication;
    private final GitAccessPolicy policy;

    LocalGitAuthorizer(RequestAuthentication authentication, GitAccessPolicy policy) {
        this.authentication = authentication;
        this.policy = policy;
    }

    @Override
    public AuthorizedGitRequest authorize(String authorization, String clientAddress, ProjectKey project, RepositorySlug repository,
                                          AccessLevel needed) {
        Caller caller = authentication.caller(authorization, clientAddress);
        return new AuthorizedGitRequest(policy.authorize(caller, project, repository, needed), caller);
    }
}
