package dev.facet.core.lfs;

import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.GitRequestAuthorizer.AuthorizedGitRequest;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import java.time.Instant;
import java.util.Map;

/**
 * What answers {@code git-lfs-authenticate} over SSH: where the repository's Git LFS API is and the header
 * that lets the SSH user call it for a while. The SSH server has already let the authorizer decide that the
 * key may do {@code level} on the repository; this only hands out what proves it.
 */
@FunctionalInterface
public interface LfsSshAuthentication {
    Answer answer(String keyFingerprint, AuthorizedGitRequest authorized, ProjectKey project, RepositorySlug slug,
                  AccessLevel level);

    /** The JSON git-lfs expects: the LFS API's URL, the headers to send it, and how long they are good for. */
    record Answer(String href, Map<String, String> header, long expiresIn, Instant expiresAt) {
    }
}
