package dev.facet.mirror;

import dev.facet.core.access.Credentials;
import dev.facet.core.mirror.protocol.CredentialVerdict;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import java.time.Instant;
import java.util.Optional;

/**
 * Where the primary's answers about users' credentials are kept for reuse. A lone mirror keeps
 * them in its own memory ({@link LocalCredentialVerdicts}). In a farm only one member follows the
 * event stream, so the answers are shared: a permission event seen there must clear them on
 * every node, and an answer one node got serves the next request whichever node it reaches.
 */
public interface CredentialVerdicts {
    /** The primary's answer and when it gave it. */
    record Verdict(CredentialVerdict verdict, Instant checkedAt) {
    }

    /**
     * The answer kept for these credentials on this repository (or on who they are, when
     * {@code project} is null), however old.
     */
    Optional<Verdict> find(Credentials credentials, ProjectKey project, RepositorySlug repository);

    void keep(Credentials credentials, ProjectKey project, RepositorySlug repository, Verdict verdict);

    /** Forgets every answer: permissions changed on the primary. */
    void clear();
}
