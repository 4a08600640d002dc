package dev.facet.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bitbucket answers every REST path under its version number and under {@code latest} alike, and
 * clients use both: those generated from Atlassian's OpenAPI spec call {@code /rest/api/latest},
 * older scripts and plugins {@code /rest/api/1.0} or {@code /rest/mirroring/1.0}. Routes are declared
 * once, under {@code latest}; this filter hands every {@code /rest/<group>/1.0/…} request to them as
 * {@code /rest/<group>/latest/…}, for every route group of every role, before any route sees it.
 */
final class RestVersionAliases implements Filter {
    static final String LATEST = "latest";
    private static final Pattern VERSIONED = Pattern.compile("^(/rest/[^/]+/)1\\.0(/.*)?$");

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        String canonical = canonical(request.getRequestURI());
        chain.doFilter(canonical.equals(request.getRequestURI()) ? request : new Rewritten(request, canonical), res);
    }

    /** The path a route is declared under: {@code 1.0} in the version segment becomes {@code latest}. */
    static String canonical(String path) {
        if (path == null) {
            return null;
        }
        Matcher versioned = VERSIONED.matcher(path);
        if (!versioned.matches()) {
            return path;
        }
        return versioned.group(1) + LATEST + (versioned.group(2) == null ? "" : versioned.group(2));
    }

    /** The request as the routes see it: the same in all but its path. */
    private static final class Rewritten extends HttpServletRequestWrapper {
        private final String path;

        Rewritten(HttpServletRequest request, String path) {
            super(request);
            this.path = path;
        }

        @Override
        public String getRequestURI() {
            return path;
        }

        @Override
        public StringBuffer getRequestURL() {
            StringBuffer original = super.getRequestURL();
            String uri = super.getRequestURI();
            int at = original.lastIndexOf(uri);
            return at < 0 ? original : new StringBuffer(original.substring(0, at)).append(path);
        }

        @Override
        public String getServletPath() {
            return "";
        }

        @Override
        public String getPathInfo() {
            return path;
        }
    }
}
