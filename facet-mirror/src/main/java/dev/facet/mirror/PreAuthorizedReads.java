package dev.facet.mirror;

import dev.facet.core.error.Unavailable;
import dev.facet.core.identity.RequestTokens;
import dev.facet.core.identity.TokenRejected;
import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.mirror.PreAuthorizedLinks;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.core.name.RepositoryPath;
import dev.facet.core.store.MirrorStore;
import java.time.Instant;
import java.util.Optional;

/**
 * The mirror's view of one of the primary's repositories, shown without credentials to whoever holds
 * a link the primary signed for it ({@code repos/{id}/mirrors} on the primary): a token signed with the
 * key this mirror pinned, addressed to this mirror, for this repository, and still valid. Anything
 * else (another upstream's key, another mirror's or another repository's token, a changed or expired
 * one) is refused before the repository is looked at.
 */
public final class PreAuthorizedReads {
    private final MirrorNode node;
    private final MirrorStore store;
    private final RequestTokens tokens;

    /** Whether the mirror serves a repository now, in Bitbucket's words. */
    public enum Status { AVAILABLE, INITIALIZING, NOT_MIRRORED }

    /**
     * What the link shows.
     *
     * @param lastUpdated when the mirror last brought its copy in line with the primary, or null
     * @param cloneUrl    where to clone it from this mirror, or null when it does not serve it
     * @param sshCloneUrl the same over SSH, or null when it does not serve it or serves no SSH
     */
    public record View(long repositoryId, Status status, String mirrorName, Instant lastUpdated, String cloneUrl,
                       String sshCloneUrl) {
        public boolean available() {
            return status == Status.AVAILABLE;
        }
    }

    public PreAuthorizedReads(MirrorNode node, MirrorStore store, RequestTokens tokens) {
        this.node = node;
        this.store = store;
        this.tokens = tokens;
    }

    /**
     * Checks {@code token} for {@code repositoryId}, then describes that repository.
     *
     * @throws TokenRejected when the token is missing, is not the pinned upstream's, not for this mirror or
     *                       this repository, was changed, or has expired
     */
    public View read(String token, long repositoryId) {
        MirrorIdentity self = node.identity().orElseThrow(() -> new Unavailable("This mirror is starting."));
        if (token == null || token.isBlank()) {
            throw new TokenRejected(TokenRejected.Reason.MALFORMED, "This link needs the token the primary signed "
                    + "for it (?" + PreAuthorizedLinks.TOKEN_PARAMETER + "=…); ask the primary for a fresh link: "
                    + "GET /rest/mirroring/latest/repos/" + repositoryId + "/mirrors.");
        }
        UpstreamClient.Pin pin = node.pinnedUpstream().orElseThrow(() -> new TokenRejected(
                TokenRejected.Reason.UNKNOWN_KEY, "This mirror has no upstream yet, so no link can be checked."));
        tokens.verifyForResource(token, self.id(), issuer -> issuer.equals(pin.instanceId())
                ? Optional.of(pin.publicKeyJwk()) : Optional.empty(), PreAuthorizedLinks.resource(repositoryId));
        UpstreamLink link = node.status().link();
        Optional<MirroredRepository> carried = link.state() == UpstreamState.INSTALLED
                ? store.inTransaction(tx -> tx.repositories().find(repositoryId)) : Optional.empty();
        if (carried.isEmpty()) {
            return new View(repositoryId, Status.NOT_MIRRORED, self.name(), null, null, null);
        }
        MirroredRepository repository = carried.get();
        boolean held = repository.localRefsHash() != null;
        return new View(repositoryId, held ? Status.AVAILABLE : Status.INITIALIZING, self.name(),
                repository.lastSyncedAt(), held ? self.baseUrl() + "/scm/" + path(repository) : null,
                held ? node.sshBaseUrl().map(ssh -> ssh + "/" + path(repository)).orElse(null) : null);
    }

    private static String path(MirroredRepository repository) {
        return RepositoryPath.of(repository.projectKey(), repository.slug());
    }
}
