package dev.facet.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArchiveRequestTest {

    @Test
    void aTreeIshAloneIsATarOfEverything() {
        assertThat(ArchiveRequest.parse(List.of("HEAD"))).isEqualTo(new ArchiveRequest("tar", "", "HEAD", List.of()));
    }

    @Test
    void formatPrefixTreeIshAndPathsAreReadAsGitsClientSendsThem() {
        assertThat(ArchiveRequest.parse(List.of("--format=zip", "--prefix=app/", "v1", "docs", "src/main")))
                .isEqualTo(new ArchiveRequest("zip", "app/", "v1", List.of("docs", "src/main")));
        assertThat(ArchiveRequest.parse(List.of("--format", "tar.gz", "--prefix", "x/", "main:docs")))
                .isEqualTo(new ArchiveRequest("tar.gz", "x/", "main:docs", List.of()));
    }

    @Test
    void theLastFormatWinsAsWhenTheClientPutsOneInferredFromTheOutputFileFirst() {
        assertThat(ArchiveRequest.parse(List.of("--format=zip", "--format=tgz", "HEAD")).format()).isEqualTo("tgz");
    }

    @Test
    void afterADoubleDashEverythingIsATreeIshOrAPath() {
        assertThat(ArchiveRequest.parse(List.of("--", "HEAD", "--weird-name")))
                .isEqualTo(new ArchiveRequest("tar", "", "HEAD", List.of("--weird-name")));
    }

    @Test
    void optionsGitWouldNotSendOrFacetDoesNotServeAreRefusedByName() {
        for (String option : List.of("--remote=ssh://elsewhere/x.git", "--exec=/bin/sh", "--output=/tmp/x",
                "--add-file=/etc/passwd", "--add-virtual-file=a:b", "--worktree-attributes", "-9", "-v", "--list",
                "--mtime=0")) {
            assertThatThrownBy(() -> ArchiveRequest.parse(List.of(option, "HEAD")))
                    .as(option).isInstanceOf(ArchiveRequest.Refused.class).hasMessageContaining("'" + option + "'");
        }
    }

    @Test
    void anUnknownFormatAMissingTreeIshAndTooManyArgumentsAreRefused() {
        assertThatThrownBy(() -> ArchiveRequest.parse(List.of("--format=tar.xz", "HEAD")))
                .isInstanceOf(ArchiveRequest.Refused.class).hasMessageContaining("unknown archive format 'tar.xz'");
        assertThatThrownBy(() -> ArchiveRequest.parse(List.of("--format=zip")))
                .isInstanceOf(ArchiveRequest.Refused.class).hasMessageContaining("tree-ish");
        assertThatThrownBy(() -> ArchiveRequest.parse(List.of("")))
                .isInstanceOf(ArchiveRequest.Refused.class).hasMessageContaining("tree-ish");
        assertThatThrownBy(() -> ArchiveRequest.parse(Collections.nCopies(65, "HEAD")))
                .isInstanceOf(ArchiveRequest.Refused.class).hasMessageContaining("too many");
    }

    @Test
    void controlCharactersInAnArgumentAreRefused() {
        assertThatThrownBy(() -> ArchiveRequest.parse(List.of("HEAD", "a\u0000b")))
                .isInstanceOf(ArchiveRequest.Refused.class);
        assertThatThrownBy(() -> ArchiveRequest.parse(List.of("--prefix=a\nb", "HEAD")))
                .isInstanceOf(ArchiveRequest.Refused.class);
    }
}
