package dev.facet.mirror;

import dev.facet.core.access.Credentials;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Answers kept in this node's memory, under a secret of its own, forgotten all at once past a bound. */
public final class LocalCredentialVerdicts implements CredentialVerdicts {
    private static final int MAX = 10_000;

    private final CredentialDigest digest;
    private final Map<String, Verdict> verdicts = new ConcurrentHashMap<>();

    public LocalCredentialVerdicts(SecureRandom random) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        this.digest = new CredentialDigest(secret);
    }

    @Override
    public Optional<Verdict> find(Credentials credentials, ProjectKey project, RepositorySlug repository) {
        return Optional.ofNullable(verdicts.get(digest.of(credentials, project, repository)));
    }

    @Override
    public void keep(Credentials credentials, ProjectKey project, RepositorySlug repository, Verdict verdict) {
        if (verdicts.size() >= MAX) {
            verdicts.clear();
        }
        verdicts.put(digest.of(credentials, project, repository), verdict);
    }

    @Override
    public void clear() {
        verdicts.clear();
    }
}
