package dev.facet.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.facet.core.name.RepositoryPath;
import dev.facet.core.store.AccessToken;
import dev.facet.core.store.Grant;
import dev.facet.core.store.Group;
import dev.facet.core.store.Project;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.User;
import dev.facet.primary.Page;
import dev.facet.primary.RefService;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The JSON shapes of the REST API, kept apart from domain types; names follow Bitbucket's. */
final class RestJson {
    private RestJson() {
    }

    record Paged<T>(List<T> values, int size, int start, int limit, boolean isLastPage, Integer nextPageStart) {
        static <D, T> Paged<T> of(Page<D> page, Function<D, T> shape) {
            List<T> values = page.values().stream().map(shape).toList();
            return new Paged<>(values, values.size(), page.start(), page.limit(), page.isLastPage(), page.nextPageStart());
        }
    }

    record Link(String href, @JsonInclude(JsonInclude.Include.NON_NULL) String name) {
    }

    record ProjectJson(long id, String key, String name, String description, @JsonProperty("public") boolean isPublic,
                       String type, Map<String, List<Link>> links) {
        static ProjectJson of(Project project, String baseUrl) {
            return new ProjectJson(project.id(), project.key().value(), project.name(), project.description(),
                    project.isPublic(), "NORMAL",
                    Map.of("self", List.of(new Link(baseUrl + "/projects/" + project.key(), null))));
        }
    }

    /**
     * A repository in the shape of Bitbucket's {@code RestRepository}. Facet repositories are always Git, always
     * available and never archived or forks; {@code defaultBranch} is the branch HEAD names (the spec marks the
     * field write-only, clients that read it find the configured default branch there).
     */
    record RepositoryJson(long id, String slug, String name, String description, String hierarchyId, String scmId,
                          String state, String statusMessage, boolean forkable, boolean archived,
                          String defaultBranch, ProjectJson project, @JsonProperty("public") boolean isPublic,
                          Map<String, List<Link>> links, LfsUsageJson lfs) {
        /**
         * @param sshBaseUrl where Git over SSH is served, or null when it is off: then only HTTP is offered
         * @param lfs        what the repository holds in Git LFS (Facet's own field: Bitbucket has none)
         */
        static RepositoryJson of(RepositoryRecord repository, Project project, String defaultBranch, String baseUrl,
                                 String sshBaseUrl, dev.facet.core.lfs.LfsUsage lfs) {
            List<Link> clone = sshBaseUrl == null ? List.of(new Link(cloneUrl(baseUrl, repository), "http"))
                    : List.of(new Link(cloneUrl(baseUrl, repository), "http"),
                    new Link(dev.facet.primary.RepositoryMirrors.sshCloneUrl(sshBaseUrl, repository), "ssh"));
            return new RepositoryJson(repository.id(), repository.slug().value(), repository.name().value(),
                    repository.description(), String.format(java.util.Locale.ROOT, "%020x", repository.id()), "git",
                    "AVAILABLE", "Available", repository.forkable(), false,
                    defaultBranch == null ? null : org.eclipse.jgit.lib.Repository.shortenRefName(defaultBranch),
                    ProjectJson.of(project, baseUrl), repository.isPublic(),
                    Map.of("clone", clone,
                            "self", List.of(new Link(baseUrl + "/projects/" + repository.projectKey() + "/repos/"
                                    + repository.slug() + "/browse", null))),
                    new LfsUsageJson(lfs.objectCount(), lfs.bytes()));
        }
    }

    /** Git LFS usage of a repository: how many objects it holds and their bytes together. */
    record LfsUsageJson(long objectCount, long bytes) {
    }

    /**
     * A branch as Bitbucket's {@code RestBranch}: the spec names the default flag {@code default}, Bitbucket itself
     * answers {@code isDefault}, and clients read either, so both are given.
     */
    record BranchJson(String id, String displayId, String type, String latestCommit, String latestChangeset,
                      boolean isDefault, @JsonProperty("default") boolean defaultFlag) {
        static BranchJson of(RefService.Branch branch) {
            return new BranchJson(branch.id(), branch.displayId(), "BRANCH", branch.latestCommit(),
                    branch.latestCommit(), branch.isDefault(), branch.isDefault());
        }
    }

    /** A tag as Bitbucket's {@code RestTag}: {@code hash} is the tag object of an annotated tag, else the commit. */
    record TagJson(String id, String displayId, String type, String latestCommit, String latestChangeset,
                   String hash) {
        static TagJson of(RefService.Tag tag) {
            return new TagJson(tag.id(), tag.displayId(), "TAG", tag.latestCommit(), tag.latestCommit(), tag.hash());
        }
    }

    /** A ref by name only, as Bitbucket's {@code RestMinimalRef}: the configured default branch. */
    record MinimalRefJson(String id, String displayId, String type) {
        static MinimalRefJson branch(String refName) {
            return new MinimalRefJson(refName, org.eclipse.jgit.lib.Repository.shortenRefName(refName), "BRANCH");
        }
    }

    /**
     * What {@code GET /rest/api/latest/application-properties} answers. {@code version} is the Bitbucket Data
     * Center API version whose paths and shapes Facet follows, since clients compare it to decide which calls
     * they may make; {@code displayName} says that Facet answers.
     */
    record ApplicationProperties(String version, String buildNumber, String buildDate, String displayName) {
    }

    /** What {@code GET /rest/capabilities} answers: which application this is, and the optional features it offers. */
    record Capabilities(String application, Map<String, String> capabilities) {
    }

    /**
     * A user as Bitbucket's {@code RestDetailedUser} (which {@code RestApplicationUser} is the start of): every
     * Facet account lives in Facet's own directory, where its details and groups may be changed.
     */
    record UserJson(long id, String name, String slug, String displayName, String emailAddress, String type,
                    boolean active, String directoryName, boolean deletable, boolean mutableDetails,
                    boolean mutableGroups) {
        static UserJson of(User user) {
            return new UserJson(user.id(), user.name().value(), user.name().value(), user.displayName(),
                    user.emailAddress(), "NORMAL", user.active(), "Facet", true, true, true);
        }
    }

    /** A group as Bitbucket's {@code RestDetailedGroup}. */
    record GroupJson(String name, boolean deletable) {
        static GroupJson of(Group group) {
            return new GroupJson(group.name().value(), true);
        }
    }

    /** A group named inside a permission, as Bitbucket's {@code RestPermittedGroup} holds it. */
    record GroupRef(String name) {
    }

    /** {@code RestPermittedUser}: a user and the permission they hold (global, on a project or on a repository). */
    record PermittedUserJson(UserJson user, String permission) {
        static PermittedUserJson of(Grant<User> grant) {
            return new PermittedUserJson(UserJson.of(grant.grantee()), grant.permission().name());
        }

        static PermittedUserJson global(User user) {
            return new PermittedUserJson(UserJson.of(user), user.role().permissionName());
        }
    }

    /** {@code RestPermittedGroup}: a group and the permission it holds. */
    record PermittedGroupJson(GroupRef group, String permission) {
        static PermittedGroupJson of(Grant<Group> grant) {
            return new PermittedGroupJson(new GroupRef(grant.grantee().name().value()), grant.permission().name());
        }

        static PermittedGroupJson global(Group group) {
            return new PermittedGroupJson(new GroupRef(group.name().value()),
                    group.role() == null ? null : group.role().permissionName());
        }
    }

    /** {@code UserPickerContext} and {@code GroupPickerContext}: one user and one group, which is which by path. */
    record PickerContext(String context, String itemName) {
    }

    /** {@code GroupAndUsers}: several users into one group. */
    record GroupAndUsers(String group, List<String> users) {
    }

    /** {@code UserAndGroups}: one user into several groups. */
    record UserAndGroups(String user, List<String> groups) {
    }

    /** A token as listed: never its secret. Dates are epoch milliseconds, as Bitbucket gives them. */
    record TokenListJson(String id, String name, List<String> permissions, long createdDate,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Long expiryDate,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Long lastAuthenticated) {
        static TokenListJson of(AccessToken token) {
            return new TokenListJson(token.id(), token.name(),
                    token.permissions().stream().map(Enum::name).sorted().toList(), token.createdAt().toEpochMilli(),
                    token.expiresAt() == null ? null : token.expiresAt().toEpochMilli(),
                    token.lastUsedAt() == null ? null : token.lastUsedAt().toEpochMilli());
        }
    }

    /** {@code PUT /rest/api/1.0/users/credentials}: the caller's own password. */
    record OwnPasswordChange(String oldPassword, String password, String passwordConfirm) {
    }

    /** {@code PUT /rest/api/1.0/admin/users/credentials}: an administrator sets a user's password. */
    record AdminPasswordChange(String name, String password, String passwordConfirm) {
    }

    /**
     * {@code PUT /rest/api/1.0/admin/users}: Bitbucket's {@code RestUserUpdate} (name, displayName, email), and
     * {@code active} to disable or enable the account.
     */
    record UpdateUser(String name, String displayName, String email, Boolean active) {
    }

    record TokenJson(String id, String name, List<String> permissions, long createdDate,
                     @JsonInclude(JsonInclude.Include.NON_NULL) Long expiryDate, String token) {
        static TokenJson of(AccessToken token, String secret) {
            return new TokenJson(token.id(), token.name(), token.permissions().stream().map(Enum::name).sorted().toList(),
                    token.createdAt().toEpochMilli(), token.expiresAt() == null ? null : token.expiresAt().toEpochMilli(),
                    secret);
        }
    }

    record CreateProject(String key, String name, String description, @JsonProperty("public") Boolean isPublic) {
    }

    /** {@code POST …/branches} (api) and {@code /rest/branch-utils/latest/…/branches}: {@code message} is only read by hooks in Bitbucket. */
    record CreateBranch(String name, String startPoint, String message) {
    }

    /** {@code DELETE /rest/branch-utils/latest/…/branches}. */
    record DeleteBranch(String name, String endPoint, Boolean dryRun) {
    }

    /** {@code POST …/tags}: annotated when it has a message; the git form also says {@code type} and {@code force}. */
    record CreateTag(String name, String startPoint, String message, String type, Boolean force) {
    }

    /** {@code PUT …/default-branch} and {@code PUT …/branches/default}: a {@code RestBranch} of which only {@code id} counts. */
    record ChosenBranch(String id) {
    }

    record CreateUser(String name, String password, String displayName, String emailAddress, String role) {
    }

    record CreateToken(String name, List<String> permissions, Integer expiryDays) {
    }

    record Status(String state) {
    }

    /** Where {@code git clone} finds a repository on the instance at {@code baseUrl}: the same path on a primary and its mirrors. */
    static String cloneUrl(String baseUrl, RepositoryRecord repository) {
        return baseUrl + "/scm/" + RepositoryPath.of(repository.projectKey(), repository.slug());
    }
}
