package dev.facet.web;

import dev.facet.core.identity.RequestBinding;
import java.util.Optional;

/**
 * Signs the answer to a Git LFS batch request that a mirror signed as well ({@code Facet-Mirror-Request}), so that
 * the mirror acts only on what its pinned primary said: which objects a repository holds, and where to fetch them.
 */
@FunctionalInterface
interface LfsAnswerSigning {
    /** Signs nothing: a mirror's own LFS API, which no other mirror asks. */
    LfsAnswerSigning NONE = (requestToken, received, status, body) -> Optional.empty();

    /**
     * The {@code Facet-Answer} header for the answer {@code status} and {@code body}, once the mirror's token is
     * checked against the request as it arrived.
     *
     * @throws dev.facet.core.identity.TokenRejected when the token is not a registered mirror's for this request
     */
    Optional<String> sign(String requestToken, RequestBinding received, int status, byte[] body);
}
