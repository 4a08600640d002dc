package dev.facet.farm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.map.IMap;
import dev.facet.core.access.Credentials;
import dev.facet.core.mirror.protocol.CredentialVerdict;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.mirror.CredentialDigest;
import dev.facet.mirror.CredentialVerdicts;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The primary's answers about users' credentials, shared by the farm's nodes on a cluster map, so
 * that an answer one node got serves the next request whichever node it reaches, and a permission
 * change that the coordinator follows clears them for every node at once. The keys are digests
 * under a farm-wide secret made once by the first node that needs it: no credential, nor a digest
 * of one that could be guessed at, is ever kept or sent between nodes.
 */
public final class FarmCredentialVerdicts implements CredentialVerdicts {
    static final String MAP = "facet-farm-verdicts";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A verdict as the map keeps it. */
    record Kept(CredentialVerdict verdict, long checkedAtMillis) {
    }

    private final IMap<String, String> verdicts;
    private final CredentialDigest digest;
    private final Duration keptFor;

    /** @param keptFor how long an answer stays at most: the longest any policy reuses one */
    public FarmCredentialVerdicts(FarmCluster cluster, SecureRandom random, Duration keptFor) {
        this.digest = new CredentialDigest(FarmSecret.agree(cluster, FarmSecret.CREDENTIALS, random));
        this.verdicts = cluster.hazelcast().getMap(MAP);
        this.keptFor = keptFor;
    }

    @Override
    public Optional<Verdict> find(Credentials credentials, ProjectKey project, RepositorySlug repository) {
        return Optional.ofNullable(verdicts.get(digest.of(credentials, project, repository))).map(text -> {
            try {
                Kept kept = JSON.readValue(text, Kept.class);
                return new Verdict(kept.verdict(), Instant.ofEpochMilli(kept.checkedAtMillis()));
            } catch (JsonProcessingException e) {
                return null;
            }
        });
    }

    @Override
    public void keep(Credentials credentials, ProjectKey project, RepositorySlug repository, Verdict verdict) {
        try {
            verdicts.set(digest.of(credentials, project, repository), JSON.writeValueAsString(
                    new Kept(verdict.verdict(), verdict.checkedAt().toEpochMilli())), keptFor.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A verdict cannot be written", e);
        }
    }

    @Override
    public void clear() {
        verdicts.clear();
    }
}
