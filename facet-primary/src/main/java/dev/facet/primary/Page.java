package dev.facet.primary;

import java.util.List;

/** One page of a list, in the shape the REST API pages with. */
public record Page<T>(List<T> values, int start, int limit, boolean isLastPage) {
    public static final int DEFAULT_LIMIT = 25;
    public static final int MAX_LIMIT = 1000;

    /** Builds a page from up to {@code limit + 1} rows: the extra row only says that more exist. */
    static <T> Page<T> of(List<T> rowsPlusOne, int start, int limit) {
        boolean last = rowsPlusOne.size() <= limit;
        return new Page<>(last ? rowsPlusOne : rowsPlusOne.subList(0, limit), start, limit, last);
    }

    /** The page of a whole list that starts at {@code start}. */
    public static <T> Page<T> within(List<T> all, int start, int limit) {
        int from = Math.min(start, all.size());
        return of(all.subList(from, (int) Math.min(all.size(), (long) from + limit + 1)), start, limit);
    }

    public Integer nextPageStart() {
        return isLastPage ? null : start + values.size();
    }
}
