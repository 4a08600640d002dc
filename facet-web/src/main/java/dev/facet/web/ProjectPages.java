package dev.facet.web;

import dev.facet.core.access.Caller;
import dev.facet.core.error.FacetException;
import dev.facet.core.mirror.MirrorServer;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.store.Project;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.primary.MirrorRegistry;
import dev.facet.primary.ProjectService;
import dev.facet.primary.RepositoryMirrors;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Projects and their repositories, each with its clone URLs: the primary's and every mirror's that carries it. */
final class ProjectPages {
    private static final int LIST_LIMIT = 1000;

    private final ProjectService projects;
    private final MirrorRegistry mirrors;
    private final PageAccess access;
    private final Supplier<String> baseUrl;
    private final Supplier<java.util.Optional<String>> sshBaseUrl;

    private final java.util.function.LongFunction<dev.facet.core.lfs.LfsUsage> lfsUsage;

    ProjectPages(ProjectService projects, MirrorRegistry mirrors, PageAccess access, Supplier<String> baseUrl,
                 Supplier<java.util.Optional<String>> sshBaseUrl,
                 java.util.function.LongFunction<dev.facet.core.lfs.LfsUsage> lfsUsage) {
        this.lfsUsage = lfsUsage;
        this.projects = projects;
        this.mirrors = mirrors;
        this.access = access;
        this.baseUrl = baseUrl;
        this.sshBaseUrl = sshBaseUrl;
    }

    void register(RoutesConfig routes) {
        routes.get("/projects", ctx -> {
            Caller viewer = access.viewer(ctx);
            List<PageModels.ProjectRow> rows = projects.listProjects(viewer, 0, LIST_LIMIT).values().stream()
                    .map(ProjectPages::row).toList();
            Pages.render(ctx, "projects.jte", new PageModels.ProjectsPage(access.frame(ctx, "Projects"), rows));
        });
        routes.get("/projects/{key}", this::project);
    }

    private void project(Context ctx) {
        Caller viewer = access.viewer(ctx);
        Project project;
        List<RepositoryRecord> repositories;
        try {
            ProjectKey key = ProjectKey.of(ctx.pathParam("key"));
            project = projects.project(viewer, key);
            repositories = projects.listRepositories(viewer, key, 0, LIST_LIMIT).values();
        } catch (FacetException e) {
            access.message(ctx, ErrorMapping.status(e), "Project not shown", e.getMessage(), viewer.isAnonymous()
                    ? "Sign in if it is a private project: /login" : "Check the project key in the address.");
            return;
        }
        List<MirrorServer> carrying = mirrors.carrying(project.key());
        String preferred = mirrors.preferredMirrorId(viewer).orElse(null);
        List<PageModels.RepositoryRow> rows = new ArrayList<>();
        for (RepositoryRecord repository : repositories) {
            List<PageModels.CloneUrl> urls = new ArrayList<>();
            urls.add(new PageModels.CloneUrl("primary", RestJson.cloneUrl(baseUrl.get(), repository), false));
            sshBaseUrl.get().ifPresent(ssh -> urls.add(new PageModels.CloneUrl("primary over SSH",
                    RestJson.sshCloneUrl(ssh, repository), false)));
            for (MirrorServer mirror : carrying) {
                PageModels.CloneUrl url = new PageModels.CloneUrl("mirror " + mirror.name(),
                        RepositoryMirrors.cloneUrl(mirror, repository), mirror.id().equals(preferred));
                if (url.preferred()) {
                    urls.add(0, url);
                } else {
                    urls.add(url);
                }
            }
            rows.add(new PageModels.RepositoryRow(repository.name().value(), repository.slug().value(),
                    repository.isPublic(), urls, lfsUsage(lfsUsage.apply(repository.id()))));
        }
        Pages.render(ctx, "project.jte", new PageModels.ProjectPage(access.frame(ctx, project.name()), row(project), rows));
    }

    private static PageModels.ProjectRow row(Project project) {
        return new PageModels.ProjectRow(project.key().value(), project.name(),
                project.description() == null ? "" : project.description(), project.isPublic());
    }

    /** Git LFS usage in words, or null when the repository holds no LFS object. */
    static String lfsUsage(dev.facet.core.lfs.LfsUsage usage) {
        if (usage.objectCount() == 0) {
            return null;
        }
        return usage.objectCount() + (usage.objectCount() == 1 ? " object, " : " objects, ") + Pages.bytes(usage.bytes());
    }
}
