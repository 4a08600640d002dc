package dev.facet.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GitSshCommandTest {

    @Test
    void gitsQuotedFormWithALeadingSlashNamesTheProjectAndTheRepositoryWithoutDotGit() {
        assertThat(GitSshCommand.parse("git-upload-pack '/PRJ/app.git'"))
                .contains(new GitSshCommand("git-upload-pack", "PRJ", "app"));
    }

    @Test
    void theBareFormAndTheFormWithoutSlashOrDotGitNameTheSameRepository() {
        assertThat(GitSshCommand.parse("git-receive-pack PRJ/app"))
                .contains(new GitSshCommand("git-receive-pack", "PRJ", "app"));
        assertThat(GitSshCommand.parse("git-receive-pack 'PRJ/app.git'"))
                .contains(new GitSshCommand("git-receive-pack", "PRJ", "app"));
        assertThat(GitSshCommand.parse("git-upload-archive /PRJ/app.git"))
                .contains(new GitSshCommand("git-upload-archive", "PRJ", "app"));
    }

    @Test
    void theProjectKeyIsKeptAsWrittenForTheAuthorizerToMatchInAnyCase() {
        assertThat(GitSshCommand.parse("git-upload-pack '/prj/App.git'"))
                .contains(new GitSshCommand("git-upload-pack", "prj", "App"));
    }

    @Test
    void namesWithDotsDashesAndUnderscoresAreKept() {
        assertThat(GitSshCommand.parse("git-upload-pack '/MY_PRJ/web-app.v2.git'"))
                .contains(new GitSshCommand("git-upload-pack", "MY_PRJ", "web-app.v2"));
    }

    @Test
    void aPathThatLooksLikeAFileIsOnlyEverAProjectAndARepositoryName() {
        assertThat(GitSshCommand.parse("git-upload-pack '/etc/passwd'"))
                .contains(new GitSshCommand("git-upload-pack", "etc", "passwd"));
    }

    @Test
    void eachCommandSaysWhetherItPushesOrArchives() {
        assertThat(GitSshCommand.parse("git-receive-pack 'P/r.git'").orElseThrow().isPush()).isTrue();
        assertThat(GitSshCommand.parse("git-upload-pack 'P/r.git'").orElseThrow().isPush()).isFalse();
        assertThat(GitSshCommand.parse("git-upload-archive 'P/r.git'").orElseThrow().isArchive()).isTrue();
        assertThat(GitSshCommand.parse("git-upload-pack 'P/r.git'").orElseThrow().isArchive()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "   ", "ls -la", "sh", "bash -c 'id'", "cat /etc/passwd", "scp -t /tmp", "git-shell",
        "git upload-pack 'P/r.git'", "GIT-UPLOAD-PACK 'P/r.git'", "git-upload-pack", "git-upload-pack ''",
        "git-lfs-authenticate 'P/r.git' download", "git-upload-pack 'P/r.git' extra",
        "git-upload-pack 'P/r.git' --upload-pack=touch", "git-upload-pack --help",
        "git-upload-pack 'P/r.git'; rm -rf /", "git-upload-pack 'P/r.git';ls", "git-upload-pack 'P/r.git' && id",
        "git-upload-pack 'P/r.git' | nc host 1", "git-upload-pack 'P/r.git'\nrm -rf /", "git-upload-pack 'P/r.git\nx'",
        "git-upload-pack '$(id)/r.git'", "git-upload-pack '`id`/r.git'", "git-upload-pack \"P/r.git\"",
        "git-upload-pack 'P/r.git", "git-upload-pack P/r.git'", "git-upload-pack 'P'\\''/r.git'",
        "git-upload-pack '../r.git'", "git-upload-pack '/../../etc/passwd'", "git-upload-pack 'P/../r.git'",
        "git-upload-pack 'P/..'", "git-upload-pack 'P/.git'", "git-upload-pack './r.git'",
        "git-upload-pack '/srv/git/P/r.git'", "git-upload-pack 'r.git'",
        "git-upload-pack '~user/r.git'", "git-upload-pack 'P/r.git\u0000'", "git-upload-pack 'P /r.git'"
    })
    void anythingButOneOfGitsCommandsOnOneProjectRepositoryPathIsRefused(String command) {
        assertThat(GitSshCommand.parse(command)).as(command).isEmpty();
    }

    @Test
    void noCommandAtAllIsRefused() {
        assertThat(GitSshCommand.parse(null)).isEqualTo(Optional.empty());
    }
}
