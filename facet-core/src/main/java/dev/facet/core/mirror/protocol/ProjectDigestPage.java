package dev.facet.core.mirror.protocol;

import java.util.List;

/**
 * A keyset page of {@code GET project-digests}: projects ordered by key, those after {@code after};
 * {@code nextAfter} is the key to ask after for the next page, null on the last one.
 */
public record ProjectDigestPage(List<Entry> values, int limit, boolean isLastPage, String nextAfter) {
    /** One carried project with repositories, its digest and how many repositories it has. */
    public record Entry(String project, String digest, long repositories) {
    }
}
