package dev.facet.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.facet.core.store.AccessToken;
import dev.facet.primary.ProjectTokenService;
import java.time.Instant;
import java.util.List;

/**
 * Project and repository tokens as Bitbucket shows them: a user token's fields, and the service user the token
 * acts as (type SERVICE), whose name is what pushes and the audit trail record. Dates are epoch milliseconds.
 */
final class ProjectTokenJson {
    private ProjectTokenJson() {
    }

    /** The service user a token acts as; it has no password and is reached only through its token. */
    record ServiceUserJson(String name, String slug, String displayName, String type, boolean active) {
        static ServiceUserJson of(AccessToken token) {
            String name = ProjectTokenService.serviceName(token.id()).value();
            return new ServiceUserJson(name, name, token.name(), "SERVICE", true);
        }
    }

    /** A token as listed: never its secret. */
    record Listed(String id, String name, List<String> permissions, long createdDate,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Long expiryDate,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Long lastAuthenticated, ServiceUserJson user) {
        static Listed of(AccessToken token) {
            return new Listed(token.id(), token.name(), permissionNames(token), token.createdAt().toEpochMilli(),
                    epochMillis(token.expiresAt()), epochMillis(token.lastUsedAt()), ServiceUserJson.of(token));
        }
    }

    /** A token right after it was created: the one time its secret is shown. */
    record Created(String id, String name, List<String> permissions, long createdDate,
                   @JsonInclude(JsonInclude.Include.NON_NULL) Long expiryDate, String token, ServiceUserJson user) {
        static Created of(AccessToken token, String secret) {
            return new Created(token.id(), token.name(), permissionNames(token), token.createdAt().toEpochMilli(),
                    epochMillis(token.expiresAt()), secret, ServiceUserJson.of(token));
        }
    }

    private static List<String> permissionNames(AccessToken token) {
        return token.permissions().stream().map(Enum::name).sorted().toList();
    }

    private static Long epochMillis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }
}
