package dev.facet.core.mirror.protocol;

/**
 * Sent by a mirror to {@code POST authenticate}: a client's credentials (a password or token,
 * or a bearer token with no user name), the repository it wants to read, and the client's
 * address, so the primary throttles wrong credentials by the client that sent them and not by
 * the mirror that passes them on.
 *
 * @param clientAddress the address the mirror saw the client's request come from; null when unknown
 */
public record CredentialCheck(String username, String secret, String bearerToken, String project, String slug,
                              String clientAddress) {
    @Override
    public String toString() {
        return "CredentialCheck[" + username + ", " + project + "/" + slug + " from " + clientAddress + "]";
    }
}
