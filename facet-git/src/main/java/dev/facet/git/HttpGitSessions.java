package dev.facet.git;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.transport.resolver.ReceivePackFactory;
import org.eclipse.jgit.transport.resolver.RepositoryResolver;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;
import org.eclipse.jgit.transport.resolver.UploadPackFactory;

/**
 * Carries a {@link GitSession} through a servlet request: the access filter attaches it, and
 * JGit's servlet reaches the transport-neutral resolver and factories through these adapters.
 * A request without a session was never let through access control, and gets nothing.
 */
public final class HttpGitSessions {
    private static final String ATTRIBUTE = GitSession.class.getName();

    private HttpGitSessions() {
    }

    public static void attach(ServletRequest request, GitSession session) {
        request.setAttribute(ATTRIBUTE, session);
    }

    public static Optional<GitSession> of(ServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof GitSession session ? Optional.of(session) : Optional.empty();
    }

    public static RepositoryResolver<HttpServletRequest> resolver(RepositoryResolver<GitSession> resolver) {
        return (request, name) -> resolver.open(of(request).orElseThrow(() -> new RepositoryNotFoundException(name)),
                name);
    }

    public static UploadPackFactory<HttpServletRequest> uploadPacks(UploadPackFactory<GitSession> uploadPacks) {
        return (request, repository) -> uploadPacks.create(of(request).orElseThrow(ServiceNotAuthorizedException::new),
                repository);
    }

    public static ReceivePackFactory<HttpServletRequest> receivePacks(ReceivePackFactory<GitSession> receivePacks) {
        return (request, repository) -> receivePacks.create(of(request).orElseThrow(ServiceNotAuthorizedException::new),
                repository);
    }
}
