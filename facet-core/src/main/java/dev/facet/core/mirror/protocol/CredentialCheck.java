package dev.facet.core.mirror.protocol;

/**
 * Sent by a mirror to {@code POST authenticate}: a client's credentials (a password or token,
 * a bearer token with no user name, or the fingerprint of an SSH key the client proved to the
 * mirror that it holds), the repository it wants to read, and the client's
 * address, so the primary throttles wrong credentials by the client that sent them and not by
 * the mirror that passes them on.
 *
 * @param clientAddress  the address the mirror saw the client's request come from; null when unknown
 * @param keyFingerprint the SHA-256 fingerprint of the client's SSH key, when that is what it signed in with
 */
public record CredentialCheck(String username, String secret, String bearerToken, String project, String slug,
                              String clientAddress, String keyFingerprint) {
    @Override
    public String toString() {
        return "CredentialCheck[" + (keyFingerprint != null ? "key " + keyFingerprint : username) + ", " + project + "/" + slug + " from " + clientAddress + "]";
    }
}
