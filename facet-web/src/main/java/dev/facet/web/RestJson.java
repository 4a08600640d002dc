package dev.facet.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.facet.core.store.AccessToken;
import dev.facet.core.store.Project;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.User;
import dev.facet.primary.Page;
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

    record ProjectRef(long id, String key) {
    }

    record RepositoryJson(long id, String slug, String name, String scmId, String state, ProjectRef project,
                          @JsonProperty("public") boolean isPublic, Map<String, List<Link>> links) {
        static RepositoryJson of(RepositoryRecord repository, String baseUrl) {
            String cloneUrl = cloneUrl(baseUrl, repository);
            return new RepositoryJson(repository.id(), repository.slug().value(), repository.name().value(), "git",
                    "AVAILABLE", new ProjectRef(repository.projectId(), repository.projectKey().value()),
                    repository.isPublic(),
                    Map.of("clone", List.of(new Link(cloneUrl, "http")),
                            "self", List.of(new Link(baseUrl + "/projects/" + repository.projectKey() + "/repos/"
                                    + repository.slug() + "/browse", null))));
        }
    }

    record UserJson(long id, String name, String slug, String displayName, String emailAddress, String type,
                    boolean active) {
        static UserJson of(User user) {
            return new UserJson(user.id(), user.name().value(), user.name().value(), user.displayName(),
                    user.emailAddress(), "NORMAL", user.active());
        }
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

    /** {@code PUT /rest/api/1.0/admin/users}: what an administrator changes on a user; only {@code active} for now. */
    record UpdateUser(String name, Boolean active) {
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

    record CreateRepository(String name, @JsonProperty("public") Boolean isPublic) {
    }

    record UpdateRepository(String name, @JsonProperty("public") Boolean isPublic) {
    }

    record CreateUser(String name, String password, String displayName, String emailAddress, String role) {
    }

    record CreateToken(String name, List<String> permissions, Integer expiryDays) {
    }

    record Status(String state) {
    }

    /** Where {@code git clone} finds a repository on the instance at {@code baseUrl}: the same path on a primary and its mirrors. */
    static String cloneUrl(String baseUrl, RepositoryRecord repository) {
        return baseUrl + "/scm/" + repository.projectKey().value().toLowerCase(java.util.Locale.ROOT) + "/"
                + repository.slug() + ".git";
    }
}
