package dev.facet.primary;

import dev.facet.core.access.AccessLevel;
import dev.facet.core.store.Project;
import dev.facet.core.store.RepositoryRecord;
import java.util.Locale;

/**
 * The filters of Bitbucket's repository search ({@code GET /rest/api/latest/repos}); a null filter lets every
 * repository through.
 *
 * @param name        part of the repository's name, any case
 * @param projectName part of its project's name, any case
 * @param projectKey  its project's key, any case
 * @param isPublic    whether it must be readable by anyone, or not
 * @param level       the least access the caller must have on it
 * @param available   false to find only repositories that are being set up or failed to be (Facet has none)
 * @param archived    true to find only archived repositories (Facet has none), false or null for active ones
 */
public record RepositorySearch(String name, String projectName, String projectKey, Boolean isPublic,
                               AccessLevel level, boolean available, Boolean archived) {
    public static final RepositorySearch EVERYTHING_READABLE =
            new RepositorySearch(null, null, null, null, AccessLevel.READ, true, null);

    public RepositorySearch {
        name = normalized(name);
        projectName = normalized(projectName);
        projectKey = normalized(projectKey);
        level = level == null ? AccessLevel.READ : level;
    }

    boolean matches(RepositoryRecord repository, Project project) {
        return available && !Boolean.TRUE.equals(archived)
                && contains(repository.name().value(), name)
                && contains(project.name(), projectName)
                && (projectKey == null || project.key().value().toLowerCase(Locale.ROOT).equals(projectKey))
                && (isPublic == null || isPublic == (repository.isPublic() || project.isPublic()));
    }

    private static boolean contains(String value, String part) {
        return part == null || value.toLowerCase(Locale.ROOT).contains(part);
    }

    private static String normalized(String filter) {
        return filter == null || filter.isBlank() ? null : filter.strip().toLowerCase(Locale.ROOT);
    }
}
