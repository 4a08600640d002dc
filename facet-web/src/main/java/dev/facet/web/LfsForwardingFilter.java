package dev.facet.web;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.Credentials;
import dev.facet.core.access.GitRequestAuthorizer;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.error.NotFound;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.git.WholeBody;
import dev.facet.mirror.OffloadCounts;
import dev.facet.mirror.UpstreamLfs;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * On a mirror, the Git LFS requests that change the primary go on to it with the user's own
 * credentials: batch uploads, the uploads and verifications they lead to, and every lock request.
 * The client sees the primary's status and body. Upload and verify addresses in a batch answer are
 * rewritten to this mirror's, so a client that reaches only the mirror can still upload (as it
 * pushes through it); the primary's transfer token travels in the header untouched, and the
 * primary checks it. Downloads are left to the {@link LfsFilter} behind this one, which serves
 * them from the mirror.
 */
final class LfsForwardingFilter implements Filter {
    private static final Pattern OBJECT = Pattern.compile("^/objects/[^/]+$");
    /**
     * The LFS paths a mirror passes on, by their grammar: an oid is 64 lowercase hex digits, a lock id a number.
     * Anything else (a space, a question mark, a dot segment decoded from the request) never reaches the primary.
     */
    private static final Pattern FORWARDED = Pattern.compile(
            "^/objects/(?:batch|verify|[0-9a-f]{64})$|^/locks(?:/verify|/[0-9]{1,19}/unlock)?$");

    private final GitRequestAuthorizer authorizer;
    private final UpstreamLfs upstream;
    private final OffloadCounts offload;
    private final Supplier<String> baseUrl;
    private final ObjectMapper json;

    LfsForwardingFilter(GitRequestAuthorizer authorizer, UpstreamLfs upstream, OffloadCounts offload,
                        Supplier<String> baseUrl, ObjectMapper json) {
        this.authorizer = authorizer;
        this.upstream = upstream;
        this.offload = offload;
        this.baseUrl = baseUrl;
        this.json = json;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        Matcher path = LfsFilter.PATH.matcher(request.getPathInfo() == null ? "" : request.getPathInfo());
        ProjectKey project;
        RepositorySlug slug;
        try {
            if (!path.matches()) {
                chain.doFilter(request, response);
                return;
            }
            project = ProjectKey.of(path.group(1));
            slug = RepositorySlug.of(path.group(2));
        } catch (InvalidInput e) {
            // Not a repository's name: the LFS filter behind answers it as it answers everything else.
            chain.doFilter(request, response);
            return;
        }
        String rest = path.group(3) == null ? "" : path.group(3);
        String method = request.getMethod();
        try {
            if (isForwarded(rest, method) && !FORWARDED.matcher(rest).matches()) {
                throw new NotFound("path", "No such Git LFS endpoint: " + rest + ". Objects are named by 64 lowercase "
                        + "hexadecimal digits, locks by their number.");
            }
            if (rest.equals("/objects/batch") && method.equals("POST")) {
                byte[] body = request.getInputStream().readNBytes(LfsFilter.MAX_JSON_BYTES + 1);
                if (isDownload(body)) {
                    chain.doFilter(new WholeBody(request, body), response);
                    return;
                }
                authorize(request, project, slug, AccessLevel.WRITE);
                UpstreamLfs.Answer answer = forward(request, project, slug, rest, new ByteArrayInputStream(body),
                        body.length);
                send(response, answer.status() == 200 ? withMirrorHrefs(answer, project, slug) : answer);
            } else if ((OBJECT.matcher(rest).matches() && method.equals("PUT")) || rest.equals("/objects/verify")) {
                // The primary's transfer token, which only the primary can check: it is the permission.
                send(response, forward(request, project, slug, rest, request.getInputStream(),
                        request.getContentLengthLong()));
            } else if (rest.equals("/locks") || rest.startsWith("/locks/")) {
                AccessLevel needed = rest.equals("/locks") && method.equals("GET") ? AccessLevel.READ
                        : AccessLevel.WRITE;
                authorize(request, project, slug, needed);
                send(response, forward(request, project, slug, rest, request.getInputStream(),
                        request.getContentLengthLong()));
            } else {
                chain.doFilter(request, response);
            }
        } catch (RuntimeException | JacksonException e) {
            LfsFilter.answerFailure(e, request, response, json);
        }
    }

    /** Whether the request is one this filter passes on to the primary, when its path is well formed. */
    private static boolean isForwarded(String rest, String method) {
        return rest.equals("/objects/verify") || rest.equals("/locks") || rest.startsWith("/locks/")
                || (OBJECT.matcher(rest).matches() && method.equals("PUT"));
    }

    /** Whether a batch request is a download, which this mirror answers; anything unreadable is answered here too. */
    private boolean isDownload(byte[] body) {
        try {
            JsonNode node = body.length == 0 || body.length > LfsFilter.MAX_JSON_BYTES ? null : json.readTree(body);
            return node == null || !node.path("operation").asText("").equals("upload");
        } catch (IOException e) {
            return true;
        }
    }

    /** Access decided as for Git on this mirror (asked of the primary); the primary decides again when it answers. */
    private void authorize(HttpServletRequest request, ProjectKey project, RepositorySlug slug, AccessLevel needed) {
        authorizer.authorize(Credentials.parse(request.getHeader("Authorization")), request.getRemoteAddr(), project,
                slug, needed);
    }

    private UpstreamLfs.Answer forward(HttpServletRequest request, ProjectKey project, RepositorySlug slug, String rest,
                                       InputStream body, long length) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, request.getHeader(name));
        }
        // Rebuilt from the checked names and LFS path, never from the decoded path: what the client escaped stays so.
        String pathAndQuery = "/scm/" + project.value() + "/" + slug.value() + ".git/info/lfs" + rest
                + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        AtomicLong sent = new AtomicLong();
        UpstreamLfs.Answer answer = upstream.forward(request.getMethod(), pathAndQuery, headers, body, length,
                sent::addAndGet);
        offload.onForwarded(sent.get() + answer.body().length);
        return answer;
    }

    /**
     * The primary's batch answer with its addresses for this repository's LFS API turned into this mirror's:
     * the client uploads through the mirror, which passes the upload on. Other addresses are left alone.
     */
    private UpstreamLfs.Answer withMirrorHrefs(UpstreamLfs.Answer answer, ProjectKey project, RepositorySlug slug)
            throws IOException {
        JsonNode batch;
        try {
            batch = json.readTree(answer.body());
        } catch (JacksonException e) {
            return answer;
        }
        String repositoryPath = ("/scm/" + project.value() + "/" + slug.value()).toLowerCase(Locale.ROOT);
        for (JsonNode object : batch.path("objects")) {
            for (JsonNode action : object.path("actions")) {
                if (action instanceof ObjectNode node && node.hasNonNull("href")) {
                    String href = node.get("href").asText();
                    URI uri;
                    try {
                        uri = URI.create(href);
                    } catch (IllegalArgumentException e) {
                        continue;
                    }
                    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
                    int scm = path.indexOf("/scm/");
                    String fromScm = scm < 0 ? "" : path.substring(scm).toLowerCase(Locale.ROOT);
                    if (fromScm.startsWith(repositoryPath + ".git/info/lfs/")
                            || fromScm.startsWith(repositoryPath + "/info/lfs/")) {
                        node.put("href", baseUrl.get() + path.substring(scm)
                                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
                    }
                }
            }
        }
        return new UpstreamLfs.Answer(answer.status(), answer.headers(), json.writeValueAsBytes(batch));
    }

    private static void send(HttpServletResponse response, UpstreamLfs.Answer answer) throws IOException {
        response.setStatus(answer.status());
        answer.headers().forEach(response::setHeader);
        response.setContentLength(answer.body().length);
        response.getOutputStream().write(answer.body());
    }
}
