package dev.facet.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.core.access.AccessLevel;
import org.junit.jupiter.api.Test;

class LfsAuthenticateCommandTest {
    @Test
    void gitLfssFormNamesTheRepositoryAndTheLevelTheOperationNeeds() {
        assertThat(LfsAuthenticateCommand.parse("git-lfs-authenticate /PRJ/app.git download"))
                .contains(new LfsAuthenticateCommand("PRJ", "app", AccessLevel.READ));
        assertThat(LfsAuthenticateCommand.parse("git-lfs-authenticate 'PRJ/app' upload"))
                .contains(new LfsAuthenticateCommand("PRJ", "app", AccessLevel.WRITE));
    }

    @Test
    void anythingElseIsNotThisCommand() {
        for (String command : new String[] {"git-lfs-authenticate /PRJ/app.git", "git-lfs-authenticate /PRJ/app.git "
                + "delete", "git-lfs-authenticate /PRJ/app.git download; ls", "git-lfs-authenticate '/PRJ/../x' upload",
                "git-lfs-transfer /PRJ/app.git upload", "git-upload-pack '/PRJ/app.git'", ""}) {
            assertThat(LfsAuthenticateCommand.parse(command)).as(command).isEmpty();
        }
    }
}
