package dev.facet.core.lfs;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facet.core.access.AccessLevel;
import dev.facet.core.error.Unavailable;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import org.junit.jupiter.api.Test;

/** What a mirror's SSH users are told when git-lfs asks it for credentials: the real URL to use instead. */
class LfsSshAuthenticationTest {
    @Test
    void aMirrorNamesThePrimarysGitLfsUrlOfTheRepository() {
        LfsSshAuthentication mirror = LfsSshAuthentication.notServedOnMirror("https://primary.example:8443/");

        assertThatThrownBy(() -> mirror.answer("SHA256:key", null, ProjectKey.of("PRJ"), RepositorySlug.of("repo"),
                AccessLevel.READ)).isInstanceOf(Unavailable.class)
                .hasMessageContaining("git config lfs.url https://primary.example:8443/scm/PRJ/repo.git/info/lfs")
                .hasMessageNotContaining("HOST");
    }
}
