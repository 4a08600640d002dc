package dev.facet.store;

import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.mirror.ProjectDigest;
import dev.facet.core.mirror.StateDigest;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.store.MirroredRepositories;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.Update;

final class JdbcMirroredRepositories implements MirroredRepositories {
    private static final String SELECT = "SELECT id, project_key, slug, name, is_public, upstream_refs_hash, "
            + "local_refs_hash, sync_requested, last_synced_at, behind_since FROM mirrored_repositories ";
    private final Handle handle;
    private final ProjectDigestSums sums;
    private final Set<String> touchedProjects;

    /**
     * @param touchedProjects where the keys of the projects whose sums this transaction changes are collected, for
     *                        {@code sums} to learn of once the transaction has ended
     */
    JdbcMirroredRepositories(Handle handle, ProjectDigestSums sums, Set<String> touchedProjects) {
        this.handle = handle;
        this.sums = sums;
        this.touchedProjects = touchedProjects;
    }

    @Override
    public void save(MirroredRepository repository) {
        projectOf(repository.id()).ifPresent(touchedProjects::add);
        touchedProjects.add(repository.projectKey().value());
        // An update of the row a sync finds in place; an insert only for a repository new to this mirror.
        if (bindRow(handle.createUpdate("UPDATE mirrored_repositories SET project_key = :project, slug = :slug, "
                + "name = :name, is_public = :isPublic, upstream_refs_hash = :upstreamHash, local_refs_hash = :localHash, "
                + "sync_requested = :syncRequested, last_synced_at = :lastSynced, behind_since = :behindSince, "
                + "digest_high = :high, digest_low = :low, in_sync = :inSync WHERE id = :id"), repository).execute() == 0) {
            bindRow(handle.createUpdate("INSERT INTO mirrored_repositories (id, project_key, slug, name, is_public, "
                    + "upstream_refs_hash, local_refs_hash, sync_requested, last_synced_at, behind_since, digest_high, "
                    + "digest_low, in_sync) VALUES (:id, :project, :slug, :name, :isPublic, :upstreamHash, :localHash, "
                    + ":syncRequested, :lastSynced, :behindSince, :high, :low, :inSync)"), repository).execute();
        }
    }

    private static Update bindRow(Update statement, MirroredRepository repository) {
        StateDigest digest = repository.servedDigest();
        return statement.bind("high", digest.high()).bind("low", digest.low())
                .bind("id", repository.id()).bind("project", repository.projectKey().value())
                .bind("slug", repository.slug().value()).bind("name", repository.name())
                .bind("isPublic", repository.isPublic()).bind("upstreamHash", repository.upstreamRefsHash())
                .bind("localHash", repository.localRefsHash()).bind("syncRequested", repository.syncRequested())
                .bind("inSync", repository.inSync())
                .bind("lastSynced", Timestamps.toNullableColumn(repository.lastSyncedAt()))
                .bind("behindSince", Timestamps.toNullableColumn(repository.behindSince()));
    }

    @Override
    public void markSyncRequested(Collection<Long> repositoryIds) {
        if (repositoryIds.isEmpty()) {
            return;
        }
        PreparedBatch batch = handle.prepareBatch("UPDATE mirrored_repositories SET sync_requested = TRUE "
                + "WHERE id = :id AND sync_requested = FALSE");
        repositoryIds.forEach(id -> batch.bind("id", id).add());
        batch.execute();
    }

    @Override
    public Optional<MirroredRepository> find(long repositoryId) {
        return handle.createQuery(SELECT + "WHERE id = :id").bind("id", repositoryId)
                .map(JdbcMirroredRepositories::map).findOne();
    }

    @Override
    public Optional<MirroredRepository> find(String projectKey, String slug) {
        return handle.createQuery(SELECT + "WHERE project_key = :project AND slug = :slug")
                .bind("project", projectKey).bind("slug", slug).map(JdbcMirroredRepositories::map).findOne();
    }

    @Override
    public List<MirroredRepository> all() {
        return handle.createQuery(SELECT + "ORDER BY id").map(JdbcMirroredRepositories::map).list();
    }

    @Override
    public void delete(long repositoryId) {
        projectOf(repositoryId).ifPresent(touchedProjects::add);
        handle.createUpdate("DELETE FROM lfs_objects WHERE repository_id = :id").bind("id", repositoryId).execute();
        handle.createUpdate("DELETE FROM mirrored_repositories WHERE id = :id").bind("id", repositoryId).execute();
    }

    @Override
    public List<ProjectDigest> projectDigests() {
        return sums.current(handle, this::fillMissingDigests);
    }

    private Optional<String> projectOf(long repositoryId) {
        // Locked until this transaction ends: a move to another project committed meanwhile cannot go unmarked.
        return handle.createQuery("SELECT project_key FROM mirrored_repositories WHERE id = :id FOR UPDATE")
                .bind("id", repositoryId).mapTo(String.class).findOne();
    }

    /**
     * Three queries rather than one pass: the total is the table's row count, and the other two read only the
     * repositories behind through the sync-state index, so a mirror that is in sync pays almost nothing however many
     * repositories it carries.
     */
    @Override
    public Counts counts() {
        int total = handle.createQuery("SELECT COUNT(*) FROM mirrored_repositories").mapTo(Integer.class).one();
        int behind = handle.createQuery("SELECT COUNT(*) FROM mirrored_repositories WHERE in_sync = FALSE")
                .mapTo(Integer.class).one();
        int withoutCopy = handle.createQuery("SELECT COUNT(*) FROM mirrored_repositories "
                + "WHERE in_sync = FALSE AND local_refs_hash IS NULL").mapTo(Integer.class).one();
        return new Counts(total, total - behind, withoutCopy);
    }

    @Override
    public List<MirroredRepository> longestBehind(int limit) {
        return handle.createQuery(SELECT + "WHERE in_sync = FALSE ORDER BY behind_since ASC NULLS LAST, id LIMIT :limit")
                .bind("limit", limit).map(JdbcMirroredRepositories::map).list();
    }

    @Override
    public List<MirroredRepository> inProject(String projectKey) {
        return handle.createQuery(SELECT + "WHERE project_key = :project ORDER BY id").bind("project", projectKey)
                .map(JdbcMirroredRepositories::map).list();
    }

    /** Rows saved before digests were kept get theirs. */
    private void fillMissingDigests() {
        for (MirroredRepository repository : handle.createQuery(SELECT + "WHERE digest_high IS NULL OR digest_low IS NULL")
                .map(JdbcMirroredRepositories::map).list()) {
            StateDigest digest = repository.servedDigest();
            handle.createUpdate("UPDATE mirrored_repositories SET digest_high = :high, digest_low = :low WHERE id = :id")
                    .bind("id", repository.id()).bind("high", digest.high()).bind("low", digest.low()).execute();
        }
    }


    private static MirroredRepository map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new MirroredRepository(rs.getLong("id"), new ProjectKey(rs.getString("project_key")),
                new RepositorySlug(rs.getString("slug")), rs.getString("name"), rs.getBoolean("is_public"),
                rs.getString("upstream_refs_hash"), rs.getString("local_refs_hash"), rs.getBoolean("sync_requested"),
                Timestamps.fromNullableColumn(rs, "last_synced_at"), Timestamps.fromNullableColumn(rs, "behind_since"));
    }
}
