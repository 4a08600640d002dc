package dev.facet.core.lfs;

import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.Credentials;
import dev.facet.core.access.GitRequestAuthorizer;
import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.PermissionDenied;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The credentials {@code git-lfs-authenticate} hands out over SSH, and their check when git-lfs sends one
 * to the Git LFS API over HTTP ({@code Authorization: Bearer facet-lfs-ssh.…}). One is bound to the SSH key
 * that asked, one repository (its id and its name) and one access level (READ for download, WRITE for
 * upload), and lasts a few minutes. It proves only that the key signed in over SSH: each request that
 * carries one is decided again by Git's own authorizer as that key, so a key removed or a permission
 * revoked since counts at once (on a mirror, "decided again" is the primary's verdict, as for Git). HMAC-signed with
 * a key held in memory, like the transfer tokens.
 */
public final class LfsSshCredentials implements LfsSshAuthentication {
    /** How a bearer token that is one of these begins. */
    public static final String PREFIX = "facet-lfs-ssh.";
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);
    private static final String KIND = "lfs-ssh-1";

    private final SignedFields signer;
    private final Clock clock;
    private final Duration lifetime;
    private final Supplier<String> baseUrl;

    /** What a credential was issued for. */
    record Grant(String keyFingerprint, long repositoryId, String repositoryPath, AccessLevel level,
                 Instant expiresAt) {
    }

    /** @param baseUrl the HTTP base URL of this server, where git-lfs is sent */
    public LfsSshCredentials(byte[] key, Clock clock, Duration lifetime, Supplier<String> baseUrl) {
        this(SignedFields.constant(key), clock, lifetime, baseUrl);
    }

    /**
     * @param key     the key to sign and check with now, asked at each use (a farm's nodes share one, so a credential
     *                one node issued is good on the others)
     * @param baseUrl the HTTP base URL of this server, where git-lfs is sent
     */
    public LfsSshCredentials(Supplier<byte[]> key, Clock clock, Duration lifetime, Supplier<String> baseUrl) {
        this.signer = new SignedFields(key);
        this.clock = clock;
        this.lifetime = lifetime;
        this.baseUrl = baseUrl;
    }

    @Override
    public Answer answer(String keyFingerprint, GitRequestAuthorizer.AuthorizedGitRequest authorized,
                         ProjectKey project, RepositorySlug slug, AccessLevel level) {
        Instant expiresAt = clock.instant().plus(lifetime);
        String token = PREFIX + signer.sign(List.of(KIND, keyFingerprint, Long.toString(authorized.repositoryId()),
                path(project, slug), level.name(), Long.toString(expiresAt.getEpochSecond())));
        return new Answer(apiUrl(project, slug), Map.of("Authorization", "Bearer " + token), lifetime.toSeconds(),
                expiresAt);
    }

    /**
     * An answer that names the repository's Git LFS API on this server without a credential: git-lfs then signs in
     * over HTTP as for an HTTP remote (its credential helper, a password or an access token).
     */
    public Answer withoutCredential(ProjectKey project, RepositorySlug slug) {
        return new Answer(apiUrl(project, slug), Map.of(), lifetime.toSeconds(), clock.instant().plus(lifetime));
    }

    private String apiUrl(ProjectKey project, RepositorySlug slug) {
        return baseUrl.get() + "/scm/" + project.value() + "/" + slug.value() + ".git/info/lfs";
    }

    /**
     * Git's authorizer, taking these credentials too: a request that carries one is decided by {@code git} as
     * the SSH key it was issued to, and only for its repository and up to its level. Any other request goes to
     * {@code git} as it is.
     */
    public GitRequestAuthorizer acceptedBy(GitRequestAuthorizer git) {
        return (credentials, clientAddress, project, slug, needed) -> {
            Optional<String> token = credentials.filter(Credentials::isBearer).map(Credentials::bearerToken)
                    .filter(bearer -> bearer.startsWith(PREFIX));
            if (token.isEmpty()) {
                return git.authorize(credentials, clientAddress, project, slug, needed);
            }
            Grant grant = check(token.get().substring(PREFIX.length()));
            if (!grant.repositoryPath().equals(path(project, slug))) {
                throw new PermissionDenied("These Git LFS credentials from git-lfs-authenticate are for another "
                        + "repository.");
            }
            if (!grant.level().allows(needed)) {
                throw new PermissionDenied("These Git LFS credentials from git-lfs-authenticate allow "
                        + operation(grant.level()) + " only; ask for " + operation(needed) + ".");
            }
            GitRequestAuthorizer.AuthorizedGitRequest authorized = git.authorize(
                    Optional.of(Credentials.publicKey(grant.keyFingerprint())), clientAddress, project, slug, needed);
            if (authorized.repositoryId() != grant.repositoryId()) {
                // Deleted and made again under the same name since: not the repository the credentials were for.
                throw new PermissionDenied("These Git LFS credentials from git-lfs-authenticate are for another "
                        + "repository.");
            }
            return authorized;
        };
    }

    Grant check(String token) {
        List<String> fields = signer.verify(token).filter(signed -> signed.size() == 6 && signed.get(0).equals(KIND))
                .orElseThrow(() -> new AuthenticationRequired("These Git LFS credentials are not ones this server "
                        + "issued; run the command again to get new ones."));
        Grant grant = new Grant(fields.get(1), Long.parseLong(fields.get(2)), fields.get(3),
                AccessLevel.valueOf(fields.get(4)), Instant.ofEpochSecond(Long.parseLong(fields.get(5))));
        if (!clock.instant().isBefore(grant.expiresAt())) {
            throw new AuthenticationRequired("These Git LFS credentials from git-lfs-authenticate expired at "
                    + grant.expiresAt() + "; git-lfs asks for new ones over SSH.");
        }
        return grant;
    }

    private static String path(ProjectKey project, RepositorySlug slug) {
        return project.value().toUpperCase(Locale.ROOT) + "/" + slug.value().toLowerCase(Locale.ROOT);
    }

    private static String operation(AccessLevel level) {
        return level == AccessLevel.READ ? "download" : level == AccessLevel.WRITE ? "upload" : level.name();
    }
}
