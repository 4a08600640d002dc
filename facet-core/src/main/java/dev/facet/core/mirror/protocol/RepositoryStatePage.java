package dev.facet.core.mirror.protocol;

import java.util.List;

/** A page of repository states, with the event head read before the page so later events are not missed. */
public record RepositoryStatePage(List<RepositoryState> values, int start, int limit, boolean isLastPage,
                                  Integer nextPageStart, long headSequence, String headHash) {
}
