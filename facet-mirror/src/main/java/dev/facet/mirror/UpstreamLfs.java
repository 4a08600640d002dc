package dev.facet.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.error.NotFound;
import dev.facet.core.error.Unavailable;
import dev.facet.core.lfs.LfsObjectRejected;
import dev.facet.core.lfs.LfsObjectStore;
import dev.facet.core.lfs.LfsOid;
import dev.facet.core.lfs.LfsPointer;
import dev.facet.core.mirror.MirroredRepository;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
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

    private final UpstreamSession upstream;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    /** Where the primary said an object's bytes are, and the headers (its transfer token) to fetch them with. */
    record Download(String href, Map<String, String> header) {
    }

    /** The primary's answer to a request passed on: its status, the headers a client reads, its body. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {
    }

    public UpstreamLfs(UpstreamSession upstream) {
        this.upstream = upstream;
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
        List<LfsPointer> all = List.copyOf(pointers);
        for (int start = 0; start < all.size(); start += BATCH_OBJECTS) {
            found.putAll(batch(repository, all.subList(start, Math.min(all.size(), start + BATCH_OBJECTS))));
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
        String url = lfsUrl(repository) + "/objects/batch";
        HttpResponse<byte[]> answer = send(url, "POST", body, () -> upstream.fetchCredentials().current());
        if (answer.statusCode() == 401) {
            // The token may have expired or the primary restarted: one more try with a fresh one.
            upstream.fetchCredentials().forget();
            answer = send(url, "POST", body, () -> upstream.fetchCredentials().current());
        }
        if (answer.statusCode() != 200) {
            throw new Unavailable("The primary " + upstreamUrl() + " answered " + answer.statusCode()
                    + " when this mirror asked for Git LFS objects of " + name(repository) + ".");
        }
        Map<LfsOid, Long> asked = new HashMap<>();
        pointers.forEach(pointer -> asked.put(pointer.oid(), pointer.size()));
        Map<LfsPointer, Download> found = new LinkedHashMap<>();
        try {
            for (JsonNode object : json.readTree(answer.body()).path("objects")) {
                JsonNode download = object.path("actions").path("download");
                LfsOid oid = LfsOid.of(object.path("oid").asText(""));
                if (!download.isObject() || !asked.containsKey(oid)) {
                    continue;
                }
                Map<String, String> header = new LinkedHashMap<>();
                download.path("header").fields().forEachRemaining(e -> header.put(e.getKey(), e.getValue().asText()));
                found.put(new LfsPointer(oid, asked.get(oid)), new Download(download.path("href").asText(), header));
            }
        } catch (IOException | RuntimeException e) {
            throw new Unavailable("The primary " + upstreamUrl() + " answered a Git LFS batch request with something "
                    + "that is not the LFS API's JSON.");
        }
        return found;
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
            request = HttpRequest.newBuilder(URI.create(download.href())).timeout(Duration.ofMinutes(30)).GET();
        } catch (IllegalArgumentException e) {
            throw new Unavailable("The primary gave an unusable address for Git LFS object " + pointer.oid() + ".");
        }
        download.header().forEach(request::header);
        HttpResponse<InputStream> answer;
        try {
            answer = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
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
            store.receive(pointer, new Counting(body, fetched));
        } catch (LfsObjectRejected e) {
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
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upstreamUrl() + pathAndQuery))
                .timeout(Duration.ofMinutes(30));
        headers.forEach((name, value) -> {
            if (PASSED_ON_REQUEST_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                request.header(name, value);
            }
        });
        HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.ofInputStream(() -> new Counting(body, sent));
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

    private HttpResponse<byte[]> send(String url, String method, byte[] body, Supplier<String> token) {
        String bearer;
        try {
            bearer = token.get();
        } catch (UpstreamUnavailable e) {
            throw new Unavailable("This mirror cannot reach its primary " + upstreamUrl() + " now (" + e.getMessage()
                    + ").");
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + bearer).header("Accept", MEDIA_TYPE)
                .header("Content-Type", MEDIA_TYPE).method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("Interrupted while asking the primary for Git LFS objects.");
        }
    }

    private Unavailable unreachable(IOException e) {
        return new Unavailable("This mirror cannot reach its primary " + upstreamUrl() + " now (" + e
                + "); it serves the Git LFS objects it holds, and fetches the others once the primary answers.");
    }

    private String lfsUrl(MirroredRepository repository) {
        return upstream.client().gitUrl(repository.projectKey().value(), repository.slug().value()) + "/info/lfs";
    }

    private static String name(MirroredRepository repository) {
        return repository.projectKey().value() + "/" + repository.slug().value();
    }

    /** A body on its way (an LFS object, a push), each chunk told to a counter as it is read. */
    static final class Counting extends FilterInputStream {
        private final LongConsumer counter;

        Counting(InputStream in, LongConsumer counter) {
            super(in);
            this.counter = counter;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counter.accept(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                counter.accept(n);
            }
            return n;
        }
    }
}
