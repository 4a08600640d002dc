package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.facet.git.KeptRefs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the upstream deletes or rewinds is kept aside on the mirror, out of clients' sight, until its window ends. */
class DelayedDeletionTest {
    private static final String ADMIN = TestPrimary.ADMIN_PASSWORD;

    @TempDir
    Path work;

    private static List<Ref> keptRefs(Path repository) throws IOException {
        try (Repository onDisk = new FileRepositoryBuilder().setGitDir(repository.toFile()).setMustExist(true).build()) {
            return onDisk.getRefDatabase().getRefsByPrefix(KeptRefs.PREFIX);
        }
    }

    @Test
    void deletedAndRewoundRefsAndDeletedRepositoriesAreKeptAsideThenPurged() throws IOException {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            primary.createProject("DEL");
            primary.createRepository("DEL", "kept", false);
            GitClient git = new GitClient(work.resolve("git-home"));
            String url = primary.gitUrl("admin", ADMIN, "DEL", "kept");
            Path source = git.newWorkTree(work.resolve("source"), "a.txt", "b.txt");
            git.run(source, "branch", "doomed").requireSuccess();
            git.run(source, "push", "-q", url, "main", "doomed").requireSuccess();
            String rewoundFrom = git.run(source, "rev-parse", "main").requireSuccess().stdout().strip();
            String doomedAt = git.run(source, "rev-parse", "doomed").requireSuccess().stdout().strip();

            try (TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary,
                    Map.of(RawSettings.KEPT_RETENTION_SECONDS, "3"))) {
                Path onMirror = mirror.home.resolve("data/repositories/1");
                String mirrorUrl = mirror.gitUrl("admin", ADMIN, "DEL", "kept");

                git.run(source, "push", "-q", url, ":doomed").requireSuccess();
                git.run(source, "push", "-q", "--force", url, "main~1:main").requireSuccess();
                await().atMost(Duration.ofSeconds(15)).until(() ->
                        git.lsRemote(work, mirrorUrl).stream().noneMatch(l -> l.endsWith("refs/heads/doomed")));
                mirror.awaitState("SYNCHRONIZED");

                List<Ref> kept = keptRefs(onMirror);
                assertThat(kept).extracting(r -> KeptRefs.originalName(r.getName()) + " " + r.getObjectId().name())
                        .containsExactlyInAnyOrder("refs/heads/doomed " + doomedAt, "refs/heads/main " + rewoundFrom);
                for (String protocol : List.of("0", "2")) {
                    assertThat(git.run(work, "-c", "protocol.version=" + protocol, "ls-remote", mirrorUrl)
                            .requireSuccess().stdout()).doesNotContain("facet-kept");
                }

                await().atMost(Duration.ofSeconds(20)).until(() -> keptRefs(onMirror).isEmpty());

                TestPrimary.expect(202, primary.admin.delete("/rest/api/1.0/projects/DEL/repos/kept"));
                await().atMost(Duration.ofSeconds(15)).until(() -> !Files.exists(onMirror));
                Path keptRepositories = mirror.home.resolve("data/kept-repositories");
                try (Stream<Path> keptAside = Files.list(keptRepositories)) {
                    assertThat(keptAside.map(p -> p.getFileName().toString())).singleElement()
                            .satisfies(name -> assertThat(name).startsWith("1-"));
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    try (Stream<Path> keptAside = Files.list(keptRepositories)) {
                        return keptAside.findAny().isEmpty();
                    }
                });
            }
        }
    }
}
