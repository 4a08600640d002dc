package dev.facet.store;

import dev.facet.core.mirror.ProjectDigest;
import dev.facet.core.mirror.StateDigest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;

/**
 * A mirror's per-project digest sums, kept between reconciliations: each one sums again, in the database, only the
 * projects whose repositories were saved or deleted since, so an unchanged mirror of 100,000 repositories answers
 * from memory instead of summing every row (a third of a second each time at that size).
 *
 * <p>A project is marked changed once the transaction that touched it has ended, so a sum read while that
 * transaction was open is read again next time. Only this process writes a mirror's database; even so, every sum
 * is read again from the database once {@link #FULL_SUM_EVERY} has passed, so no mistake outlives that.
 */
final class ProjectDigestSums {
    static final Duration FULL_SUM_EVERY = Duration.ofHours(1);
    /** Projects summed by one query: well within every database's limit on bound values. */
    private static final int PROJECTS_PER_QUERY = 500;
    private static final String SUMS = "SELECT project_key, SUM(digest_high) AS high, SUM(digest_low) AS low, "
            + "COUNT(*) AS repositories FROM mirrored_repositories ";

    private final Set<String> changed = ConcurrentHashMap.newKeySet();
    private final Object summing = new Object();
    private Map<String, ProjectDigest> sums;
    private long summedAllAt;

    /** Marks projects as changed, once the transaction that saved or deleted their repositories has ended. */
    void changed(Collection<String> projectKeys) {
        changed.addAll(projectKeys);
    }

    /** Every project's sum, ordered by project key; {@code fillMissing} gives rows saved before digests were kept theirs. */
    List<ProjectDigest> current(Handle handle, Runnable fillMissing) {
        synchronized (summing) {
            if (sums == null || System.nanoTime() - summedAllAt > FULL_SUM_EVERY.toNanos()) {
                // Unmarked before the query: a transaction ending while it runs marks its projects again.
                List<String> before = List.copyOf(changed);
                before.forEach(changed::remove);
                try {
                    fillMissing.run();
                    Map<String, ProjectDigest> all = new TreeMap<>();
                    handle.createQuery(SUMS + "GROUP BY project_key").map((rs, ctx) -> digest(rs))
                            .forEach(project -> all.put(project.projectKey(), project));
                    sums = all;
                    summedAllAt = System.nanoTime();
                } catch (RuntimeException e) {
                    changed.addAll(before);
                    throw e;
                }
            } else if (!changed.isEmpty()) {
                List<String> projects = List.copyOf(changed);
                projects.forEach(changed::remove);
                int from = 0;
                try {
                    for (; from < projects.size(); from += PROJECTS_PER_QUERY) {
                        List<String> some = projects.subList(from, Math.min(projects.size(), from + PROJECTS_PER_QUERY));
                        Map<String, ProjectDigest> read = new TreeMap<>();
                        handle.createQuery(SUMS + "WHERE project_key IN (<projects>) GROUP BY project_key")
                                .bindList("projects", some).map((rs, ctx) -> digest(rs))
                                .forEach(project -> read.put(project.projectKey(), project));
                        // A project with no repository left has no row: it is gone from the sums.
                        some.forEach(key -> sums.remove(key));
                        sums.putAll(read);
                    }
                } catch (RuntimeException e) {
                    // Those not summed again stay marked, for the next reconciliation.
                    changed.addAll(projects.subList(from, projects.size()));
                    throw e;
                }
            }
            return new ArrayList<>(sums.values());
        }
    }

    private static ProjectDigest digest(ResultSet rs) throws SQLException {
        return new ProjectDigest(rs.getString("project_key"), 0,
                StateDigest.ofSums(rs.getBigDecimal("high"), rs.getBigDecimal("low")), rs.getLong("repositories"));
    }
}
