package dev.facet.primary;

import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.Caller;
import dev.facet.core.access.GlobalRole;
import dev.facet.core.access.Permission;
import dev.facet.core.error.Conflict;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.event.EventType;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositoryName;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.store.Project;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.Store;
import dev.facet.core.store.StoreTransaction;
import dev.facet.git.RepositoryStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Projects and their repositories. Each repository change writes its outbox event in the same
 * transaction, and a repository's files are created inside that transaction so that a failure
 * on disk leaves no row behind.
 */
public final class ProjectService {
    private static final Logger log = LoggerFactory.getLogger(ProjectService.class);
    static final int MAX_PROJECT_NAME = 255;
    static final int MAX_DESCRIPTION = 1000;

    private final Store store;
    private final RepositoryStore repositories;
    private final Clock clock;

    public ProjectService(Store store, RepositoryStore repositories, Clock clock) {
        this.store = store;
        this.repositories = repositories;
        this.clock = clock;
    }

    public Project createProject(Caller caller, ProjectKey key, String name, String description, boolean isPublic) {
        AccessRules.requireRole(caller, GlobalRole.PROJECT_CREATE);
        String projectName = requireText("name", "A project name", name, MAX_PROJECT_NAME);
        String projectDescription = description == null ? null
                : requireText("description", "A description", description, MAX_DESCRIPTION);
        Project project = store.inTransaction(tx -> {
            Project created = tx.projects().create(key, projectName, projectDescription, isPublic);
            if (!caller.hasAdminRole()) {
                // As in Bitbucket, whoever may create projects administers the ones they create.
                tx.grants().grantOnProject(created.id(), caller.userId(), Permission.PROJECT_ADMIN);
                tx.events().append(EventType.PERMISSIONS_CHANGED, null,
                        EventPayloads.projectPermission(key, caller.name(), Permission.PROJECT_ADMIN), clock.instant());
            }
            return created;
        });
        log.info("project {} created by {}", key, caller);
        return project;
    }

    public Page<Project> listProjects(Caller caller, int start, int limit) {
        return store.inTransaction(tx -> {
            List<Project> visible = new ArrayList<>();
            int skipped = 0;
            int offset = 0;
            while (visible.size() <= limit) {
                List<Project> batch = tx.projects().list(offset, 200);
                for (Project project : batch) {
                    if (AccessRules.canSee(tx, caller, project)) {
                        if (skipped < start) {
                            skipped++;
                        } else if (visible.size() <= limit) {
                            visible.add(project);
                        }
                    }
                }
                if (batch.size() < 200) {
                    break;
                }
                offset += batch.size();
            }
            return Page.of(visible, start, limit);
        });
    }

    /** The project of a repository the caller was already allowed to read, to show it whole beside the repository. */
    public Project projectOf(RepositoryRecord repository) {
        return store.inTransaction(tx -> tx.projects().findById(repository.projectId()).orElseThrow(
                () -> new dev.facet.core.error.NotFound("key", "Project " + repository.projectKey() + " does not exist.")));
    }

    public Project project(Caller caller, ProjectKey key) {
        return store.inTransaction(tx -> AccessRules.requireProject(tx, caller, key, AccessLevel.READ));
    }

    public void deleteProject(Caller caller, ProjectKey key) {
        store.useTransaction(tx -> {
            Project project = AccessRules.requireProject(tx, caller, key, AccessLevel.ADMIN);
            if (!tx.repositories().listInProject(project.id(), 0, 1).isEmpty()) {
                throw new Conflict("key", "Project " + key + " still has repositories; delete them first.");
            }
            tx.projects().delete(project.id());
        });
        log.info("project {} deleted by {}", key, caller);
    }

    public RepositoryRecord createRepository(Caller caller, ProjectKey key, RepositoryName name, boolean isPublic) {
        return createRepository(caller, key, name, isPublic, null, true);
    }

    /** Creates a repository with what Bitbucket lets a creator say about it: a description, and whether forks are allowed. */
    public RepositoryRecord createRepository(Caller caller, ProjectKey key, RepositoryName name, boolean isPublic,
                                             String description, boolean forkable) {
        String checkedDescription = description(description);
        long[] createdOnDisk = {0};
        try {
            RepositoryRecord created = store.inTransaction(tx -> {
                Project project = AccessRules.requireProject(tx, caller, key, AccessLevel.ADMIN);
                RepositoryRecord repository = tx.repositories().create(project, name, isPublic);
                if (checkedDescription != null || !forkable) {
                    repository = tx.repositories().describe(repository.id(), checkedDescription, forkable);
                }
                tx.events().append(EventType.REPOSITORY_CREATED, repository.id(), EventPayloads.created(tx, repository),
                        clock.instant());
                repositories.create(repository.id());
                createdOnDisk[0] = repository.id();
                RecordedStates.update(tx, repository.id(), repositories.refsHash(repository.id()));
                return repository;
            });
            log.info("repository {} {}/{} created by {}", created.id(), key, created.slug(), caller);
            return created;
        } catch (RuntimeException e) {
            if (createdOnDisk[0] != 0) {
                repositories.delete(createdOnDisk[0]);
            }
            throw e;
        }
    }

    public Page<RepositoryRecord> listRepositories(Caller caller, ProjectKey key, int start, int limit) {
        return store.inTransaction(tx -> {
            Project project = AccessRules.requireProject(tx, caller, key, AccessLevel.NONE);
            List<RepositoryRecord> all = new ArrayList<>();
            int offset = 0;
            List<RepositoryRecord> batch;
            do {
                batch = tx.repositories().listInProject(project.id(), offset, 200);
                for (RepositoryRecord repository : batch) {
                    if (AccessRules.onRepository(tx, caller, repository).allows(AccessLevel.READ)) {
                        all.add(repository);
                    }
                }
                offset += batch.size();
            } while (batch.size() == 200 && all.size() <= (long) start + limit);
            List<RepositoryRecord> window = all.subList(Math.min(start, all.size()),
                    (int) Math.min(all.size(), (long) start + limit + 1));
            return Page.of(new ArrayList<>(window), start, limit);
        });
    }

    public RepositoryRecord repository(Caller caller, ProjectKey key, RepositorySlug slug) {
        return store.inTransaction(tx -> find(tx, caller, key, slug, AccessLevel.READ));
    }

    public RepositoryRecord renameRepository(Caller caller, ProjectKey key, RepositorySlug slug, RepositoryName newName) {
        RepositoryRecord renamed = store.inTransaction(tx -> {
            RepositoryRecord before = find(tx, caller, key, slug, AccessLevel.ADMIN);
            if (before.name().equals(newName)) {
                return before;
            }
            RepositoryRecord after = tx.repositories().rename(before.id(), newName);
            tx.events().append(EventType.REPOSITORY_RENAMED, after.id(), EventPayloads.renamed(tx, before, after),
                    clock.instant());
            RecordedStates.update(tx, after.id(), null);
            return after;
        });
        log.info("repository {} renamed to {}/{} by {}", renamed.id(), key, renamed.slug(), caller);
        return renamed;
    }

    public RepositoryRecord setRepositoryPublic(Caller caller, ProjectKey key, RepositorySlug slug, boolean isPublic) {
        return store.inTransaction(tx -> {
            RepositoryRecord before = find(tx, caller, key, slug, AccessLevel.ADMIN);
            if (before.isPublic() == isPublic) {
                return before;
            }
            RepositoryRecord after = tx.repositories().setPublic(before.id(), isPublic);
            tx.events().append(EventType.PERMISSIONS_CHANGED, after.id(),
                    EventPayloads.visibility(key, after.id()), clock.instant());
            RecordedStates.update(tx, after.id(), null);
            return after;
        });
    }

    /**
     * Sets a repository's description (blank for none) and whether it may be forked; both are only shown, so no
     * event tells mirrors.
     */
    public RepositoryRecord describeRepository(Caller caller, ProjectKey key, RepositorySlug slug, String description,
                                               boolean forkable) {
        String checkedDescription = description(description);
        return store.inTransaction(tx -> {
            RepositoryRecord before = find(tx, caller, key, slug, AccessLevel.ADMIN);
            if (java.util.Objects.equals(before.description(), checkedDescription) && before.forkable() == forkable) {
                return before;
            }
            return tx.repositories().describe(before.id(), checkedDescription, forkable);
        });
    }

    /**
     * Changes a project's name, description (blank for none) and whether anyone may read it. A change of the last
     * changes who may read each of its repositories, which mirrors are told repository by repository.
     */
    public Project updateProject(Caller caller, ProjectKey key, String name, String description, boolean isPublic) {
        String projectName = requireText("name", "A project name", name, MAX_PROJECT_NAME);
        String projectDescription = description(description);
        Project updated = store.inTransaction(tx -> {
            Project before = AccessRules.requireProject(tx, caller, key, AccessLevel.ADMIN);
            Project after = tx.projects().update(before.id(), projectName, projectDescription, isPublic);
            if (before.isPublic() != isPublic) {
                int offset = 0;
                List<RepositoryRecord> batch;
                do {
                    batch = tx.repositories().listInProject(before.id(), offset, 200);
                    for (RepositoryRecord repository : batch) {
                        tx.events().append(EventType.PERMISSIONS_CHANGED, repository.id(),
                                EventPayloads.visibility(key, repository.id()), clock.instant());
                        RecordedStates.update(tx, repository.id(), null);
                    }
                    offset += batch.size();
                } while (batch.size() == 200);
            }
            return after;
        });
        log.info("project {} updated by {}", key, caller);
        return updated;
    }

    /**
     * Repositories the caller may see, filtered as Bitbucket's repository search is: each filter that is given must
     * hold. {@code name} and {@code projectName} match ignoring case and surrounding spaces, anywhere in the name.
     */
    public Page<RepositoryRecord> searchRepositories(Caller caller, RepositorySearch search, int start, int limit) {
        return store.inTransaction(tx -> {
            List<RepositoryRecord> matching = new ArrayList<>();
            java.util.Map<Long, Project> projectsById = new java.util.HashMap<>();
            int skipped = 0;
            int offset = 0;
            List<RepositoryRecord> batch;
            do {
                batch = tx.repositories().listAll(offset, 200);
                for (RepositoryRecord repository : batch) {
                    Project project = projectsById.computeIfAbsent(repository.projectId(),
                            id -> tx.projects().findById(id).orElseThrow());
                    if (!search.matches(repository, project)
                            || !AccessRules.onRepository(tx, caller, repository).allows(search.level())) {
                        continue;
                    }
                    if (skipped < start) {
                        skipped++;
                    } else if (matching.size() <= limit) {
                        matching.add(repository);
                    }
                }
                offset += batch.size();
            } while (batch.size() == 200 && matching.size() <= limit);
            return Page.of(matching, start, limit);
        });
    }

    public void deleteRepository(Caller caller, ProjectKey key, RepositorySlug slug) {
        RepositoryRecord deleted = store.inTransaction(tx -> {
            RepositoryRecord repository = find(tx, caller, key, slug, AccessLevel.ADMIN);
            tx.repositories().delete(repository.id());
            tx.events().append(EventType.REPOSITORY_DELETED, repository.id(), EventPayloads.deleted(tx, repository),
                    clock.instant());
            return repository;
        });
        repositories.delete(deleted.id());
        log.info("repository {} {}/{} deleted by {}", deleted.id(), key, slug, caller);
    }

    private static RepositoryRecord find(StoreTransaction tx, Caller caller, ProjectKey key, RepositorySlug slug,
                                         AccessLevel needed) {
        RepositoryRecord repository = tx.repositories().find(key, slug)
                .orElseThrow(() -> AccessRules.notFound(caller, "Repository " + key + "/" + slug + " does not exist."));
        return AccessRules.requireRepository(tx, caller, repository, needed);
    }

    /** A description as stored: null for none (blank counts as none), else checked and stripped. */
    private static String description(String description) {
        return description == null || description.isBlank() ? null
                : requireText("description", "A description", description, MAX_DESCRIPTION);
    }

    static String requireText(String context, String what, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            throw new InvalidInput(context, what + " is required.");
        }
        if (value.length() > maxLength) {
            throw new InvalidInput(context, what + " must be at most " + maxLength + " characters long.");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInput(context, what + " must not contain control characters.");
        }
        return value.strip();
    }
}
