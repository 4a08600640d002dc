package dev.facet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.identity.InstanceIdentity;
import dev.facet.core.identity.ReplayGuard;
import dev.facet.core.identity.RequestBinding;
import dev.facet.core.identity.RequestTokens;
import dev.facet.core.mirror.MirrorType;
import dev.facet.core.mirror.protocol.AuthorizationRequest;
import dev.facet.core.mirror.protocol.FarmNodeDescription;
import dev.facet.core.mirror.protocol.Heartbeat;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A farm node as the primary sees it: an id and a key pair of its own, with which it signs every
 * request to the primary itself, the way the mirror protocol says. It speaks the primary's side of
 * the protocol and nothing more, so a test can be a farm's node, an outsider, or a node of
 * another farm.
 */
final class TestFarmNode {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String API = "/rest/mirroring/latest";

    final InstanceIdentity identity;
    final String name;
    final String url;
    private final TestPrimary primary;
    private final RequestTokens tokens;
    private final Clock clock;

    private TestFarmNode(InstanceIdentity identity, String name, String url, TestPrimary primary, Clock clock) {
        this.identity = identity;
        this.name = name;
        this.url = url;
        this.primary = primary;
        this.clock = clock;
        this.tokens = new RequestTokens(clock, new SecureRandom(), new ReplayGuard(clock, ReplayGuard.DEFAULT_CAPACITY));
    }

    /** A node with a new id and key, signing with the system clock. */
    static TestFarmNode create(String name, TestPrimary primary) {
        return create(name, primary, Clock.systemUTC());
    }

    /** A node with a new id and key whose tokens are dated by {@code clock} (the primary's, when the test moves it). */
    /** A node that claims {@code claimedId} with a key of its own: what a squatter who saw the id listed sends. */
    static TestFarmNode claiming(String claimedId, String name, TestPrimary primary, java.nio.file.Path keys) {
        InstanceIdentity own = InstanceIdentity.loadOrCreate(keys);
        try {
            java.nio.file.Files.writeString(keys.resolve("instance-id"), claimedId + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        InstanceIdentity squatter = InstanceIdentity.loadOrCreate(keys);
        org.assertj.core.api.Assertions.assertThat(squatter.publicKey()).isEqualTo(own.publicKey());
        return new TestFarmNode(squatter, name, "http://10.9.9.8:7990", primary, Clock.systemUTC());
    }

    static TestFarmNode create(String name, TestPrimary primary, Clock clock) {
        InstanceIdentity identity = InstanceIdentity.generate(new SecureRandom());
        return new TestFarmNode(identity, name, "http://10.0.0." + (Math.abs(identity.id().hashCode()) % 250 + 1)
                + ":7990", primary, clock);
    }

    /** This very node (same id, key and clock) sending to another primary. */
    TestFarmNode talkingTo(TestPrimary other) {
        return new TestFarmNode(identity, name, url, other, clock);
    }

    String id() {
        return identity.id();
    }

    String keyFingerprint() {
        return identity.publicKey().fingerprint();
    }

    /** What the farm sends to vouch for this node: its id, name, URL and public key, never its private key. */
    FarmNodeDescription description() {
        return new FarmNodeDescription(identity.id(), name, url, identity.publicKeyJwk());
    }

    /** Asks, as this node, that the farm {@code farmId} behind {@code balancerUrl} be authorized. */
    RestClient.Response requestFarmAuthorization(String farmId, String farmName, String balancerUrl) {
        return post(API + "/requests", new AuthorizationRequest(farmId, farmName, balancerUrl, identity.publicKeyJwk(),
                MirrorType.FARM, description()));
    }

    /** Asks to be authorized as a single mirror whose id is this node's. */
    RestClient.Response requestSingleAuthorization(String mirrorName, String baseUrl) {
        return post(API + "/requests", new AuthorizationRequest(identity.id(), mirrorName, baseUrl,
                identity.publicKeyJwk(), MirrorType.SINGLE, null));
    }

    RestClient.Response requestStatus(String requestId) {
        return send("GET", API + "/requests/" + requestId + "/status", null);
    }

    RestClient.Response vouchFor(TestFarmNode newcomer) {
        return vouchFor(newcomer.description());
    }

    RestClient.Response vouchFor(FarmNodeDescription newcomer) {
        return post(API + "/nodes", newcomer);
    }

    RestClient.Response heartbeat(String state) {
        return post(API + "/heartbeat", new Heartbeat(state, "test-" + name, 3, 0, List.of(), 0));
    }

    RestClient.Response events() {
        return send("GET", API + "/events?after=0&waitSeconds=0", null);
    }

    RestClient.Response fetchToken() {
        return send("POST", API + "/fetch-token", null);
    }

    RestClient.Response post(String path, Object body) {
        try {
            return send("POST", path, JSON.writeValueAsString(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one request signed by this node for the primary, bound to its method, target and body. */
    RestClient.Response send(String method, String path, String body) {
        return sendTo(primary.instance.instanceId(), method, path, body);
    }

    /** The same, signed for the instance {@code audience}. */
    RestClient.Response sendTo(String audience, String method, String path, String body) {
        byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        String token = tokens.sign(identity, audience, Duration.ofSeconds(30), RequestBinding.of(method, path, bytes));
        return primary.anonymous.withAuthorization("Bearer " + token).send(method, path, body);
    }
}
