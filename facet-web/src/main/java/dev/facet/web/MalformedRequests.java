package dev.facet.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Refuses, before any route or Git filter sees them, requests whose envelope cannot be read: a
 * query string that is not percent-encoded UTF-8, or a body in a charset this JVM does not know.
 * Read later, deep in a handler, they would surface as a server error instead of the client's.
 * It also refuses multipart bodies, which no Facet route takes: Jetty parses them from the
 * connection itself, past {@link ClientBodyRate}, so a client trickling one would hold a thread.
 */
final class MalformedRequests implements Filter {
    private static final String QUERY_PROBLEM = "The query string";

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        String contentType = request.getHeader("Content-Type");
        Optional<String> problem = queryProblem(request.getQueryString()).or(() -> charsetProblem(contentType))
                .or(() -> multipartProblem(contentType));
        if (problem.isEmpty()) {
            chain.doFilter(req, res);
            return;
        }
        HttpServletResponse response = (HttpServletResponse) res;
        response.setStatus(problem.get().startsWith(QUERY_PROBLEM) ? 400 : 415);
        if (request.getRequestURI().startsWith("/rest/")) {
            response.setContentType("application/json; charset=UTF-8");
            response.getOutputStream().write(("{\"errors\":[{\"message\":\"" + problem.get().replace("\"", "'")
                    + "\",\"context\":null,\"exceptionName\":\"InvalidInput\"}]}").getBytes(StandardCharsets.UTF_8));
        } else {
            response.setContentType("text/plain; charset=UTF-8");
            response.getOutputStream().write((problem.get() + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    static Optional<String> queryProblem(String query) {
        if (query == null) {
            return Optional.empty();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '%') {
                if (i + 2 >= query.length() || Character.digit(query.charAt(i + 1), 16) < 0
                        || Character.digit(query.charAt(i + 2), 16) < 0) {
                    return Optional.of(QUERY_PROBLEM + " has a '%' that is not followed by two hex digits.");
                }
                bytes.write(Character.digit(query.charAt(i + 1), 16) * 16 + Character.digit(query.charAt(i + 2), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()));
            return Optional.empty();
        } catch (CharacterCodingException e) {
            return Optional.of(QUERY_PROBLEM + " is not percent-encoded UTF-8.");
        }
    }

    static Optional<String> charsetProblem(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        for (String parameter : contentType.split(";")) {
            String[] pair = parameter.strip().split("=", 2);
            if (pair.length == 2 && pair[0].strip().toLowerCase(Locale.ROOT).equals("charset")) {
                String charset = pair[1].strip().replace("\"", "");
                try {
                    if (Charset.isSupported(charset)) {
                        continue;
                    }
                } catch (IllegalCharsetNameException e) {
                    // reported below
                }
                return Optional.of("The charset '" + charset + "' of the request body is not known; send UTF-8.");
            }
        }
        return Optional.empty();
    }

    static Optional<String> multipartProblem(String contentType) {
        if (contentType == null || !contentType.strip().toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            return Optional.empty();
        }
        return Optional.of("Facet does not accept multipart request bodies: pages send "
                + "application/x-www-form-urlencoded, the REST API takes JSON.");
    }
}
