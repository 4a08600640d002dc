package dev.facet.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.error.NotFound;
import dev.facet.core.error.TimedOut;
import dev.facet.core.error.Unavailable;
import dev.facet.core.identity.RequestTokens;
import dev.facet.core.lfs.LfsObjectRejected;
import dev.facet.core.lfs.LfsObjectStore;
import dev.facet.core.lfs.LfsOid;
import dev.facet.core.lfs.LfsPointer;
import dev.facet.core.mirror.MirroredRepository;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mirror's Git LFS exchanges with its primary, over the primary's own LFS API: a batch
 * request with the mirror's fetch token (the mirror reads what it carries, as its Git fetches do),
 * the download of one object into the mirror's store, and the requests of users passed on as they
 * came (uploads and locks, which the primary decides).
 */
public final class UpstreamLfs {
    private static final Logger log = LoggerFactory.getLogger(UpstreamLfs.class);
    static final String MEDIA_TYPE = "application/vnd.git-lfs+json";
    /** As many objects per batch request as git-lfs itself sends. */
    static final int BATCH_OBJECTS = 100;
    private static final Set<String> PASSED_ON_REQUEST_HEADERS = Set.of("authorization", "content-type", "accept",
            "user-agent");
    private static final List<String> PASSED_BACK_HEADERS = List.of("Content-Type", "WWW-Authenticate",
            "LFS-Authenticate", "Retry-After");

    /** How long the primary may take to start answering a download. */
    static final Duration RESPONSE_TIMEOUT = Duration.ofMinutes(2);
    /** How long a download may go without a byte from the primary before it is given up. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    private final UpstreamSession upstream;
    private final Duration idleTimeout;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    /** Where the primary said an object's bytes are, and the headers (its transfer token) to fetch them with. */
    record Download(String href, Map<String, String> header) {
    }

    /** The primary's answer to a request passed on: its status, the headers a client reads, its body. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {
    }

    public UpstreamLfs(UpstreamSession upstream) {
        this(upstream, IDLE_TIMEOUT);
    }

    UpstreamLfs(UpstreamSession upstream, Duration idleTimeout) {
        this.upstream = upstream;
        this.idleTimeout = idleTimeout;
        // The calls go where the mirror's other calls go, trusting the same certificates.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).sslContext(upstream.client().trust().sslContext()).build();
    }

    public String upstreamUrl() {
        return upstream.client().upstreamUrl();
    }

    /**
     * Of {@code pointers}, those the primary says {@code repository} holds at that size, with where to fetch them.
     *
     * @throws Unavailable when the primary cannot be reached or does not answer as the LFS API does
     */
    Map<LfsPointer, Download> downloads(MirroredRepository repository, Collection<LfsPointer> pointers) {
        Map<LfsPointer, Download> found = new LinkedHashMap<>();
        Set<LfsOid> answered = new HashSet<>();
        // A client may name one oid twice with two sizes: each pair is asked, and the primary says which one holds.
        List<LfsPointer> all = pointers.stream().distinct().toList();
        for (int start = 0; start < all.size(); start += BATCH_OBJECTS) {
            batch(repository, all.subList(start, Math.min(all.size(), start + BATCH_OBJECTS))).forEach(
                    (pointer, download) -> {
                        // One size per object: the first the primary confirmed.
                        if (answered.add(pointer.oid())) {
                            found.put(pointer, download);
                        }
                    });
        }
        return found;
    }

    private Map<LfsPointer, Download> batch(MirroredRepository repository, List<LfsPointer> pointers) {
        List<Map<String, Object>> objects = new ArrayList<>();
        pointers.forEach(pointer -> objects.add(Map.of("oid", pointer.oid().value(), "size", pointer.size())));
        byte[] body;
        try {
            body = json.writeValueAsBytes(Map.of("operation", "download", "transfers", List.of("basic"),
                    "objects", objects, "hash_algo", "sha256"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpResponse<byte[]> answer = send(repository, body, () -> upstream.fetchCredentials().current());
        if (answer.statusCode() == 401) {
            // The token may have expired or the primary restarted: one more try with a fresh one.
            upstream.fetchCredentials().forget();
            answer = send(repository, body, () -> upstream.fetchCredentials().current());
        }
        if (answer.statusCode() != 200) {
            throw new Unavailable("The primary " + upstreamUrl() + " answered " + answer.statusCode()
                    + " when this mirror asked for Git LFS objects of " + name(repository) + ".");
        }
        Set<LfsPointer> asked = Set.copyOf(pointers);
        Map<LfsPointer, Download> found = new LinkedHashMap<>();
        try {
            for (JsonNode object : json.readTree(answer.body()).path("objects")) {
                JsonNode download = object.path("actions").path("download");
                JsonNode size = object.path("size");
                if (!download.isObject() || !size.canConvertToExactIntegral() || !size.canConvertToLong()) {
                    continue;
                }
                // The size is the primary's, never the client's: only a pair the primary confirmed is recorded.
                LfsPointer held = new LfsPointer(LfsOid.of(object.path("oid").asText("")), size.asLong());
                if (asked.contains(held) && !found.containsKey(held)) {
                    found.put(held, download(download, repository, held.oid()));
                }
            }
        } catch (Unavailable e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new Unavailable("The primary " + upstreamUrl() + " answered a Git LFS batch request with something "
                    + "that is not the LFS API's JSON.");
        }
        return found;
    }

    /**
     * Where to fetch an object: the object's own path in the repository's LFS API, on the primary's address as this
     * mirror knows it (the primary may name itself by another host name). An answer that points anywhere else is
     * not followed.
     */
    private Download download(JsonNode action, MirroredRepository repository, LfsOid oid) {
        String expected = lfsPath(repository) + "/objects/" + oid.value();
        String path = URI.create(action.path("href").asText()).getRawPath();
        int scm = path == null ? -1 : path.lastIndexOf("/scm/");
        if (scm < 0 || !path.substring(scm).equalsIgnoreCase(expected)) {
            throw new Unavailable("The primary's answer for Git LFS object " + oid + " of " + name(repository)
                    + " points elsewhere than at the object; this mirror does not follow it.");
        }
        Map<String, String> header = new LinkedHashMap<>();
        action.path("header").fields().forEachRemaining(e -> header.put(e.getKey(), e.getValue().asText()));
        return new Download(upstreamUrl() + expected, header);
    }

    /**
     * Fetches one object into {@code store}, which keeps it only when its size and SHA-256 are right.
     *
     * @param fetched told of every chunk of bytes as it arrives
     * @throws Unavailable when the primary cannot be reached or sends other bytes than the object's
     */
    void fetch(LfsPointer pointer, Download download, LfsObjectStore store, LongConsumer fetched) {
        HttpRequest.Builder request;
        try {
            URI href = URI.create(download.href());
            if (!sameOrigin(href, URI.create(upstreamUrl()))) {
                // A changed answer must not send the mirror elsewhere: its token and its reach stay with the primary.
                log.warn("Git LFS object {}: the primary's answer points at {}, not at {}; not followed", pointer.oid(),
                        href.getScheme() + "://" + href.getRawAuthority(), upstreamUrl());
                throw new Unavailable("The primary's answer for Git LFS object " + pointer.oid() + " points away from "
                        + "the primary " + upstreamUrl() + "; this mirror does not follow it.");
            }
            request = HttpRequest.newBuilder(href).timeout(RESPONSE_TIMEOUT).GET();
            download.header().forEach(request::header);
        } catch (IllegalArgumentException e) {
            throw new Unavailable("The primary gave an unusable address or header for Git LFS object " + pointer.oid()
                    + ".");
        }
        HttpResponse<InputStream> answer;
        IdleBoundedBody bounded = new IdleBoundedBody(idleTimeout);
        try {
            answer = http.send(request.build(), info -> bounded);
        } catch (HttpTimeoutException e) {
            throw new TimedOut("The primary " + upstreamUrl() + " did not answer within " + RESPONSE_TIMEOUT.toSeconds()
                    + " s when this mirror fetched Git LFS object " + pointer.oid() + "; try again.");
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("Interrupted while fetching Git LFS object " + pointer.oid() + " from the primary.");
        }
        try (InputStream body = answer.body()) {
            if (answer.statusCode() == 404) {
                throw new NotFound("oid", "The primary no longer holds Git LFS object " + pointer.oid() + ".");
            }
            if (answer.statusCode() != 200) {
                throw new Unavailable("The primary " + upstreamUrl() + " answered " + answer.statusCode()
                        + " when this mirror fetched Git LFS object " + pointer.oid() + ".");
            }
            store.receive(pointer, new CountingInputStream(body, fetched));
        } catch (LfsObjectRejected e) {
            if (bounded.wentIdle()) {
                throw new TimedOut("The primary " + upstreamUrl() + " sent nothing for " + idleTimeout.toSeconds()
                        + " s while this mirror fetched Git LFS object " + pointer.oid() + "; try again.");
            }
            // Checked while it streamed: what arrived is not the object (or broke off), and nothing of it was kept.
            log.warn("Git LFS object {} from {} refused: {}", pointer.oid(), upstreamUrl(), e.getMessage());
            throw new Unavailable("Git LFS object " + pointer.oid() + " did not arrive whole from the primary ("
                    + e.getMessage() + "); try again.");
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /**
     * Passes a user's request on to the same path on the primary, with their own credentials, and returns what
     * the primary answered.
     *
     * @param pathAndQuery the path from {@code /scm/} on, with its query
     * @param length       the body's length, or -1 when unknown (sent chunked)
     * @throws Unavailable when the primary cannot be reached
     */
    public Answer forward(String method, String pathAndQuery, Map<String, String> headers, InputStream body,
                          long length, LongConsumer sent) {
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(upstreamUrl() + pathAndQuery)).timeout(Duration.ofMinutes(30));
            headers.forEach((name, value) -> {
                if (PASSED_ON_REQUEST_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    request.header(name, value);
                }
            });
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("request", "This request cannot be passed on to the primary: " + e.getMessage());
        }
        HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.ofInputStream(
                () -> new CountingInputStream(body, sent));
        request.method(method, length < 0 ? publisher : HttpRequest.BodyPublishers.fromPublisher(publisher, length));
        try {
            HttpResponse<byte[]> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            Map<String, String> passedBack = new LinkedHashMap<>();
            PASSED_BACK_HEADERS.forEach(name -> answer.headers().firstValue(name)
                    .ifPresent(value -> passedBack.put(name, value)));
            return new Answer(answer.statusCode(), passedBack, answer.body());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("Interrupted while passing the request on to the primary.");
        }
    }

    /** Whether {@code href} names the same scheme, host and port as the primary's own address. */
    static boolean sameOrigin(URI href, URI primary) {
        return href.getScheme() != null && href.getHost() != null && href.getRawUserInfo() == null
                && href.getScheme().equalsIgnoreCase(primary.getScheme())
                && href.getHost().equalsIgnoreCase(primary.getHost()) && port(href) == port(primary);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /**
     * A batch request, with the fetch token that authorizes it and the mirror's signature of it, and the primary's
     * answer once its own signature is checked: an altered answer is refused (and reported) like any other.
     */
    private HttpResponse<byte[]> send(MirroredRepository repository, byte[] body, Supplier<String> token) {
        String path = lfsPath(repository) + "/objects/batch";
        String bearer;
        String signed;
        try {
            bearer = token.get();
            signed = upstream.client().signedRequest(upstream.upstreamId(), "POST", path, body);
        } catch (UpstreamUnavailable e) {
            throw new Unavailable("This mirror cannot reach its primary " + upstreamUrl() + " now (" + e.getMessage()
                    + ").");
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(upstreamUrl() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + bearer).header(RequestTokens.MIRROR_REQUEST_HEADER, signed)
                .header("Accept", MEDIA_TYPE).header("Content-Type", MEDIA_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("Interrupted while asking the primary for Git LFS objects.");
        }
        if (answer.statusCode() == 200) {
            // Only an answer the mirror acts on is judged: a refusal is not acted on beyond asking again.
            if (answer.headers().firstValue(RequestTokens.ANSWER_HEADER).isEmpty()) {
                // A primary older than this mirror signs no LFS answer; that is no sign of another server (nothing
                // else it answers changed), so no alert that would hold back the mirror's destructive changes.
                throw new Unavailable("The primary " + upstreamUrl() + " did not sign its Git LFS answer for "
                        + name(repository) + ": it is older than this mirror. Upgrade the primary; until then this "
                        + "mirror serves only the Git LFS objects it holds.");
            }
            try {
                upstream.client().checkAnswer(answer, signed, "POST " + path);
            } catch (UpstreamUnavailable e) {
                throw new Unavailable("The answer to this mirror's Git LFS batch request for " + name(repository)
                        + " is not the primary's: " + e.getMessage());
            }
        }
        return answer;
    }

    private Unavailable unreachable(IOException e) {
        return new Unavailable("This mirror cannot reach its primary " + upstreamUrl() + " now (" + e
                + "); it serves the Git LFS objects it holds, and fetches the others once the primary answers.");
    }

    /** The repository's LFS API on the primary, as a path from {@code /scm/} on. */
    private static String lfsPath(MirroredRepository repository) {
        return "/scm/" + repository.projectKey().value() + "/" + repository.slug().value() + ".git/info/lfs";
    }

    private static String name(MirroredRepository repository) {
        return repository.projectKey().value() + "/" + repository.slug().value();
    }
}
