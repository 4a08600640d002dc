package dev.facet.web;

import dev.facet.core.access.Caller;
import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.FacetException;
import dev.facet.core.identity.TokenRejected;
import dev.facet.git.GitHttpEndpoint;
import dev.facet.git.GitSession;
import dev.facet.git.HttpGitSessions;
import dev.facet.mirror.PeerReads;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards the peer endpoint, {@code /farm/scm/repositories/{id}.git}: where a farm node's peers fetch
 * its copy of a repository by the id the farm shares. Only Git's upload-pack is served (nothing is
 * ever pushed here), and only to a caller {@link PeerReads} lets in; users, and anyone else, get
 * 401 or 404 and never an object.
 */
final class PeerGitFilter implements Filter {
    private static final Logger log = LoggerFactory.getLogger(PeerGitFilter.class);
    static final String MOUNT = PeerReads.MOUNT;
    private static final String REPOSITORIES = "repositories";
    private static final Pattern REPOSITORY_ID = Pattern.compile("[1-9][0-9]{0,17}");

    private final PeerReads peers;

    PeerGitFilter(PeerReads peers) {
        this.peers = peers;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        GitHttpEndpoint endpoint = GitHttpEndpoint.of(request).orElse(null);
        if (endpoint == null || endpoint.isPush() || !REPOSITORIES.equals(endpoint.project())
                || !REPOSITORY_ID.matcher(endpoint.repository()).matches()) {
            GitAccessFilter.reply(response, 404, "Not a peer endpoint: farm nodes fetch " + MOUNT + "/" + REPOSITORIES
                    + "/ID.git with Git's upload-pack only.");
            return;
        }
        long repositoryId = Long.parseLong(endpoint.repository());
        try {
            peers.check(request.getHeader("Authorization"), repositoryId, PeerReads.resource(repositoryId));
        } catch (AuthenticationRequired e) {
            response.setHeader("WWW-Authenticate", e instanceof TokenRejected
                    ? "Bearer error=\"invalid_token\"" : "Bearer");
            GitAccessFilter.reply(response, 401, e.getMessage());
            return;
        } catch (FacetException e) {
            GitAccessFilter.reply(response, ErrorMapping.status(e), e.getMessage());
            return;
        } catch (RuntimeException e) {
            log.error("peer access check for repository {} failed", repositoryId, e);
            GitAccessFilter.reply(response, 500, "Facet could not check this peer's access; the server log has the details.");
            return;
        }
        // A peer is another node of the same farm, not a user: it only ever reads, and no user rule applies to it.
        HttpGitSessions.attach(request, new GitSession(repositoryId, Caller.ANONYMOUS, request.getHeader("Git-Protocol")));
        chain.doFilter(request, response);
    }
}
