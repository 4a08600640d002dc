package dev.facet.mirror;

import dev.facet.core.access.Credentials;
import dev.facet.core.digest.Sha256;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import java.security.MessageDigest;

/**
 * The key under which an answer about credentials is kept: a digest keyed by a secret, so that
 * what is kept never holds a password or a token, nor a digest of one that could be guessed at.
 */
public final class CredentialDigest {
    private final byte[] secret;

    public CredentialDigest(byte[] secret) {
        this.secret = secret.clone();
    }

    public String of(Credentials credentials, ProjectKey project, RepositorySlug repository) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(secret);
        return Sha256.hex(digest, String.join("\u0000", String.valueOf(credentials.username()),
                String.valueOf(credentials.secret()), String.valueOf(credentials.bearerToken()), String.valueOf(credentials.keyFingerprint()),
                String.valueOf(project), String.valueOf(repository)));
    }
}
