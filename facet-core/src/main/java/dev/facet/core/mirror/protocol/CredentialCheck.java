package dev.facet.core.mirror.protocol;

/**
 * Sent by a mirror to {@code POST authenticate}: a client's credentials (a password or token,
 * or a bearer token with no user name) and the repository it wants to read.
 */
public record CredentialCheck(String username, String secret, String bearerToken, String project, String slug) {
    @Override
    public String toString() {
        return "CredentialCheck[" + username + ", " + project + "/" + slug + "]";
    }
}
