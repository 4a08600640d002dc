package dev.facet.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import dev.facet.core.identity.InstanceIdentity;
import dev.facet.core.identity.ReplayGuard;
import dev.facet.core.identity.RequestTokens;
import dev.facet.core.mirror.MirrorType;
import dev.facet.core.mirror.protocol.AuthorizationRequest;
import dev.facet.core.mirror.protocol.AuthorizationStatus;
import dev.facet.core.mirror.protocol.CredentialCheck;
import dev.facet.core.mirror.protocol.CredentialVerdict;
import dev.facet.mirror.UpstreamClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/**
 * A server with a key of its own that speaks the mirror protocol to a primary under whatever
 * mirror id it likes: what an attacker who wants to take a mirror's place would run.
 */
final class ForeignServer {
    private final InstanceIdentity identity;
    private final UpstreamClient client;
    private final String upstreamId;

    private ForeignServer(InstanceIdentity identity, TestPrimary primary) {
        this.identity = identity;
        RequestTokens tokens = new RequestTokens(Clock.systemUTC(), new SecureRandom(),
                new ReplayGuard(Clock.systemUTC(), ReplayGuard.DEFAULT_CAPACITY));
        this.client = new UpstreamClient(primary.baseUrl(),
                (audience, request) -> tokens.sign(identity, audience, Duration.ofSeconds(30), request),
                dev.facet.core.tls.OutboundTrust.jvmDefault());
        this.upstreamId = client.identity().id();
    }

    /** A server that claims to be the mirror {@code mirrorId}, signing with a new key of its own. */
    static ForeignServer claiming(String mirrorId, Path keys, TestPrimary primary) {
        try {
            Files.createDirectories(keys);
            Files.writeString(keys.resolve("instance-id"), mirrorId + "\n");
            Files.writeString(keys.resolve("instance.jwk"),
                    new OctetKeyPairGenerator(Curve.Ed25519).generate().toJSONString() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return new ForeignServer(InstanceIdentity.loadOrCreate(keys), primary);
    }

    /** A server with an id and a key of its own, asking to become a new mirror. */
    static ForeignServer newcomer(TestPrimary primary) {
        return new ForeignServer(InstanceIdentity.generate(new SecureRandom()), primary);
    }

    String id() {
        return identity.id();
    }

    String keyFingerprint() {
        return identity.publicKey().fingerprint();
    }

    /** Files an authorization request signed with this server's key; a refusal is an UpstreamUnavailable with its status. */
    AuthorizationStatus requestAuthorization(String name, String baseUrl) {
        return client.requestAuthorization(upstreamId, new AuthorizationRequest(identity.id(), name, baseUrl,
                identity.publicKeyJwk(), MirrorType.SINGLE, null));
    }

    AuthorizationStatus authorizationStatus(String requestId) {
        return client.authorizationStatus(upstreamId, requestId);
    }

    /** Asks the primary, as a mirror would for a client at {@code clientAddress}, who these credentials belong to. */
    CredentialVerdict checkCredentials(String username, String password, String clientAddress) {
        return client.checkCredentials(upstreamId, new CredentialCheck(username, password, null, null, null,
                clientAddress, null));
    }

    void fetchToken() {
        client.fetchToken(upstreamId);
    }
}
