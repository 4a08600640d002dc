package dev.facet.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Headers every answer carries, Git and REST included: browsers must not guess a content type
 * other than the one declared (a pack or a JSON error rendered as HTML), and must not tell other
 * sites which Facet page linked to them. Pages add their own Content-Security-Policy ({@link Pages}).
 */
final class SecurityHeaders implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletResponse http = (HttpServletResponse) response;
        http.setHeader("X-Content-Type-Options", "nosniff");
        http.setHeader("Referrer-Policy", "same-origin");
        chain.doFilter(request, response);
    }
}
