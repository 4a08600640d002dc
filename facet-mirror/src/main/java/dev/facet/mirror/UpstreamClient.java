package dev.facet.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.identity.AnswerBinding;
import dev.facet.core.identity.BodyDigest;
import dev.facet.core.identity.MessageAltered;
import dev.facet.core.identity.RequestBinding;
import dev.facet.core.identity.RequestTokens;
import dev.facet.core.identity.TokenRejected;
import dev.facet.core.mirror.UpstreamAlert;
import dev.facet.core.mirror.protocol.AuthorizationRequest;
import dev.facet.core.mirror.protocol.AuthorizationStatus;
import dev.facet.core.mirror.protocol.CredentialCheck;
import dev.facet.core.mirror.protocol.CredentialVerdict;
import dev.facet.core.mirror.protocol.EventBatch;
import dev.facet.core.mirror.protocol.FarmNodeDescription;
import dev.facet.core.mirror.protocol.FetchToken;
import dev.facet.core.mirror.protocol.ForwardedPushResult;
import dev.facet.core.mirror.protocol.Heartbeat;
import dev.facet.core.mirror.protocol.HeartbeatAnswer;
import dev.facet.core.mirror.protocol.ServedRepositories;
import dev.facet.core.mirror.protocol.ProjectDigestPage;
import dev.facet.core.mirror.protocol.RepositoryStatePage;
import dev.facet.core.mirror.protocol.RepositoryStateSlice;
import dev.facet.core.mirror.protocol.SelectionDigest;
import dev.facet.core.tls.OutboundTrust;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The mirror's only way to talk to its upstream: every call is opened by the mirror, to the URL
 * it was registered with, and signed for the upstream's instance id.
 */
public final class UpstreamClient {
    private static final String API = "/rest/mirroring/latest";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final String upstreamUrl;
    private final RequestSigner signer;
    private final HttpClient http;
    private final OutboundTrust trust;
    private volatile Duration clockSkew;
    private volatile AnswerCheck answers;

    /** The upstream this mirror pinned: its instance id and public key. */
    public record Pin(String instanceId, String publicKeyJwk) {
    }

    /** Whoever raises the alert when an answer is refused. */
    @FunctionalInterface
    public interface AnswerRefusals {
        void refused(UpstreamAlert.Kind kind, String details);
    }

    /** How signed answers are checked: against the current pin, with a word to whoever raises the alert. */
    private record AnswerCheck(RequestTokens tokens, String selfId, Supplier<Optional<Pin>> pin,
                               AnswerRefusals onRefused) {
    }

    /** The upstream's identity as it presents it. */
    public record UpstreamIdentity(String id, String publicKey) {
    }

    /** A client of {@code upstreamUrl} whose certificate, over HTTPS, must be trusted by {@code trust}. */
    public UpstreamClient(String upstreamUrl, RequestSigner signer, OutboundTrust trust) {
        this.upstreamUrl = upstreamUrl.endsWith("/") ? upstreamUrl.substring(0, upstreamUrl.length() - 1) : upstreamUrl;
        this.signer = signer;
        this.trust = trust;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(trust.sslContext())
                .build();
    }

    /** Whom this client trusts; the mirror's Git fetches trust the same. */
    public OutboundTrust trust() {
        return trust;
    }

    public String upstreamUrl() {
        return upstreamUrl;
    }

    /**
     * From now on, every answer to a signed request must carry the pinned upstream's signature for
     * that very request, its status and its body; an answer without it is refused, as if nobody had
     * answered, and reported.
     */
    public void checkAnswers(RequestTokens tokens, String selfId, Supplier<Optional<Pin>> pin,
                             AnswerRefusals onRefused) {
        this.answers = new AnswerCheck(tokens, selfId, pin, onRefused);
    }

    /**
     * How far the upstream's clock was ahead of this machine's at its last answer (negative: behind),
     * read from its {@code Date} header, so to about a second; empty before the first answer.
     */
    public Optional<Duration> clockSkew() {
        return Optional.ofNullable(clockSkew);
    }

    public UpstreamIdentity identity() {
        return send("GET", API + "/instance", null, null, Duration.ofSeconds(10), UpstreamIdentity.class);
    }

    public AuthorizationStatus requestAuthorization(String upstreamId, AuthorizationRequest request) {
        return send("POST", API + "/requests", upstreamId, request, Duration.ofSeconds(10), AuthorizationStatus.class);
    }

    public AuthorizationStatus authorizationStatus(String upstreamId, String requestId) {
        return send("GET", API + "/requests/" + requestId + "/status", upstreamId, null, Duration.ofSeconds(10),
                AuthorizationStatus.class);
    }

    /** Long-polls for events after {@code after}, waiting up to {@code wait} on the upstream. */
    public EventBatch events(String upstreamId, long after, Duration wait) {
        return send("GET", API + "/events?after=" + after + "&waitSeconds=" + wait.toSeconds(), upstreamId, null,
                wait.plusSeconds(15), EventBatch.class);
    }

    public RepositoryStatePage repositoryStates(String upstreamId, int start, int limit) {
        return send("GET", API + "/repo-hashes?start=" + start + "&limit=" + limit, upstreamId, null,
                Duration.ofSeconds(60), RepositoryStatePage.class);
    }

    /** The digest over everything this mirror carries, and the event head it was read at. */
    public SelectionDigest selectionDigest(String upstreamId) {
        return send("GET", API + "/selection-digest", upstreamId, null, Duration.ofSeconds(30), SelectionDigest.class);
    }

    /** The carried projects' digests after the project key {@code after} (null: from the first). */
    public ProjectDigestPage projectDigests(String upstreamId, String after, int limit) {
        return send("GET", API + "/project-digests?limit=" + limit + (after == null ? "" : "&after=" + after), upstreamId,
                null, Duration.ofSeconds(60), ProjectDigestPage.class);
    }

    /** One project's repositories with id above {@code afterId}, and their refs hashes. */
    public RepositoryStateSlice repositoryStates(String upstreamId, String project, long afterId, int limit) {
        return send("GET", API + "/repo-hashes?project=" + project + "&after=" + afterId + "&limit=" + limit, upstreamId,
                null, Duration.ofSeconds(60), RepositoryStateSlice.class);
    }

    public HeartbeatAnswer heartbeat(String upstreamId, Heartbeat heartbeat) {
        return send("POST", API + "/heartbeat", upstreamId, heartbeat, Duration.ofSeconds(10), HeartbeatAnswer.class);
    }

    /** Tells the upstream which states this mirror now serves (Facet's own endpoint; webhooks announce them). */
    public void reportServed(String upstreamId, ServedRepositories served) {
        send("POST", API + "/served", upstreamId, served, Duration.ofSeconds(10), Void.class);
    }

    public CredentialVerdict checkCredentials(String upstreamId, CredentialCheck check) {
        return send("POST", API + "/authenticate", upstreamId, check, Duration.ofSeconds(10), CredentialVerdict.class);
    }

    /**
     * Vouches, as a node of an installed farm, for a node that joined it since: the primary
     * registers its key for the farm (201; sending it again changes nothing). The node's private
     * key never leaves it: only its description travels.
     */
    public void vouchForFarmNode(String upstreamId, FarmNodeDescription node) {
        send("POST", API + "/nodes", upstreamId, node, Duration.ofSeconds(10), Void.class);
    }

    public FetchToken fetchToken(String upstreamId) {
        return send("POST", API + "/fetch-token", upstreamId, null, Duration.ofSeconds(10), FetchToken.class);
    }

    /** The URL a Git client uses for a repository on the upstream. */
    public String gitUrl(String project, String slug) {
        return upstreamUrl + "/scm/" + project + "/" + slug + ".git";
    }

    /**
     * Forwards a push an SSH client made to this mirror: {@code body} is the client's login proof and
     * its Git request, as {@code SshPushForwarder} wrote it, and {@code digest} that file's digest.
     *
     * @throws UpstreamUnavailable when the upstream cannot be reached, or refuses (its reason in the message)
     */
    public ForwardedPushResult forwardSshPush(String upstreamId, String project, String slug, Path body,
                                              BodyDigest digest) {
        String path = API + "/ssh-pushes/" + project + "/" + slug;
        try {
            HttpResponse<byte[]> response = exchange("POST", path, upstreamId, HttpRequest.BodyPublishers.ofFile(body),
                    digest, "application/x-facet-ssh-push", Duration.ofMinutes(30));
            return JSON.readValue(response.body(), ForwardedPushResult.class);
        } catch (java.io.FileNotFoundException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (IOException e) {
            throw new UpstreamUnavailable(0, "The upstream " + upstreamUrl + " answered a forwarded push unreadably: "
                    + e.getMessage(), e);
        }
    }

    /**
     * A signed request for {@code method path body}, to travel in {@link RequestTokens#MIRROR_REQUEST_HEADER}
     * beside the credentials a Git LFS batch request carries, so that the upstream signs its answer.
     *
     * @param path the target as the upstream sees it, from {@code /scm/} on
     */
    String signedRequest(String upstreamId, String method, String path, byte[] body) {
        return signer.sign(upstreamId, new RequestBinding(method, path, BodyDigest.of(body)));
    }

    /**
     * Sends one request. {@code path} is the target as the upstream sees it (path and query) and is
     * what the token is bound to, with the method and the exact body bytes sent.
     */
    private <T> T send(String method, String path, String audience, Object body, Duration timeout, Class<T> type) {
        try {
            byte[] payload = body == null ? null : JSON.writeValueAsBytes(body);
            HttpResponse<byte[]> response = exchange(method, path, audience, payload == null
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(payload),
                    payload == null ? null : BodyDigest.of(payload), payload == null ? null : "application/json", timeout);
            return type == Void.class ? null : JSON.readValue(response.body(), type);
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /**
     * One signed exchange: the token binds the method, the target and {@code digest} (the body's; an empty
     * body's when null), the answer is checked against the pinned upstream, and a status other than 2xx is
     * thrown as {@link UpstreamUnavailable} with the upstream's reason.
     */
    private HttpResponse<byte[]> exchange(String method, String path, String audience,
                                          HttpRequest.BodyPublisher body, BodyDigest digest, String contentType,
                                          Duration timeout) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upstreamUrl + path))
                    .timeout(timeout)
                    .header("Accept", "application/json")
                    .method(method, body);
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            String requestToken = audience == null ? null : signer.sign(audience,
                    new RequestBinding(method, path, digest == null ? BodyDigest.of(null) : digest));
            if (requestToken != null) {
                request.header("Authorization", "Bearer " + requestToken);
            }
            Instant sent = Instant.now();
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            noteClock(response, sent);
            // Checked before the status is read: a refusal the mirror acts on (404: unregistered) must be genuine too.
            if (requestToken != null) {
                checkAnswer(response, requestToken, method + " " + path);
            }
            if (response.statusCode() / 100 != 2) {
                throw new UpstreamUnavailable(response.statusCode(), method + " " + upstreamUrl + path + " answered "
                        + response.statusCode() + ": " + errorMessage(response.body()), null);
            }
            return response;
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamUnavailable(0, "Interrupted while calling " + upstreamUrl, e);
        }
    }

    /** Why the upstream could not be reached, naming the setting to change when its certificate is not trusted. */
    private UpstreamUnavailable unreachable(IOException e) {
        if (e instanceof javax.net.ssl.SSLHandshakeException) {
            return new UpstreamUnavailable(0, "The upstream " + upstreamUrl + " presented a certificate this mirror "
                    + "does not trust (" + e.getMessage() + "); add the certificate of the authority that issued it "
                    + "to the PEM bundle named by facet.tls.trusted-certificates"
                    + trust.bundle().map(bundle -> " (now " + bundle + ")").orElse("") + ", or check that it was "
                    + "issued for the host name in the URL and has not expired.", e);
        }
        return new UpstreamUnavailable(0, "Cannot reach the upstream at " + upstreamUrl + ": " + e, e);
    }

    /**
     * The one place where an answer to a signed request is judged, whatever its status: it must be
     * signed by the pinned upstream for this request, this status and this body. Only an unsigned
     * 5xx passes unjudged (a gateway in front of the upstream saying it is down), and it is acted on
     * as "unreachable" and nothing more. A signed refusal saying the request arrived changed is
     * genuine, and reported too.
     */
    void checkAnswer(HttpResponse<byte[]> response, String requestToken, String exchange) {
        AnswerCheck check = answers;
        Optional<Pin> pin = check == null ? Optional.empty() : check.pin().get();
        if (pin.isEmpty()) {
            return;
        }
        int status = response.statusCode();
        Optional<String> signature = response.headers().firstValue(RequestTokens.ANSWER_HEADER);
        if (signature.isEmpty()) {
            if (status >= 500) {
                return;
            }
            refuse(check, UpstreamAlert.Kind.IDENTITY_CHANGED, "the server at " + upstreamUrl + " answered " + exchange
                    + " with status " + status + " without the pinned instance's signature");
        }
        try {
            check.tokens().verifyAnswer(signature.get(), pin.get().instanceId(), pin.get().publicKeyJwk(),
                    check.selfId(), RequestTokens.reference(requestToken), AnswerBinding.of(status, response.body()));
        } catch (MessageAltered e) {
            refuse(check, UpstreamAlert.Kind.ANSWER_ALTERED, "the answer of " + upstreamUrl + " to " + exchange
                    + " was changed on its way: " + e.getMessage());
        } catch (TokenRejected e) {
            refuse(check, e.reason() == TokenRejected.Reason.REPLAYED ? UpstreamAlert.Kind.ANSWER_ALTERED
                    : UpstreamAlert.Kind.IDENTITY_CHANGED, "the answer of " + upstreamUrl + " to " + exchange
                    + " is not signed by the pinned instance " + pin.get().instanceId() + " for this request: "
                    + e.getMessage());
        }
        if (status == 401 && MessageAltered.class.getSimpleName().equals(errorName(response.body()))) {
            refuse(check, UpstreamAlert.Kind.REQUEST_ALTERED, "the upstream " + upstreamUrl + " refused " + exchange
                    + " because it arrived changed: " + errorMessage(response.body()));
        }
    }

    private static void refuse(AnswerCheck check, UpstreamAlert.Kind kind, String problem) {
        check.onRefused().refused(kind, problem);
        throw new UpstreamUnavailable(0, "Answer refused: " + problem, null);
    }

    /**
     * Reads the upstream's clock from its Date header. The server stamps it when the request arrives,
     * so only quick exchanges tell the time: a long-poll that waited 25 s would look like a skew.
     */
    private void noteClock(HttpResponse<?> response, Instant sent) {
        if (Duration.between(sent, Instant.now()).compareTo(Duration.ofSeconds(1)) > 0) {
            return;
        }
        response.headers().firstValue("Date").ifPresent(date -> {
            try {
                Instant upstream = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Instant now = Instant.now();
                Instant middle = sent.plus(Duration.between(sent, now).dividedBy(2));
                // The header has whole seconds: compare with this clock's time truncated the same way.
                clockSkew = Duration.between(middle.truncatedTo(ChronoUnit.SECONDS), upstream);
            } catch (DateTimeParseException e) {
                // An unreadable Date header tells nothing about the clocks.
            }
        });
    }

    /** The {@code exceptionName} of the first error in an error body, or null. */
    private static String errorName(byte[] body) {
        try {
            JsonNode name = JSON.readTree(body).path("errors").path(0).path("exceptionName");
            return name.isTextual() ? name.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String errorMessage(byte[] body) {
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                return errors.get(0).path("message").asText();
            }
        } catch (IOException e) {
            // not JSON: fall through
        }
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        return text.length() > 200 ? text.substring(0, 200) : text;
    }
}
