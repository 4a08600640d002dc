package dev.facet.primary;

import dev.facet.core.error.InvalidInput;
import dev.facet.core.webhook.WebhookDelivery.Outcome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends one webhook request the way Bitbucket does: a JSON POST with {@code X-Event-Key}, {@code X-Request-Id} and,
 * when the hook has a secret, {@code X-Hub-Signature: sha256=<HMAC-SHA256 of the body>}. The URL is checked
 * against the {@link WebhookUrlPolicy} right before each request, and redirects are not followed, so neither a
 * name that now resolves elsewhere nor a redirect takes a delivery where a hook could not point.
 */
public final class WebhookSender {
    /** What came of one request. */
    public record Result(Outcome outcome, Integer statusCode, String description) {
    }

    private final WebhookUrlPolicy policy;
    private final Duration timeout;
    private final HttpClient http;

    WebhookSender(WebhookUrlPolicy policy, Duration timeout) {
        this.policy = policy;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Posts {@code body}; interrupted only when the primary stops, and then nothing is known of the outcome. */
    Result post(String url, String secret, String eventKey, String requestId, String body) throws InterruptedException {
        URI target;
        try {
            target = policy.check(url);
        } catch (InvalidInput e) {
            return new Result(Outcome.ERROR, null, e.getMessage());
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .timeout(timeout)
                .header("Content-Type", "application/json; charset=UTF-8")
                .header("User-Agent", "Facet-Webhooks")
                .header("X-Event-Key", eventKey)
                .header("X-Request-Id", requestId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (secret != null && !secret.isEmpty()) {
            request.header("X-Hub-Signature", signature(secret, bytes));
        }
        try {
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            return status >= 200 && status < 300
                    ? new Result(Outcome.SUCCESS, status, "Delivered: HTTP " + status)
                    : new Result(Outcome.FAILURE, status, "The receiver answered HTTP " + status);
        } catch (IOException e) {
            return new Result(Outcome.ERROR, null, "No answer from " + target.getHost() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    /** {@code sha256=} and the hex HMAC-SHA256 of {@code body} keyed with {@code secret}. */
    static String signature(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Every Java runtime has HmacSHA256", e);
        }
    }
}
