package dev.facet.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.identity.InstancePublicKey;
import dev.facet.core.mirror.AuditEntry;
import dev.facet.core.mirror.MirrorRequest;
import dev.facet.core.mirror.MirrorServer;
import dev.facet.primary.MirrorRegistry;
import dev.facet.primary.RepositoryMirrors;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The admin-facing JSON shapes of mirrors and their requests, named as Bitbucket names them. */
final class MirroringJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MirroringJson() {
    }

    /**
     * A mirror's authorization request: Bitbucket's fields ({@code mirrorName}, {@code mirrorBaseUrl},
     * {@code productVersion}) beside the shorter names Facet answered with first.
     *
     * @param keyFingerprint the SHA-256 fingerprint (hex) of the key the request was signed with
     */
    record MirrorRequestJson(String id, String mirrorId, String mirrorName, String mirrorBaseUrl,
                             String productVersion, String name, String baseUrl, String mirrorType, String state,
                             long createdDate, Long decidedDate, String decidedBy, String keyFingerprint,
                             String sourceAddress) {
        static MirrorRequestJson of(MirrorRequest request) {
            return new MirrorRequestJson(request.id(), request.mirrorId(), request.name(), request.baseUrl(),
                    request.productVersion(), request.name(), request.baseUrl(), request.type().name(),
                    request.state().name(), request.createdAt().toEpochMilli(), millis(request.decidedAt()),
                    request.decidedBy(), fingerprint(request.publicKey()), request.sourceAddress());
        }
    }

    /**
     * A mirror as a repository's list of mirrors names it: Bitbucket's mirror server, without what
     * only administrators see.
     */
    record MirrorServerBrief(String id, String name, String baseUrl, String mirrorType, boolean enabled,
                             Long lastSeenDate, String productVersion) {
        static MirrorServerBrief of(MirrorServer server) {
            return new MirrorServerBrief(server.id(), server.name(), server.baseUrl(), server.type().name(),
                    !server.isRemoved(), millis(server.lastSeen()), server.version());
        }
    }

    /**
     * One mirror of a repository ({@code repos/{id}/mirrors}): {@code links.self} is the pre-authorized
     * link to the mirror's view of the repository, {@code links.clone} where to clone it from that mirror.
     */
    record MirroredRepositoryDescriptorJson(MirrorServerBrief mirrorServer, Map<String, List<RestJson.Link>> links) {
        static MirroredRepositoryDescriptorJson of(RepositoryMirrors.Carrier carrier) {
            return new MirroredRepositoryDescriptorJson(MirrorServerBrief.of(carrier.mirror()), Map.of(
                    "self", List.of(new RestJson.Link(carrier.self(), null)),
                    "clone", carrier.sshCloneUrl() == null ? List.of(new RestJson.Link(carrier.cloneUrl(), "http"))
                            : List.of(new RestJson.Link(carrier.cloneUrl(), "http"),
                                    new RestJson.Link(carrier.sshCloneUrl(), "ssh"))));
        }
    }

    /**
     * A registered mirror: Bitbucket's mirror server ({@code enabled} is false once it is removed,
     * {@code productVersion} the version it last reported; {@code version} is the same, Facet's first name
     * for it) with what Facet adds: its state as it reports it, its lag, its selection and its nodes.
     */
    record MirrorServerJson(String id, String name, String baseUrl, String mirrorType, boolean enabled,
                            Long lastSeenDate, String state, String productVersion, String version,
                            int repositoriesInSync,
                            int repositoriesBehind, JsonNode worstLags, boolean allProjects, List<String> projects,
                            Long clockSkewMillis, Long removedDate, String removedBy, Long purgeDate,
                            String keyFingerprint, List<NodeJson> nodes) {
        static MirrorServerJson of(MirrorRegistry.MirrorServerView view) {
            var server = view.server();
            return new MirrorServerJson(server.id(), server.name(), server.baseUrl(), server.type().name(),
                    !server.isRemoved(), millis(server.lastSeen()), view.state().name(), server.version(),
                    server.version(), server.repositoriesInSync(),
                    server.repositoriesBehind(), lags(server.report()), server.allProjects(), view.projects(),
                    view.clockSkew() == null ? null : view.clockSkew().toMillis(), millis(server.removedAt()),
                    server.removedBy(), millis(server.purgeAfter()), fingerprint(server.publicKey()),
                    view.nodes().stream().map(NodeJson::of).toList());
        }
    }

    /**
     * One node of a mirror: Bitbucket's cluster node ({@code id}, {@code name}, {@code address}
     * with host and port, {@code buildVersion}) with what Facet adds: the node's own URL, its state
     * as its heartbeats report it, when it was last heard from, its key, and who vouched for it.
     */
    record NodeJson(String id, String name, Address address, String url, String state, Long lastSeenDate,
                    String buildVersion, String keyFingerprint, String vouchedBy, Long clockSkewMillis) {
        static NodeJson of(MirrorRegistry.NodeView node) {
            return new NodeJson(node.id(), node.name(), Address.of(node.url()), node.url(), node.state().name(),
                    millis(node.lastSeen()), node.version(), fingerprint(node.publicKey()), node.vouchedBy(),
                    node.clockSkew() == null ? null : node.clockSkew().toMillis());
        }
    }

    /** A node's host and port, read from its URL (the scheme's default port when it names none). */
    record Address(String address, int port) {
        static Address of(String url) {
            URI uri = URI.create(url);
            int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
            return new Address(uri.getHost(), port);
        }
    }

    record AuditJson(long id, long date, String actor, String action, String instanceId, String instanceUrl,
                     String details) {
        static AuditJson of(AuditEntry entry) {
            return new AuditJson(entry.id(), entry.at().toEpochMilli(), entry.actor(), entry.action().name(),
                    entry.instanceId(), entry.instanceUrl(), entry.details());
        }
    }

    record Selection(Boolean allProjects, List<String> projects) {
    }

    /**
     * What {@code GET /instance} answers: the instance's id and public key, and the key's full
     * fingerprint, which an administrator types into a mirror to accept a changed identity.
     */
    record Identity(String id, String publicKey, String keyFingerprint) {
        static Identity of(String id, String publicKeyJwk) {
            return new Identity(id, publicKeyJwk, new InstancePublicKey(publicKeyJwk).fingerprint());
        }
    }

    /** The key's SHA-256 fingerprint; null for a key that no longer parses, rather than failing the whole list. */
    static String fingerprint(String publicKeyJwk) {
        try {
            return new InstancePublicKey(publicKeyJwk).fingerprint();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    private static JsonNode lags(String report) {
        try {
            return report == null ? JSON.createArrayNode() : JSON.readTree(report);
        } catch (IOException e) {
            return JSON.createArrayNode();
        }
    }
}
