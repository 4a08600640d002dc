package dev.facet.store;

import dev.facet.core.error.AlreadyExists;
import dev.facet.core.error.NotFound;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.store.Project;
import dev.facet.core.store.Projects;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcProjects implements Projects {
    private static final String COLUMNS = "id, project_key, name, description, is_public";
    private final Handle handle;

    JdbcProjects(Handle handle) {
        this.handle = handle;
    }

    @Override
    public Project create(ProjectKey key, String name, String description, boolean isPublic) {
        boolean nameTaken = handle.createQuery("SELECT COUNT(*) FROM projects WHERE LOWER(name) = LOWER(:name)")
                .bind("name", name).mapTo(Long.class).one() > 0;
        if (find(key).isPresent()) {
            throw new AlreadyExists("key", "Project key '" + key + "' is already taken.");
        }
        if (nameTaken) {
            throw new AlreadyExists("name", "Project name '" + name + "' is already taken.");
        }
        try {
            long id = handle.createUpdate("INSERT INTO projects (project_key, name, description, is_public) "
                            + "VALUES (:key, :name, :description, :isPublic)")
                    .bind("key", key.value()).bind("name", name).bind("description", description)
                    .bind("isPublic", isPublic)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            return new Project(id, key, name, description, isPublic);
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw new AlreadyExists("key", "Project '" + key + "' already exists.");
            }
            throw e;
        }
    }

    @Override
    public Optional<Project> find(ProjectKey key) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM projects WHERE project_key = :key")
                .bind("key", key.value()).map(JdbcProjects::map).findOne();
    }

    @Override
    public Optional<Project> findById(long projectId) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM projects WHERE id = :id")
                .bind("id", projectId).map(JdbcProjects::map).findOne();
    }

    @Override
    public List<Project> list(int start, int limit) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM projects ORDER BY project_key LIMIT :limit OFFSET :start")
                .bind("limit", limit).bind("start", start).map(JdbcProjects::map).list();
    }

    @Override
    public Project update(long projectId, String name, String description, boolean isPublic) {
        boolean nameTaken = handle.createQuery("SELECT COUNT(*) FROM projects WHERE LOWER(name) = LOWER(:name) "
                + "AND id <> :id").bind("name", name).bind("id", projectId).mapTo(Long.class).one() > 0;
        if (nameTaken) {
            throw new AlreadyExists("name", "Project name '" + name + "' is already taken.");
        }
        try {
            handle.createUpdate("UPDATE projects SET name = :name, description = :description, is_public = :isPublic "
                            + "WHERE id = :id")
                    .bind("name", name).bind("description", description).bind("isPublic", isPublic)
                    .bind("id", projectId).execute();
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw new AlreadyExists("name", "Project name '" + name + "' is already taken.");
            }
            throw e;
        }
        return findById(projectId).orElseThrow(() -> new NotFound("key", "Project " + projectId + " does not exist."));
    }

    @Override
    public void delete(long projectId) {
        handle.createUpdate("DELETE FROM projects WHERE id = :id").bind("id", projectId).execute();
    }

    private static Project map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Project(rs.getLong("id"), new ProjectKey(rs.getString("project_key")), rs.getString("name"),
                rs.getString("description"), rs.getBoolean("is_public"));
    }
}
