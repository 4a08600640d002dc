package dev.facet.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last line for failures nothing else mapped (a Git filter, the Git servlet): logged here with
 * their cause, answered with one plain sentence. Without it the container's error page would name
 * the exception and its message to whoever asked.
 */
final class UncaughtFailures implements Filter {
    private static final Logger log = LoggerFactory.getLogger(UncaughtFailures.class);

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        try {
            chain.doFilter(req, res);
        } catch (RuntimeException | ServletException e) {
            HttpServletRequest request = (HttpServletRequest) req;
            HttpServletResponse response = (HttpServletResponse) res;
            if (e instanceof HttpException rejected && rejected.getCode() < 500) {
                // the container's own verdict on the request (an ambiguous path, say): the client's mistake
                answer(response, rejected.getCode(), "The request was refused: " + rejected.getReason());
                return;
            }
            log.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
            answer(response, 500, "Facet could not complete this request; the server log has the details.");
        }
    }

    private static void answer(HttpServletResponse response, int status, String message) throws IOException {
        if (!response.isCommitted()) {
            response.reset();
            response.setStatus(status);
            response.setContentType("text/plain; charset=UTF-8");
            response.getOutputStream().write((message + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }
}
