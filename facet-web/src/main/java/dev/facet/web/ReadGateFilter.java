package dev.facet.web;

import dev.facet.git.GitHttpEndpoint;
import dev.facet.git.GitSession;
import dev.facet.git.HttpGitSessions;
import dev.facet.mirror.CatchingUp;
import dev.facet.mirror.ReadGate;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Puts a mirror's {@link ReadGate} before every Git read: the upload-pack advertisement and the
 * upload-pack call alike (a protocol v2 client lists refs in the call, and a client may get the
 * advertisement from one farm node and send its wants to another). Runs after the access check,
 * which names the repository, and before anything that answers from a cache.
 */
final class ReadGateFilter implements Filter {
    private final ReadGate gate;

    ReadGateFilter(ReadGate gate) {
        this.gate = gate;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        boolean read = GitHttpEndpoint.of(request).filter(endpoint -> !endpoint.isPush()).isPresent();
        GitSession session = HttpGitSessions.of(request).orElse(null);
        if (read && session != null) {
            try {
                gate.beforeRead(session.repositoryId());
            } catch (CatchingUp e) {
                HttpServletResponse response = (HttpServletResponse) res;
                response.setStatus(503);
                response.setHeader("Retry-After", "1");
                response.setContentType("text/plain; charset=UTF-8");
                response.getOutputStream().write((e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        chain.doFilter(req, res);
    }
}
