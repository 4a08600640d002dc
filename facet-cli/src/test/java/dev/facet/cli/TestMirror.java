package dev.facet.cli;

import dev.facet.core.identity.InstanceIdentity;
import dev.facet.core.identity.ReplayGuard;
import dev.facet.core.identity.RequestTokens;
import dev.facet.mirror.UpstreamClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/** A real mirror node in this JVM on a free port with a fresh home, registered with a {@link TestPrimary}. */
final class TestMirror implements AutoCloseable {
    final Path home;
    final MirrorInstance instance;
    final RestClient anonymous;

    private TestMirror(Path home, MirrorInstance instance, RestClient anonymous) {
        this.home = home;
        this.instance = instance;
        this.anonymous = anonymous;
    }

    static TestMirror start(Path home, TestPrimary primary, Map<String, String> extraSettings) {
        return start(home, primary.baseUrl(), extraSettings);
    }

    /** A mirror whose upstream URL is {@code upstreamUrl}: a primary's, or a server in its place. */
    static TestMirror start(Path home, String upstreamUrl, Map<String, String> extraSettings) {
        Map<String, String> flags = new HashMap<>(extraSettings);
        flags.put(RawSettings.PORT, "0");
        flags.put(RawSettings.SSH_PORT, "0");
        flags.put(RawSettings.UPSTREAM_URL, upstreamUrl);
        flags.put(RawSettings.MIRROR_NAME, home.getFileName().toString());
        MirrorInstance instance = MirrorInstance.start(MirrorSettings.load(home, flags, Map.of()));
        return new TestMirror(home, instance, RestClient.anonymous(instance.baseUrl()));
    }

    /** A mirror serving HTTPS (settings name its certificate) whose REST clients trust {@code clientTls}. */
    static TestMirror startHttps(Path home, String upstreamUrl, Map<String, String> extraSettings,
                                 SSLContext clientTls) {
        Map<String, String> flags = new HashMap<>(extraSettings);
        flags.put(RawSettings.PORT, "0");
        flags.put(RawSettings.SSH_PORT, "0");
        flags.put(RawSettings.UPSTREAM_URL, upstreamUrl);
        flags.put(RawSettings.MIRROR_NAME, home.getFileName().toString());
        MirrorInstance instance = MirrorInstance.start(MirrorSettings.load(home, flags, Map.of()));
        return new TestMirror(home, instance, RestClient.anonymous(instance.baseUrl(), clientTls));
    }

    /** Starts a mirror and authorizes it through the primary's REST API, as an administrator would. */
    static TestMirror startAuthorized(Path home, TestPrimary primary) {
        return startAuthorized(home, primary, Map.of());
    }

    static TestMirror startAuthorized(Path home, TestPrimary primary, Map<String, String> extraSettings) {
        TestMirror mirror = start(home, primary, extraSettings);
        mirror.authorizeOn(primary);
        return mirror;
    }

    void authorizeOn(TestPrimary primary) {
        String requestId = awaitPendingRequest(primary);
        TestPrimary.expect(200, primary.admin.post("/rest/mirroring/latest/requests/" + requestId + "/accept", null));
        awaitState("SYNCHRONIZED");
    }

    String awaitPendingRequest(TestPrimary primary) {
        String[] id = new String[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (JsonNode request : primary.admin.get("/rest/mirroring/latest/requests?state=PENDING").json()
                    .path("values")) {
                if (request.path("mirrorId").asText().equals(instance.instanceId())) {
                    id[0] = request.path("id").asText();
                    return true;
                }
            }
            return false;
        });
        return id[0];
    }

    /**
     * Waits for the state {@code /status} reports. A minute: a mirror catching up after a restart fetches
     * again with back-off while the unsigned Git answers are newer than the signed state it has read so far.
     */
    void awaitState(String state) {
        await().atMost(Duration.ofSeconds(60)).until(() -> state.equals(anonymous.get("/status").json()
                .path("state").asText()));
    }

    String baseUrl() {
        return instance.baseUrl();
    }

    /** Calls to this mirror with the credentials of the primary's administrator, which it checks with the primary. */
    RestClient asPrimaryAdmin() {
        return anonymous.as("admin", TestPrimary.ADMIN_PASSWORD);
    }

    /** Asks this mirror to send a new authorization request, as the primary's administrator. */
    void reconnectAsPrimaryAdmin() {
        TestPrimary.expect(202, asPrimaryAdmin().post("/rest/mirroring/latest/upstreamServer/reconnect", null));
    }

    String upstreamState() {
        return anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("state").asText();
    }

    String gitUrl(String user, String secret, String project, String slug) {
        return GitUrls.withCredentials(baseUrl(), user, secret, project, slug);
    }

    String anonymousGitUrl(String project, String slug) {
        return GitUrls.anonymous(baseUrl(), project, slug);
    }

    /** The value of a counter on this mirror's {@code /metrics} (summed over its labels), 0 when it has none yet. */
    long metric(String name) {
        Matcher value = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? ([0-9.E+-]+)$")
                .matcher(anonymous.get("/metrics").body());
        double sum = 0;
        while (value.find()) {
            sum += Double.parseDouble(value.group(1));
        }
        return (long) sum;
    }

    @Override
    public void close() {
        instance.close();
    }

    /** A client of {@code primary} that signs with this mirror's own key: what someone holding that key can send. */
    UpstreamClient clientWithItsKey(TestPrimary primary) {
        InstanceIdentity identity = InstanceIdentity.loadOrCreate(home.resolve("keys"));
        Clock clock = Clock.systemUTC();
        RequestTokens tokens = new RequestTokens(clock, new SecureRandom(), new ReplayGuard(clock, 100));
        return new UpstreamClient(primary.baseUrl(),
                (audience, request) -> tokens.sign(identity, audience, Duration.ofSeconds(30), request),
                dev.facet.core.tls.OutboundTrust.jvmDefault());
    }
}
