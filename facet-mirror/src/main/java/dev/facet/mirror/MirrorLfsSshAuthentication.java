package dev.facet.mirror;

import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.GitRequestAuthorizer.AuthorizedGitRequest;
import dev.facet.core.lfs.LfsSshAuthentication;
import dev.facet.core.lfs.LfsSshCredentials;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;

/**
 * git-lfs-authenticate on a mirror. A download gets this mirror's own short-lived credential, and each
 * request that carries it is decided again by the primary's verdict on the SSH key, as a Git fetch over
 * SSH is. An upload goes on to the primary, which lets a user write only on their own proof, never on a
 * mirror's word: its answer names this mirror's Git LFS API without a credential, so git-lfs signs in
 * over HTTP (a password or access token, from its credential helper) and the mirror forwards the upload
 * as it does for an HTTP remote.
 */
public record MirrorLfsSshAuthentication(LfsSshCredentials downloads) implements LfsSshAuthentication {
    @Override
    public Answer answer(String keyFingerprint, AuthorizedGitRequest authorized, ProjectKey project,
                         RepositorySlug slug, AccessLevel level) {
        return level == AccessLevel.READ ? downloads.answer(keyFingerprint, authorized, project, slug, level)
                : downloads.withoutCredential(project, slug);
    }
}
