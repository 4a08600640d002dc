package dev.facet.mirror;

import dev.facet.core.doctor.Finding;
import dev.facet.core.identity.InstancePublicKey;
import dev.facet.core.lfs.LfsObjectStore;
import dev.facet.core.lfs.LfsPointer;
import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.mirror.UpstreamAlert;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.core.mirror.protocol.RepositoryState;
import dev.facet.core.mirror.protocol.RepositoryStatePage;
import dev.facet.core.store.MirrorStore;
import dev.facet.git.RepositoryStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a mirror's relation to its upstream from its home: registration, reachability, the
 * pinned identity, open alerts, every repository's refs hash against the upstream's, and the Git LFS
 * objects it holds. Each
 * finding carries the exact step that fixes it.
 */
public final class MirrorDoctor {
    private static final int LFS_PAGE = 500;
    private final MirrorStore store;
    private final RepositoryStore repositories;
    private final UpstreamClient client;
    private final FarmCheck farm;
    private final LfsObjectStore lfsObjects;

    /** {@code client} is null when no upstream is known; {@code farm} is {@link FarmCheck#NONE} for a lone mirror. */
    public MirrorDoctor(MirrorStore store, RepositoryStore repositories, LfsObjectStore lfsObjects,
                        UpstreamClient client, FarmCheck farm) {
        this.store = store;
        this.repositories = repositories;
        this.lfsObjects = lfsObjects;
        this.client = client;
        this.farm = farm;
    }

    public List<Finding> examine() {
        List<Finding> findings = new ArrayList<>();
        UpstreamLink link = store.inTransaction(tx -> tx.upstream().get()).orElse(null);
        if (link == null) {
            findings.add(new Finding("This mirror has never been registered with an upstream.",
                    "Start it with: facet mirror --home <home> --upstream <primary URL>"));
            if (client != null) {
                // Often the reason it never registered: say why the upstream it is given does not answer.
                try {
                    client.identity();
                } catch (UpstreamUnavailable e) {
                    findings.add(unreachable(client.upstreamUrl(), e));
                }
            }
            return findings;
        }
        switch (link.state()) {
            case REMOVED -> findings.add(new Finding("The upstream " + link.upstreamUrl() + " removed this mirror.",
                    "Restore it on the primary (POST /rest/mirroring/latest/mirrorServers/<id>/restore) within its grace "
                            + "period, or reconnect: facet mirror reconnect --home <home>"));
            case REJECTED -> findings.add(new Finding("The upstream " + link.upstreamUrl() + " rejected this mirror's request.",
                    "Reconnect (facet mirror reconnect --home <home>) and ask an administrator of the primary to accept it."));
            case PENDING -> findings.add(new Finding("The authorization request " + link.requestId() + " is still pending.",
                    "An administrator accepts it at " + link.upstreamUrl() + "/admin/mirrors?request=" + link.requestId()));
            case UNCONFIGURED -> findings.add(new Finding("This mirror has not sent its authorization request yet.",
                    "Start the mirror; it sends the request to " + link.upstreamUrl()));
            default -> {
            }
        }
        for (UpstreamAlert alert : store.inTransaction(tx -> tx.alerts().open())) {
            findings.add(new Finding("Upstream alert " + alert.kind() + ": " + alert.details(),
                    alert.kind().resolution()));
        }
        examineRepositoryFiles(findings);
        examineLfsObjects(findings);
        findings.addAll(farm.examine());
        if (client == null) {
            return findings;
        }
        UpstreamClient.UpstreamIdentity presented;
        try {
            presented = client.identity();
        } catch (UpstreamUnavailable e) {
            findings.add(unreachable(link.upstreamUrl(), e));
            return findings;
        }
        ClockCheck.problem(client.clockSkew(), link.upstreamUrl())
                .ifPresent(problem -> findings.add(new Finding(problem, ClockCheck.FIX)));
        if (link.upstreamPublicKey() == null || !presented.id().equals(link.upstreamInstanceId())
                || !new InstancePublicKey(link.upstreamPublicKey()).fingerprint().equals(fingerprintOf(presented))) {
            String pinned = link.upstreamPublicKey() == null ? "no key pinned"
                    : "the pinned instance " + link.upstreamInstanceId() + " with key fingerprint "
                    + new InstancePublicKey(link.upstreamPublicKey()).fingerprint();
            findings.add(new Finding("The server at " + link.upstreamUrl() + " presents instance " + presented.id()
                    + " with key fingerprint " + fingerprintOf(presented) + "; this mirror has " + pinned + ".",
                    "If the primary was restored with new keys, read its key fingerprint on its mirror console and, only "
                            + "if it is the one presented: facet mirror accept-upstream --home <home> --fingerprint <hex>. "
                            + "Otherwise fix the upstream URL, or take whatever answers in the primary's place out of the path."));
            return findings;
        }
        if (link.state() == UpstreamState.INSTALLED) {
            compareRepositories(link, findings);
        }
        return findings;
    }

    private static String fingerprintOf(UpstreamClient.UpstreamIdentity presented) {
        try {
            return new InstancePublicKey(presented.publicKey()).fingerprint();
        } catch (RuntimeException e) {
            return "(no valid key)";
        }
    }

    private static Finding unreachable(String url, UpstreamUnavailable e) {
        if (hasCause(e, javax.net.ssl.SSLException.class)) {
            return new Finding("The TLS handshake with the upstream " + url + " failed: " + rootMessage(e),
                    "Check the primary's certificate: issued by an authority in this Java's trust store or in the PEM "
                            + "bundle named by facet.tls.trusted-certificates, for the host name in " + url
                            + ", not expired; or use http:// if the primary serves no TLS.");
        }
        if (e.status() != 0) {
            return new Finding("The upstream " + url + " answered HTTP " + e.status() + " instead of a Facet primary's "
                    + "answer: " + e.getMessage(), "Check that " + url + " is the primary's base URL (facet.upstream.url), "
                    + "not a proxy's error page or another service.");
        }
        return new Finding("The upstream " + url + " cannot be reached: " + rootMessage(e),
                "Check that the primary runs and that this machine reaches " + url + " (DNS, firewall, proxy).");
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> kind) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (kind.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root == failure ? String.valueOf(failure.getMessage()) : root.getClass().getSimpleName() + ": "
                + root.getMessage();
    }

    /** Every carried repository has files on disk that form a Git repository. */
    private void examineRepositoryFiles(List<Finding> findings) {
        for (MirroredRepository repository : store.inTransaction(tx -> tx.repositories().all())) {
            if (repository.localRefsHash() == null || !repositories.exists(repository.id())) {
                continue;
            }
            try {
                repositories.verify(repository.id());
            } catch (RuntimeException e) {
                findings.add(new Finding("Repository " + repository.projectKey() + "/" + repository.slug() + " (id "
                        + repository.id() + ") has damaged files: " + e.getMessage(),
                        "Stop the mirror, move data/repositories/" + repository.id() + " away and start it: it fetches "
                                + "the repository again from the upstream."));
            }
        }
    }

    /**
     * Every Git LFS object this mirror holds is whole. One it has not fetched yet is no finding: it is fetched
     * from the primary on its first download.
     */
    private void examineLfsObjects(List<Finding> findings) {
        for (int start = 0; ; start += LFS_PAGE) {
            int from = start;
            List<LfsPointer> page = store.inTransaction(tx -> tx.lfsObjects().listAll(from, LFS_PAGE));
            for (LfsPointer pointer : page) {
                if (lfsObjects.size(pointer.oid()).isPresent()) {
                    lfsObjects.damage(pointer).ifPresent(damage -> findings.add(new Finding(damage + ".",
                            "Delete that file: the mirror fetches the object again from the primary on its next "
                                    + "download.")));
                }
            }
            if (page.size() < LFS_PAGE) {
                return;
            }
        }
    }

    private void compareRepositories(UpstreamLink link, List<Finding> findings) {
        Map<Long, String> upstreamHashes = new HashMap<>();
        int start = 0;
        try {
            while (true) {
                RepositoryStatePage page = client.repositoryStates(link.upstreamInstanceId(), start, 500);
                for (RepositoryState state : page.values()) {
                    upstreamHashes.put(state.id(), state.refsHash());
                }
                if (page.isLastPage() || page.nextPageStart() == null) {
                    break;
                }
                start = page.nextPageStart();
            }
        } catch (UpstreamUnavailable e) {
            findings.add(new Finding("The upstream did not answer for this mirror's repositories: " + e.getMessage(),
                    "If the registration was removed, restore or reconnect it; if the answer is 401, check the clocks "
                            + "and the keys in <home>/keys."));
            return;
        }
        for (MirroredRepository repository : store.inTransaction(tx -> tx.repositories().all())) {
            String upstream = upstreamHashes.get(repository.id());
            String local = localHash(repository.id());
            if (upstream != null && !upstream.equals(local)) {
                findings.add(new Finding("Repository " + repository.projectKey() + "/" + repository.slug()
                        + " differs from the upstream (refs hash " + shortHash(local) + " here, " + shortHash(upstream)
                        + " there).", "Start the mirror: it reconciles at start and fetches the difference."));
            }
        }
    }

    private String localHash(long repositoryId) {
        try {
            return repositories.exists(repositoryId) ? repositories.refsHash(repositoryId).value() : null;
        } catch (RuntimeException damaged) {
            return null;
        }
    }

    private static String shortHash(String hash) {
        return hash == null ? "none" : hash.substring(0, 12);
    }
}
