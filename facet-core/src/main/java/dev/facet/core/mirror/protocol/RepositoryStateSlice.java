package dev.facet.core.mirror.protocol;

import java.util.List;

/**
 * A keyset page of {@code GET repo-hashes?project=KEY&after=ID}: one project's repositories ordered
 * by id, those after {@code after}; {@code nextAfter} is the id to ask after next, null on the last page.
 */
public record RepositoryStateSlice(List<RepositoryState> values, int limit, boolean isLastPage, Long nextAfter,
                                   long headSequence, String headHash) {
}
