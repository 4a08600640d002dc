package dev.facet.core.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.facet.core.access.Permission.Scope;
import dev.facet.core.error.InvalidInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PermissionTest {
    private static final String PROJECT_PERMISSIONS = "[PROJECT_READ, PROJECT_WRITE, PROJECT_ADMIN]";
    private static final String REPOSITORY_PERMISSIONS = "[REPO_READ, REPO_WRITE, REPO_ADMIN]";

    @ParameterizedTest
    @CsvSource({
            "PROJECT_READ,  PROJECT,    READ",
            "PROJECT_WRITE, PROJECT,    WRITE",
            "PROJECT_ADMIN, PROJECT,    ADMIN",
            "REPO_READ,     REPOSITORY, READ",
            "REPO_WRITE,    REPOSITORY, WRITE",
            "REPO_ADMIN,    REPOSITORY, ADMIN"
    })
    void eachPermissionHasAScopeAndALevel(Permission permission, Scope scope, AccessLevel level) {
        assertThat(permission.scope()).isEqualTo(scope);
        assertThat(permission.level()).isEqualTo(level);
    }

    @Test
    void parsesAPermissionOfTheWantedScopeInAnyCase() {
        assertThat(Permission.parse("permission", "PROJECT_WRITE", Scope.PROJECT)).isEqualTo(Permission.PROJECT_WRITE);
        assertThat(Permission.parse("permission", " repo_admin ", Scope.REPOSITORY)).isEqualTo(Permission.REPO_ADMIN);
    }

    @Test
    void refusesARepositoryPermissionWhereAProjectPermissionIsWanted() {
        assertThatExceptionOfType(InvalidInput.class)
                .isThrownBy(() -> Permission.parse("permission", "REPO_READ", Scope.PROJECT))
                .withMessage("Unknown permission 'REPO_READ'; use one of " + PROJECT_PERMISSIONS + ".")
                .satisfies(e -> assertThat(e.context()).isEqualTo("permission"));
    }

    @Test
    void refusesAProjectPermissionWhereARepositoryPermissionIsWanted() {
        assertThatExceptionOfType(InvalidInput.class)
                .isThrownBy(() -> Permission.parse("permission", "project_admin", Scope.REPOSITORY))
                .withMessage("Unknown permission 'project_admin'; use one of " + REPOSITORY_PERMISSIONS + ".");
    }

    @ParameterizedTest
    @ValueSource(strings = {"OWNER", "READ", "PROJECT-READ", "PROJECT_READ_X"})
    void anUnknownPermissionIsRefusedWithTheAllowedValues(String raw) {
        assertThatExceptionOfType(InvalidInput.class)
                .isThrownBy(() -> Permission.parse("permission", raw, Scope.PROJECT))
                .withMessage("Unknown permission '" + raw + "'; use one of " + PROJECT_PERMISSIONS + ".");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = "  ")
    void aMissingPermissionIsRefusedWithTheAllowedValues(String raw) {
        assertThatExceptionOfType(InvalidInput.class)
                .isThrownBy(() -> Permission.parse("permission", raw, Scope.REPOSITORY))
                .withMessage("A permission is required; use one of " + REPOSITORY_PERMISSIONS + ".");
    }

    @Test
    void parseAnyAcceptsBothScopes() {
        assertThat(Permission.parseAny("permissions", "project_read")).isEqualTo(Permission.PROJECT_READ);
        assertThat(Permission.parseAny("permissions", "REPO_WRITE")).isEqualTo(Permission.REPO_WRITE);
    }

    @Test
    void parseAnyRefusesAnUnknownPermissionWithEveryAllowedValue() {
        assertThatExceptionOfType(InvalidInput.class)
                .isThrownBy(() -> Permission.parseAny("permissions", "SUPERUSER"))
                .withMessage("Unknown permission 'SUPERUSER'; use one of [PROJECT_READ, PROJECT_WRITE, "
                        + "PROJECT_ADMIN, REPO_READ, REPO_WRITE, REPO_ADMIN].")
                .satisfies(e -> assertThat(e.context()).isEqualTo("permissions"));
    }
}
