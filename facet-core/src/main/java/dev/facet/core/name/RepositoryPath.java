package dev.facet.core.name;

import java.util.Locale;

/**
 * A repository's path below a server's Git base ({@code project/slug.git}, the project key in lower case): the same
 * over HTTP ({@code BASE/scm/…}) and SSH ({@code ssh://git@HOST:PORT/…}), on a primary and on its mirrors.
 */
public final class RepositoryPath {
    private RepositoryPath() {
    }

    public static String of(ProjectKey project, RepositorySlug slug) {
        return project.value().toLowerCase(Locale.ROOT) + "/" + slug.value() + ".git";
    }
}
