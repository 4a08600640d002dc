package dev.facet.core.mirror.protocol;

import dev.facet.core.access.SshLoginProof;
import dev.facet.core.error.InvalidInput;
import java.util.Base64;

/**
 * The head of a push a mirror forwards from an SSH client ({@code POST ssh-pushes/{project}/{slug}}):
 * what the client signed to log in to the mirror, byte fields in Base64, and the client's address.
 * The Git request (commands and pack) follows it in the same signed body.
 */
public record ForwardedSshLogin(String sessionId, String username, String service, String algorithm, String publicKey,
                                String signature, String clientAddress) {

    public static ForwardedSshLogin of(SshLoginProof proof, String clientAddress) {
        Base64.Encoder base64 = Base64.getEncoder();
        return new ForwardedSshLogin(base64.encodeToString(proof.sessionId()), proof.username(), proof.service(),
                proof.algorithm(), base64.encodeToString(proof.publicKey()), base64.encodeToString(proof.signature()),
                clientAddress);
    }

    /** @throws InvalidInput when a field is missing or not Base64 */
    public SshLoginProof proof() {
        return new SshLoginProof(bytes("sessionId", sessionId), username, service, algorithm,
                bytes("publicKey", publicKey), bytes("signature", signature));
    }

    private static byte[] bytes(String name, String value) {
        if (value == null) {
            throw new InvalidInput(name, "'" + name + "' is required.");
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput(name, "'" + name + "' must be Base64.");
        }
    }
}
