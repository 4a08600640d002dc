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

    @Test
    void clonesThatDifferOnlyInTheirAgentShareOneKeptAnswer() throws IOException {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            Fixture fixture = Fixture.create(primary, work, "AGT", "agents");
            for (int i = 1; i <= 20; i++) {
                Path clone = work.resolve("clone-" + i);
                fixture.git.run(work, Map.of("GIT_USER_AGENT", "git/2.99-attacker-" + i), "clone", "-q", "--mirror",
                        fixture.url, clone.toString()).requireSuccess();
                fixture.assertSameAsSource(clone);
            }
            assertThat(cachedFiles(fixture.repository)).as("kept answers after 20 agents").isEqualTo(1);
        }
    }

    @Test
    void keptAnswersStayWithinTheirLimitsAndClonesStayCorrect() throws IOException {
        Path home = work.resolve("primary");
        Fixture one;
        Fixture two;
        try (TestPrimary primary = TestPrimary.start(home, null,
                Map.of("FACET_GIT_CLONE_CACHE_MAX_FILES_PER_REPOSITORY", "1"))) {
            one = Fixture.create(primary, work, "LIM", "one");
            two = Fixture.create(primary, work, "LIM", "two");
            for (String protocol : List.of("2", "0")) {
                Path clone = work.resolve("one-v" + protocol);
                cloneWith(one, primary, "one", protocol, clone);
            }
            assertThat(cachedFiles(one.repository)).as("answers kept for one repository").isEqualTo(1);
            cloneWith(two, primary, "two", "0", work.resolve("two-v0"));
            assertThat(cachedFiles(two.repository)).isEqualTo(1);
        }
        long onePack = cachedBytes(one.repository);
        long twoPack = cachedBytes(two.repository);

        try (TestPrimary primary = TestPrimary.start(home, null,
                Map.of("FACET_GIT_CLONE_CACHE_MAX_BYTES", Long.toString(Math.max(onePack, twoPack))))) {
            assertThat(cachedFiles(one.repository) + cachedFiles(two.repository))
                    .as("answers kept from the last run, trimmed to the total at start-up").isEqualTo(1);
            cloneWith(one, primary, "one", "2", work.resolve("one-again"));
            cloneWith(two, primary, "two", "2", work.resolve("two-again"));
            assertThat(cachedFiles(one.repository) + cachedFiles(two.repository)).as("answers kept in all").isEqualTo(1);
            assertThat(cachedFiles(two.repository)).as("the answer used last is the one kept").isEqualTo(1);
        }

        try (TestPrimary primary = TestPrimary.start(home, null,
                Map.of("FACET_GIT_CLONE_CACHE_MAX_BYTES_PER_REPOSITORY", "1"))) {
            assertThat(cachedFiles(two.repository)).isZero();
            cloneWith(one, primary, "one", "2", work.resolve("one-uncached"));
            assertThat(cachedFiles(one.repository)).as("an answer larger than the limit is not kept").isZero();
        }
    }

    private static void cloneWith(Fixture fixture, TestPrimary primary, String slug, String protocol, Path clone) {
        String url = primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "LIM", slug);
        fixture.git.run(clone.getParent(), Map.of(), "-c", "protocol.version=" + protocol, "clone", "-q", "--mirror",
                url, clone.toString()).requireSuccess();
        fixture.assertSameAsSource(clone);
    }

    private static long cachedBytes(Path repository) throws IOException {
        try (Stream<Path> files = Files.walk(repository.resolve(ClonePackCache.DIRECTORY))) {
            long total = 0;
            for (Path file : files.filter(f -> f.toString().endsWith(".pack")).toList()) {
                total += Files.size(file);
            }
            return total;
        }
    }

    /** A repository with three commits pushed to a primary, and a way to check that a clone holds them. */
    private record Fixture(GitClient git, Path source, String url, Path repository) {
        static Fixture create(TestPrimary primary, Path work, String project, String slug) {
            if (primary.admin.get("/rest/api/1.0/projects/" + project).status() == 404) {
                primary.createProject(project);
            }
            long id = TestPrimary.expect(201, primary.admin.post("/rest/api/1.0/projects/" + project + "/repos",
                    RestClient.json("name", slug))).json().path("id").asLong();
            GitClient git = new GitClient(work.resolve("git-home"));
            String url = primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, project, slug);
            Path source = git.newWorkTree(work.resolve("source-" + slug), "a.txt", "b.txt", "c.txt");
            git.run(source, "push", "-q", url, "main").requireSuccess();
            return new Fixture(git, source, url, primary.home.resolve("data/repositories/" + id));
        }

        void assertSameAsSource(Path clone) {
            git.run(clone, "fsck", "--strict", "--no-dangling").requireSuccess();
            assertThat(git.run(clone, "rev-parse", "main").requireSuccess().stdout())
                    .isEqualTo(git.run(source, "rev-parse", "main").requireSuccess().stdout());
        }
    }
}
