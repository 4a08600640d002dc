package dev.facet.farm;

import dev.facet.core.identity.InstanceIdentity;
import dev.facet.core.identity.RequestTokens;
import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.ref.RefsHash;
import dev.facet.git.MirrorFetcher;
import dev.facet.git.MirrorRefs;
import dev.facet.mirror.FetchSource;
import dev.facet.mirror.PeerReads;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jgit.lib.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A farm node's fetches: when this node lacks objects of a repository's published state (it has
 * just joined, or was away while the farm moved on), it takes them from a ready peer over the farm's
 * network, which holds that state by definition, instead of across the WAN from the upstream; then
 * it fetches from the upstream only what the upstream signed since. Whatever a peer answers must be
 * the farm's published state to the ref, with all the history under it, or no ref moves; a peer that is not there, refuses, fails
 * or answers another state is passed over, and with no peer left the upstream is asked as usual.
 * The refs still pass the farm's barrier, and the sync engine still holds the result to the
 * upstream's signed state.
 */
public final class PeerFetchSource implements FetchSource {
    private static final Logger log = LoggerFactory.getLogger("facet.sync");
    /** A fetch's requests follow one another within seconds; each request is checked when it starts. */
    private static final Duration TOKEN_VALIDITY = RequestTokens.MAX_VALIDITY;

    private final FarmCluster cluster;
    private final PublishedRefs published;
    private final RequestTokens tokens;
    private final InstanceIdentity self;
    private final MirrorFetcher fetcher;
    private final FetchSource upstream;

    /**
     * @param tokens   signs, with this node's own key ({@code self}), the token a peer lets it read with
     * @param fetcher  fetches over the farm's network, trusting what the node's fetches from the upstream trust
     * @param upstream where everything else comes from
     */
    public PeerFetchSource(FarmCluster cluster, PublishedRefs published, RequestTokens tokens, InstanceIdentity self,
                           MirrorFetcher fetcher, FetchSource upstream) {
        this.cluster = cluster;
        this.published = published;
        this.tokens = tokens;
        this.self = self;
        this.fetcher = fetcher;
        this.upstream = upstream;
    }

    @Override
    public MirrorFetcher.Outcome fetch(Repository local, MirroredRepository repository,
                                       MirrorFetcher.DestructiveChanges destructive,
                                       MirrorFetcher.BeforeRefsMove beforeRefsMove)
            throws IOException, MirrorFetcher.RepositoryGone, MirrorFetcher.CredentialsRefused {
        FarmRefsRecord.Published farmState = published.record(repository.id()).published();
        if (farmState == null || MirrorRefs.holdsHistory(local, farmState.state().objectIds())) {
            return upstream.fetch(local, repository, destructive, beforeRefsMove);
        }
        for (FarmCluster.Node peer : readyPeers()) {
            AtomicBoolean moved = new AtomicBoolean();
            MirrorFetcher.Outcome seeded;
            try {
                seeded = fetcher.fetch(local, peer.url() + PeerReads.resource(repository.id()),
                        tokens.signForResource(self, peer.id(), TOKEN_VALIDITY, PeerReads.resource(repository.id())),
                        destructive, target -> {
                            if (!RefsHash.of(target).value().equals(farmState.state().refsHash())) {
                                throw new IOException("its refs (" + RefsHash.of(target) + ") are not the farm's "
                                        + "published state (" + farmState.state().refsHash() + ")");
                            }
                            if (!MirrorRefs.holdsHistory(local, target)) {
                                // Its copy may be shallow or damaged, or the pack was cut short on the way.
                                throw new IOException("it sent the farm's published refs without all the history "
                                        + "under them");
                            }
                            moved.set(beforeRefsMove.objectsHeld(target));
                            return moved.get();
                        });
            } catch (MirrorRefs.MovedMeanwhile e) {
                throw e; // the copy moved while it was seeded: the sync plans again, from any peer
            } catch (IOException | MirrorFetcher.RepositoryGone | MirrorFetcher.CredentialsRefused e) {
                log.info("repository {}: not seeded from node {} at {}: {}", repository.id(), peer.id(), peer.url(),
                        e.getMessage());
                continue;
            }
            log.info("repository {} {}/{}: seeded from node {} with the farm's generation {} ({} pack bytes)",
                    repository.id(), repository.projectKey(), repository.slug(), peer.id(), farmState.generation(),
                    seeded.bytesReceived());
            String signed = repository.upstreamRefsHash();
            if (!moved.get() || signed == null || signed.equals(farmState.state().refsHash())) {
                return seeded;
            }
            // The upstream signed a newer state than the farm has published: only the difference crosses the WAN.
            MirrorFetcher.Outcome rest = upstream.fetch(local, repository, destructive, beforeRefsMove);
            return new MirrorFetcher.Outcome(seeded.refsUpdated() + rest.refsUpdated(),
                    seeded.bytesReceived() + rest.bytesReceived(),
                    rest.headTarget() != null ? rest.headTarget() : seeded.headTarget(), rest.advertised());
        }
        return upstream.fetch(local, repository, destructive, beforeRefsMove);
    }

    /** The other nodes that count for publication, so hold every published state, in an order that spreads the load. */
    private List<FarmCluster.Node> readyPeers() {
        Set<String> ready = published.requiredHolders();
        List<FarmCluster.Node> peers = new ArrayList<>(cluster.nodes().stream()
                .filter(node -> !node.local() && node.url() != null && ready.contains(node.id())).toList());
        Collections.shuffle(peers);
        return peers;
    }
}
