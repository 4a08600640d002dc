package dev.facet.git;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of the requests of Git's smart HTTP protocol, and nothing else: {@code /info/refs} with a
 * {@code service} of {@code git-upload-pack} or {@code git-receive-pack}, {@code /git-upload-pack}
 * or {@code /git-receive-pack}, right after {@code /{project}/{repository}[.git]}. JGit's servlet
 * also answers paths with extra segments and Git's old "dumb" protocol; Facet serves neither, so
 * that what a request does is never decided from a URL that only looks like something else.
 *
 * @param project    the project key as written in the URL (not yet validated)
 * @param repository the repository slug as written, without {@code .git}
 * @param service    the Git service the request belongs to
 * @param advertisement true for {@code /info/refs}, false for the service's own POST
 */
public record GitHttpEndpoint(String project, String repository, Service service, boolean advertisement) {
    private static final Pattern PATH =
            Pattern.compile("^/([^/]+)/([^/]+?)(?:\\.git)?/(info/refs|git-upload-pack|git-receive-pack)$");

    /** What the client asks Git to do. */
    public enum Service {
        UPLOAD_PACK("git-upload-pack"), RECEIVE_PACK("git-receive-pack");

        private final String wireName;

        Service(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        static Optional<Service> of(String wireName) {
            for (Service service : values()) {
                if (service.wireName.equals(wireName)) {
                    return Optional.of(service);
                }
            }
            return Optional.empty();
        }
    }

    /** Why a path under {@code /scm} is refused, in words a Git user can act on. */
    public static final String EXPECTED = "Not a Git endpoint: Facet serves /scm/PROJECT/repository.git/info/refs"
            + "?service=git-upload-pack|git-receive-pack, /git-upload-pack and /git-receive-pack only.";

    /**
     * @param pathInfo          the decoded path after {@code /scm}
     * @param serviceParameters every value of the {@code service} query parameter (null when there is none)
     * @return the endpoint, or empty when the request is not exactly one of Git's smart HTTP requests
     */
    public static Optional<GitHttpEndpoint> parse(String pathInfo, String[] serviceParameters) {
        Matcher matcher = PATH.matcher(pathInfo == null ? "" : pathInfo);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        String last = matcher.group(3);
        if (!last.equals("info/refs")) {
            // The service's POST carries no service parameter; one that claims another service is not Git.
            if (serviceParameters != null && serviceParameters.length > 0) {
                return Optional.empty();
            }
            return Service.of(last).map(service -> new GitHttpEndpoint(matcher.group(1), matcher.group(2), service, false));
        }
        if (serviceParameters == null || serviceParameters.length != 1) {
            return Optional.empty();
        }
        return Service.of(serviceParameters[0])
                .map(service -> new GitHttpEndpoint(matcher.group(1), matcher.group(2), service, true));
    }

    /** The endpoint a request under {@code /scm} is for: the one reading that every filter and factory shares. */
    public static Optional<GitHttpEndpoint> of(HttpServletRequest request) {
        return parse(request.getPathInfo(), request.getParameterValues("service"));
    }

    /** Whether a request is the POST that carries {@code service}'s pack or wants (not its advertisement). */
    public static boolean isServiceCall(HttpServletRequest request, Service service) {
        return "POST".equals(request.getMethod())
                && of(request).filter(endpoint -> endpoint.service() == service && !endpoint.advertisement()).isPresent();
    }

    public boolean isPush() {
        return service == Service.RECEIVE_PACK;
    }

    /** The endpoint's path and query after the repository's URL, in the one form Git itself sends. */
    public String pathAndQuery() {
        return advertisement ? "/info/refs?service=" + service.wireName() : "/" + service.wireName();
    }
}
