package dev.facet.primary;

import dev.facet.core.access.Caller;
import dev.facet.core.identity.InstanceIdentity;
import dev.facet.core.identity.RequestTokens;
import dev.facet.core.mirror.MirrorServer;
import dev.facet.core.mirror.PreAuthorizedLinks;
import dev.facet.core.name.RepositoryPath;
import dev.facet.core.store.RepositoryRecord;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Which mirrors carry a repository, for CI servers that clone from a mirror near them, each with a
 * pre-authorized link to that mirror's own view of the repository: a token signed with this
 * primary's key, addressed to that one mirror, for that one repository, valid for
 * {@link PreAuthorizedLinks#VALIDITY}. The mirror checks it against the key it pinned at
 * authorization; the primary calls no mirror.
 */
public final class RepositoryMirrors {
    private final MirrorRegistry registry;
    private final RequestTokens tokens;
    private final InstanceIdentity identity;

    /**
     * One mirror of a repository.
     *
     * @param self  the pre-authorized link to the mirror's view of the repository
     * @param cloneUrl the URL to clone the repository from that mirror with
     * @param sshCloneUrl the same over SSH, or null when the mirror serves no SSH (or has not said so yet)
     */
    public record Carrier(MirrorServer mirror, String self, String cloneUrl, String sshCloneUrl) {
    }

    public RepositoryMirrors(MirrorRegistry registry, RequestTokens tokens, InstanceIdentity identity) {
        this.registry = registry;
        this.tokens = tokens;
        this.identity = identity;
    }

    /** The mirrors that carry a repository the caller may read, each with a fresh link. */
    public Page<Carrier> of(Caller caller, long repositoryId, int start, int limit) {
        MirrorRegistry.Carried carried = registry.carriersOf(caller, repositoryId);
        List<Carrier> carriers = carried.mirrors().stream()
                // A mirror registered under an id that is no instance id cannot be addressed by a token.
                .filter(mirror -> InstanceIdentity.isInstanceId(mirror.id()))
                .map(mirror -> new Carrier(mirror, link(mirror, repositoryId), cloneUrl(mirror, carried.repository()),
                        registry.sshBaseUrl(mirror.id()).map(ssh -> sshCloneUrl(ssh, carried.repository())).orElse(null)))
                .toList();
        return Page.within(carriers, start, limit);
    }

    /** Where a mirror serves a repository, for the clone box and the REST API. */
    public static String cloneUrl(MirrorServer mirror, RepositoryRecord repository) {
        return mirror.baseUrl() + "/scm/" + RepositoryPath.of(repository.projectKey(), repository.slug());
    }

    /** Where a server whose Git over SSH is at {@code sshBaseUrl} ({@code ssh://git@HOST:PORT}) serves a repository. */
    public static String sshCloneUrl(String sshBaseUrl, RepositoryRecord repository) {
        return sshBaseUrl + "/" + RepositoryPath.of(repository.projectKey(), repository.slug());
    }

    private String link(MirrorServer mirror, long repositoryId) {
        String resource = PreAuthorizedLinks.resource(repositoryId);
        String token = tokens.signForResource(identity, mirror.id(), PreAuthorizedLinks.VALIDITY, resource);
        return mirror.baseUrl() + resource + "?" + PreAuthorizedLinks.TOKEN_PARAMETER + "="
                + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }
}
