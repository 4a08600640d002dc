package dev.facet.store;

import dev.facet.core.mirror.ProjectDigest;
import dev.facet.core.mirror.StateDigest;
import dev.facet.core.store.RepositoryStates;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

final class JdbcRepositoryStates implements RepositoryStates {
    private final Handle handle;

    JdbcRepositoryStates(Handle handle) {
        this.handle = handle;
    }

    @Override
    public void save(long repositoryId, long projectId, String refsHash, StateDigest digest) {
        int updated = handle.createUpdate("UPDATE repository_states SET project_id = :projectId, refs_hash = :refsHash, "
                        + "digest_high = :high, digest_low = :low WHERE repository_id = :id")
                .bind("id", repositoryId).bind("projectId", projectId).bind("refsHash", refsHash)
                .bind("high", digest.high()).bind("low", digest.low()).execute();
        if (updated == 0) {
            handle.createUpdate("INSERT INTO repository_states (repository_id, project_id, refs_hash, digest_high, "
                            + "digest_low) VALUES (:id, :projectId, :refsHash, :high, :low)")
                    .bind("id", repositoryId).bind("projectId", projectId).bind("refsHash", refsHash)
                    .bind("high", digest.high()).bind("low", digest.low()).execute();
        }
    }

    @Override
    public Optional<Stored> find(long repositoryId) {
        return handle.createQuery("SELECT repository_id, project_id, refs_hash, digest_high, digest_low "
                        + "FROM repository_states WHERE repository_id = :id")
                .bind("id", repositoryId).map((rs, ctx) -> stored(rs)).findOne();
    }

    @Override
    public Total total(Set<Long> projectIds) {
        if (projectIds != null && projectIds.isEmpty()) {
            return new Total(StateDigest.ZERO, 0, 0);
        }
        Query query = handle.createQuery("SELECT SUM(digest_high) AS high, SUM(digest_low) AS low, COUNT(*) AS repositories, "
                + "COUNT(DISTINCT project_id) AS projects FROM repository_states"
                + (projectIds == null ? "" : " WHERE project_id IN (<projects>)"));
        if (projectIds != null) {
            query.bindList("projects", List.copyOf(projectIds));
        }
        return query.map((rs, ctx) -> new Total(StateDigest.ofSums(rs.getBigDecimal("high"), rs.getBigDecimal("low")),
                rs.getLong("repositories"), rs.getLong("projects"))).one();
    }

    @Override
    public List<ProjectDigest> projectDigests() {
        return handle.createQuery("SELECT p.id, p.project_key, SUM(s.digest_high) AS high, SUM(s.digest_low) AS low, "
                        + "COUNT(*) AS repositories FROM repository_states s JOIN projects p ON p.id = s.project_id "
                        + "GROUP BY p.id, p.project_key ORDER BY p.project_key")
                .map((rs, ctx) -> new ProjectDigest(rs.getString("project_key"), rs.getLong("id"),
                        StateDigest.ofSums(rs.getBigDecimal("high"), rs.getBigDecimal("low")),
                        rs.getLong("repositories")))
                .list();
    }

    @Override
    public List<Row> inProject(long projectId, long afterId, int limit) {
        return handle.createQuery("SELECT r.id, r.project_id, p.project_key, r.slug, r.name, r.is_public, r.description, "
                        + "r.forkable, p.is_public AS project_public, s.refs_hash FROM repository_states s "
                        + "JOIN repositories r ON r.id = s.repository_id JOIN projects p ON p.id = r.project_id "
                        + "WHERE s.project_id = :projectId AND s.repository_id > :after ORDER BY s.repository_id "
                        + "LIMIT :limit")
                .bind("projectId", projectId).bind("after", afterId).bind("limit", limit)
                .map((rs, ctx) -> new Row(JdbcRepositories.map(rs, ctx),
                        rs.getBoolean("is_public") || rs.getBoolean("project_public"), rs.getString("refs_hash")))
                .list();
    }

    @Override
    public List<Stored> after(long afterId, int limit) {
        return handle.createQuery("SELECT repository_id, project_id, refs_hash, digest_high, digest_low "
                        + "FROM repository_states WHERE repository_id > :after ORDER BY repository_id LIMIT :limit")
                .bind("after", afterId).bind("limit", limit).map((rs, ctx) -> stored(rs)).list();
    }

    @Override
    public List<Long> missing(int limit) {
        return handle.createQuery("SELECT r.id FROM repositories r LEFT JOIN repository_states s "
                        + "ON s.repository_id = r.id WHERE s.repository_id IS NULL ORDER BY r.id LIMIT :limit")
                .bind("limit", limit).mapTo(Long.class).list();
    }

    private static Stored stored(ResultSet rs) throws SQLException {
        return new Stored(rs.getLong("repository_id"), rs.getLong("project_id"), rs.getString("refs_hash"),
                new StateDigest(rs.getLong("digest_high"), rs.getLong("digest_low")));
    }
}
