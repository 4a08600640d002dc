package dev.facet.web;

import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.Credentials;
import dev.facet.core.access.GitRequestAuthorizer;
import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.FacetException;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.error.TooManyAttempts;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.git.GitHttpEndpoint;
import dev.facet.git.GitSession;
import dev.facet.git.HttpGitSessions;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards {@code /scm/{project}/{repo}.git}: lets through only Git's smart HTTP endpoints, parses
 * the URL into validated names and the {@code Authorization} header into credentials, asks the
 * transport-neutral authorizer, and hands the resulting {@link GitSession} to the Git servlet.
 * Git clients see 401 with a Basic challenge (so they prompt), 403 or 404, each with a line
 * saying why.
 */
final class GitAccessFilter implements Filter {
    private static final Logger log = LoggerFactory.getLogger(GitAccessFilter.class);

    private final GitRequestAuthorizer authorizer;

    GitAccessFilter(GitRequestAuthorizer authorizer) {
        this.authorizer = authorizer;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String path = request.getPathInfo();
        GitHttpEndpoint endpoint = GitHttpEndpoint.of(request).orElse(null);
        if (endpoint == null) {
            reply(response, 404, GitHttpEndpoint.EXPECTED);
            return;
        }
        try {
            ProjectKey project = ProjectKey.of(endpoint.project());
            RepositorySlug slug = RepositorySlug.of(endpoint.repository());
            // An early answer for the client; the receive-pack factory decides again where the pack is taken.
            AccessLevel needed = endpoint.isPush() ? AccessLevel.WRITE : AccessLevel.READ;
            GitRequestAuthorizer.AuthorizedGitRequest authorized =
                    authorizer.authorize(Credentials.parse(request.getHeader("Authorization")), request.getRemoteAddr(),
                            project, slug, needed);
            HttpGitSessions.attach(request, new GitSession(authorized.repositoryId(), authorized.caller(),
                    request.getHeader("Git-Protocol")));
        } catch (TooManyAttempts e) {
            response.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
            reply(response, 429, e.getMessage());
            return;
        } catch (AuthenticationRequired e) {
            response.setHeader("WWW-Authenticate", ErrorMapping.CHALLENGE);
            reply(response, 401, e.getMessage());
            return;
        } catch (InvalidInput e) {
            reply(response, 404, "Repository not found: " + e.getMessage());
            return;
        } catch (FacetException e) {
            reply(response, ErrorMapping.status(e), e.getMessage());
            return;
        } catch (RuntimeException e) {
            log.error("Git access check for {} failed", path, e);
            reply(response, 500, "Facet could not check access to this repository; the server log has the details.");
            return;
        }
        chain.doFilter(request, response);
    }

    /** A plain-text answer Git shows its user as it is. */
    static void reply(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain; charset=UTF-8");
        response.getOutputStream().write((message + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
