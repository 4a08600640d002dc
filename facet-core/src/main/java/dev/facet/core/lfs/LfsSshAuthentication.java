package dev.facet.core.lfs;

import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.GitRequestAuthorizer.AuthorizedGitRequest;
import dev.facet.core.error.Unavailable;
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
    /** A server that does not serve Git LFS over SSH: the user is told to use the HTTP URL. */
    LfsSshAuthentication NOT_SERVED = (keyFingerprint, authorized, project, slug, level) -> {
        throw new Unavailable("This server does not answer git-lfs-authenticate; point git-lfs at the repository's "
                + "Git LFS API over HTTP (git config lfs.url <HTTP clone URL>/info/lfs).");
    };

    /**
     * A mirror, which does not answer git-lfs-authenticate: the user is told the Git LFS URL of the repository on
     * {@code primaryUrl}, which the mirror's users can reach as its SSH clients reach the primary's key checks.
     */
    static LfsSshAuthentication notServedOnMirror(String primaryUrl) {
        String base = primaryUrl.endsWith("/") ? primaryUrl.substring(0, primaryUrl.length() - 1) : primaryUrl;
        return (keyFingerprint, authorized, project, slug, level) -> {
            throw new Unavailable("This mirror does not answer git-lfs-authenticate; point git-lfs at the primary's "
                    + "HTTP URL: git config lfs.url " + base + "/scm/" + project.value() + "/" + slug.value()
                    + ".git/info/lfs");
        };
    }

    Answer answer(String keyFingerprint, AuthorizedGitRequest authorized, ProjectKey project, RepositorySlug slug,
                  AccessLevel level);

    /** The JSON git-lfs expects: the LFS API's URL, the headers to send it, and how long they are good for. */
    record Answer(String href, Map<String, String> header, long expiresIn, Instant expiresAt) {
    }
}
