package dev.facet.core.access;

import dev.facet.core.digest.Sha256;
import dev.facet.core.error.InvalidInput;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What an SSH client signed to log in with a public key (RFC 4252 §7), as the server that took the
 * login kept it: the session id the key exchange produced, the user name, service and method of the
 * request, the key's algorithm and blob, and the signature. Only the holder of the private key can
 * make it, and it names one SSH session: a mirror passes it on with a push over SSH so the primary
 * can check, with the key registered there, that this user did sign in to the mirror for it.
 *
 * @param sessionId the session identifier of the SSH connection (the exchange hash of its first key exchange)
 * @param username  the user name the client logged in with ({@code git})
 * @param service   the service the login was for ({@code ssh-connection})
 * @param algorithm the public-key algorithm the client signed with ({@code ssh-ed25519}, {@code rsa-sha2-512}, …)
 * @param publicKey the public key blob, in SSH's wire encoding
 * @param signature the signature blob, in SSH's wire encoding (the algorithm's name, then the signature bytes)
 */
public record SshLoginProof(byte[] sessionId, String username, String service, String algorithm, byte[] publicKey,
                            byte[] signature) {
    /** The only service a Git login is for. */
    public static final String CONNECTION_SERVICE = "ssh-connection";
    private static final byte USERAUTH_REQUEST = 50;
    private static final int MAX_FIELD = 16 * 1024;

    public SshLoginProof {
        if (sessionId == null || sessionId.length == 0 || sessionId.length > 64) {
            throw new InvalidInput("sessionId", "An SSH session id is 1 to 64 bytes.");
        }
        requireField("username", username);
        requireField("service", service);
        requireField("algorithm", algorithm);
        if (publicKey == null || publicKey.length == 0 || publicKey.length > MAX_FIELD) {
            throw new InvalidInput("publicKey", "An SSH public key blob is 1 to " + MAX_FIELD + " bytes.");
        }
        if (signature == null || signature.length == 0 || signature.length > MAX_FIELD) {
            throw new InvalidInput("signature", "An SSH signature blob is 1 to " + MAX_FIELD + " bytes.");
        }
        sessionId = sessionId.clone();
        publicKey = publicKey.clone();
        signature = signature.clone();
    }

    private static void requireField(String name, String value) {
        if (value == null || value.isEmpty() || value.length() > 255) {
            throw new InvalidInput(name, "'" + name + "' is 1 to 255 characters.");
        }
    }

    @Override
    public byte[] sessionId() {
        return sessionId.clone();
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** What the client signed: RFC 4252 §7's session id and {@code SSH_MSG_USERAUTH_REQUEST} with its fields. */
    public byte[] signedData() {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        putString(data, sessionId);
        data.write(USERAUTH_REQUEST);
        putString(data, username.getBytes(StandardCharsets.UTF_8));
        putString(data, service.getBytes(StandardCharsets.UTF_8));
        putString(data, "publickey".getBytes(StandardCharsets.US_ASCII));
        data.write(1);
        putString(data, algorithm.getBytes(StandardCharsets.US_ASCII));
        putString(data, publicKey);
        return data.toByteArray();
    }

    /** The key's fingerprint as {@code ssh-keygen -l} prints it and Facet stores it: {@code SHA256:…}. */
    public String keyFingerprint() {
        return SshPublicKey.fingerprintOf(publicKey);
    }

    /** The SHA-256 of the session id, hex: what a primary keeps to take each proof once. */
    public String sessionDigest() {
        return java.util.HexFormat.of().formatHex(Sha256.newDigest().digest(sessionId));
    }

    private static void putString(ByteArrayOutputStream out, byte[] value) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(value.length).array());
        out.writeBytes(value);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SshLoginProof that && Arrays.equals(sessionId, that.sessionId)
                && username.equals(that.username) && service.equals(that.service) && algorithm.equals(that.algorithm)
                && Arrays.equals(publicKey, that.publicKey) && Arrays.equals(signature, that.signature);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sessionId);
    }

    @Override
    public String toString() {
        return "SshLoginProof[" + keyFingerprint() + ", session " + sessionDigest().substring(0, 12) + "]";
    }
}
