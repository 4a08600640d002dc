package dev.facet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.digest.Sha256;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** The Git LFS API of one server called directly over HTTP, as git-lfs calls it (or an attacker would). */
final class LfsHttp {
    static final String MEDIA_TYPE = "application/vnd.git-lfs+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final String baseUrl;

    LfsHttp(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    record Answer(int status, String body, HttpResponse<byte[]> raw) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String oid(byte[] content) {
        return HexFormat.of().formatHex(Sha256.newDigest().digest(content));
    }

    /** @param pathOrUrl a path on the server, or a whole URL such as an action's {@code href} */
    Answer call(String method, String pathOrUrl, String authorization, byte[] body) throws Exception {
        String url = pathOrUrl.startsWith("http") ? pathOrUrl : baseUrl + pathOrUrl;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Accept", MEDIA_TYPE).header("Content-Type", MEDIA_TYPE);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8), response);
    }

    /** A batch request for one object of {@code PROJECT/repo}. */
    Answer batch(String repositoryPath, String authorization, String operation, String oid, long size) throws Exception {
        byte[] body = JSON.writeValueAsBytes(Map.of("operation", operation, "transfers", List.of("basic"),
                "objects", List.of(Map.of("oid", oid, "size", size))));
        return call("POST", "/scm/" + repositoryPath + ".git/info/lfs/objects/batch", authorization, body);
    }

    /** Runs an action of a batch answer's first object ({@code download} or {@code upload}) with its own header. */
    Answer act(Answer batch, String action, byte[] body) throws Exception {
        JsonNode node = batch.json().path("objects").path(0).path("actions").path(action);
        if (node.isMissingNode()) {
            throw new AssertionError("No " + action + " action in " + batch.body());
        }
        return call(action.equals("upload") ? "PUT" : "GET", node.path("href").asText(),
                node.path("header").path("Authorization").asText(), body);
    }
}
