package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.git.ClonePackCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Repeated clones are served from a kept answer, and never from one older than the repository. */
class ClonePackCacheTest {
    @TempDir
    Path work;

    private static long cachedFiles(Path repository) throws IOException {
        Path cache = repository.resolve(ClonePackCache.DIRECTORY);
        if (!Files.exists(cache)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(cache)) {
            return files.filter(f -> f.toString().endsWith(".pack")).count();
        }
    }

    @Test
    void secondCloneIsServedFromTheCacheAndAPushIsNeverHidden() throws IOException {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            primary.createProject("CCH");
            long id = TestPrimary.expect(201, primary.admin.post("/rest/api/1.0/projects/CCH/repos",
                    RestClient.json("name", "cached"))).json().path("id").asLong();
            Path repository = primary.home.resolve("data/repositories/" + id);
            GitClient git = new GitClient(work.resolve("git-home"));
            String url = primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "CCH", "cached");
            Path source = git.newWorkTree(work.resolve("source"), "a.txt", "b.txt", "c.txt");
            git.run(source, "push", "-q", url, "main").requireSuccess();

            for (String protocol : List.of("2", "0")) {
                for (int i = 1; i <= 2; i++) {
                    Path clone = work.resolve("clone-v" + protocol + "-" + i);
                    git.run(work, Map.of(), "-c", "protocol.version=" + protocol, "clone", "-q", "--mirror", url,
                            clone.toString()).requireSuccess();
                    git.run(clone, "fsck", "--strict", "--no-dangling").requireSuccess();
                    assertThat(git.run(clone, "rev-parse", "main").requireSuccess().stdout())
                            .isEqualTo(git.run(source, "rev-parse", "main").requireSuccess().stdout());
                }
            }
            assertThat(cachedFiles(repository)).as("one kept answer per protocol").isEqualTo(2);
            assertThat(primary.anonymous.get("/metrics").body()).contains("facet_git_operations_total{type=\"clone\"} 4.0");

            git.commitFile(source, "d.txt", "after the cache was filled\n");
            git.run(source, "push", "-q", url, "main").requireSuccess();
            Path fresh = work.resolve("fresh");
            git.run(work, "clone", "-q", url, fresh.toString()).requireSuccess();
            assertThat(fresh.resolve("d.txt")).exists();
            assertThat(cachedFiles(repository)).as("answers for the old state are gone").isEqualTo(1);

            Path fetcher = work.resolve("clone-v2-1");
            git.run(fetcher, "fetch", "-q", url, "+refs/heads/*:refs/heads/*").requireSuccess();
            assertThat(git.run(fetcher, "rev-parse", "main").requireSuccess().stdout())
                    .isEqualTo(git.run(source, "rev-parse", "main").requireSuccess().stdout());
        }
    }
}
