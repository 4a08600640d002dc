package dev.facet.core.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facet.core.name.Username;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenScopeTest {
    @Test
    void aRepositoryPermissionReachesRepositoriesOnly() {
        TokenScope scope = TokenScope.of(Set.of(Permission.REPO_ADMIN));

        assertThat(scope.onRepository(AccessLevel.ADMIN)).isEqualTo(AccessLevel.ADMIN);
        assertThat(scope.onProject(AccessLevel.ADMIN)).isEqualTo(AccessLevel.NONE);
        assertThat(scope.isToken()).isTrue();
    }

    @Test
    void aProjectPermissionReachesTheProjectAndItsRepositories() {
        TokenScope scope = TokenScope.of(Set.of(Permission.PROJECT_WRITE, Permission.REPO_READ));

        assertThat(scope.onProject(AccessLevel.ADMIN)).isEqualTo(AccessLevel.WRITE);
        assertThat(scope.onRepository(AccessLevel.ADMIN)).isEqualTo(AccessLevel.WRITE);
    }

    @Test
    void aTokenNeverGivesMoreThanItsOwnerHas() {
        assertThat(TokenScope.of(Set.of(Permission.REPO_ADMIN)).onRepository(AccessLevel.READ)).isEqualTo(AccessLevel.READ);
    }

    @Test
    void anAdministratorsTokenIsNotAnAdministratorButKeepsTheRoleForRepositories() {
        Caller token = Caller.user(1, Username.of("admin"), GlobalRole.SYS_ADMIN,
                TokenScope.of(Set.of(Permission.REPO_ADMIN, Permission.PROJECT_ADMIN)));
        Caller password = Caller.user(1, Username.of("admin"), GlobalRole.SYS_ADMIN, TokenScope.PASSWORD);

        assertThat(token.isAdmin()).isFalse();
        assertThat(token.hasAdminRole()).isTrue();
        assertThat(token.actsForWholeAccount()).isFalse();
        assertThat(password.isAdmin()).isTrue();
        assertThat(password.actsForWholeAccount()).isTrue();
    }

    @Test
    void aScopeThatReachesTheWholeAccountReachesEveryLevel() {
        assertThatThrownBy(() -> new TokenScope(AccessLevel.READ, AccessLevel.ADMIN, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenScope(AccessLevel.WRITE, AccessLevel.READ, false))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
