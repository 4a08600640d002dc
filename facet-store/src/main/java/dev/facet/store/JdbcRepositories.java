package dev.facet.store;

import dev.facet.core.error.AlreadyExists;
import dev.facet.core.error.NotFound;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositoryName;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.store.Project;
import dev.facet.core.store.Repositories;
import dev.facet.core.store.RepositoryRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcRepositories implements Repositories {
    private static final String SELECT = "SELECT r.id, r.project_id, p.project_key, r.slug, r.name, r.is_public, "
            + "r.description, r.forkable "
            + "FROM repositories r JOIN projects p ON p.id = r.project_id ";
    private final Handle handle;

    JdbcRepositories(Handle handle) {
        this.handle = handle;
    }

    @Override
    public RepositoryRecord create(Project project, RepositoryName name, boolean isPublic) {
        RepositorySlug slug = name.slug();
        requireSlugFree(project.id(), project.key(), slug);
        try {
            long id = handle.createUpdate("INSERT INTO repositories (project_id, slug, name, is_public, created_at) "
                            + "VALUES (:projectId, :slug, :name, :isPublic, :createdAt)")
                    .bind("projectId", project.id()).bind("slug", slug.value()).bind("name", name.value())
                    .bind("isPublic", isPublic).bind("createdAt", Timestamps.toColumn(Instant.now()))
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            return new RepositoryRecord(id, project.id(), project.key(), slug, name, isPublic);
        } catch (RuntimeException e) {
            throw translate(e, project.key(), slug);
        }
    }

    @Override
    public Optional<RepositoryRecord> find(ProjectKey projectKey, RepositorySlug slug) {
        return handle.createQuery(SELECT + "WHERE p.project_key = :key AND r.slug = :slug")
                .bind("key", projectKey.value()).bind("slug", slug.value())
                .map(JdbcRepositories::map).findOne();
    }

    @Override
    public Optional<RepositoryRecord> findById(long repositoryId) {
        return handle.createQuery(SELECT + "WHERE r.id = :id").bind("id", repositoryId)
                .map(JdbcRepositories::map).findOne();
    }

    @Override
    public List<RepositoryRecord> listInProject(long projectId, int start, int limit) {
        return handle.createQuery(SELECT + "WHERE r.project_id = :projectId ORDER BY r.slug LIMIT :limit OFFSET :start")
                .bind("projectId", projectId).bind("limit", limit).bind("start", start)
                .map(JdbcRepositories::map).list();
    }

    @Override
    public List<RepositoryRecord> listAll(int start, int limit) {
        return handle.createQuery(SELECT + "ORDER BY r.id LIMIT :limit OFFSET :start")
                .bind("limit", limit).bind("start", start).map(JdbcRepositories::map).list();
    }

    @Override
    public long count() {
        return handle.createQuery("SELECT COUNT(*) FROM repositories").mapTo(Long.class).one();
    }

    @Override
    public RepositoryRecord rename(long repositoryId, RepositoryName newName) {
        RepositoryRecord current = require(repositoryId);
        RepositorySlug slug = newName.slug();
        if (!slug.equals(current.slug())) {
            requireSlugFree(current.projectId(), current.projectKey(), slug);
        }
        try {
            handle.createUpdate("UPDATE repositories SET name = :name, slug = :slug WHERE id = :id")
                    .bind("name", newName.value()).bind("slug", slug.value()).bind("id", repositoryId).execute();
        } catch (RuntimeException e) {
            throw translate(e, current.projectKey(), slug);
        }
        return require(repositoryId);
    }

    @Override
    public RepositoryRecord setPublic(long repositoryId, boolean isPublic) {
        handle.createUpdate("UPDATE repositories SET is_public = :isPublic WHERE id = :id")
                .bind("isPublic", isPublic).bind("id", repositoryId).execute();
        return require(repositoryId);
    }

    @Override
    public RepositoryRecord describe(long repositoryId, String description, boolean forkable) {
        handle.createUpdate("UPDATE repositories SET description = :description, forkable = :forkable WHERE id = :id")
                .bind("description", description).bind("forkable", forkable).bind("id", repositoryId).execute();
        return require(repositoryId);
    }

    @Override
    public void delete(long repositoryId) {
        handle.createUpdate("DELETE FROM repositories WHERE id = :id").bind("id", repositoryId).execute();
    }

    private RepositoryRecord require(long repositoryId) {
        return findById(repositoryId).orElseThrow(
                () -> new NotFound("id", "Repository " + repositoryId + " does not exist."));
    }

    private void requireSlugFree(long projectId, ProjectKey key, RepositorySlug slug) {
        boolean taken = handle.createQuery("SELECT COUNT(*) FROM repositories WHERE project_id = :projectId AND slug = :slug")
                .bind("projectId", projectId).bind("slug", slug.value()).mapTo(Long.class).one() > 0;
        if (taken) {
            throw alreadyExists(key, slug);
        }
    }

    private static RuntimeException translate(RuntimeException failure, ProjectKey key, RepositorySlug slug) {
        return SqlErrors.isUniqueViolation(failure) ? alreadyExists(key, slug) : failure;
    }

    private static AlreadyExists alreadyExists(ProjectKey key, RepositorySlug slug) {
        return new AlreadyExists("name", "Project " + key + " already has a repository with the slug '" + slug + "'.");
    }

    static RepositoryRecord map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new RepositoryRecord(rs.getLong("id"), rs.getLong("project_id"), new ProjectKey(rs.getString("project_key")),
                new RepositorySlug(rs.getString("slug")), new RepositoryName(rs.getString("name")),
                rs.getBoolean("is_public"), rs.getString("description"), rs.getBoolean("forkable"));
    }
}
