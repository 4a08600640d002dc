package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader tries every URL form it can think of to push, force-push and delete, with the real
 * {@code git} client, on the primary and through a mirror: nothing lands, because WRITE is decided
 * where the pack is received and only Git's own endpoints are served.
 */
class GitPushAuthorityTest {
    @TempDir
    static Path home;
    @TempDir
    Path work;
    static TestPrimary primary;
    static TestMirror mirror;
    static String readOnlyToken;

    /** Repository URL forms after the base URL: {@code %s} is the repository slug. */
    private static final List<String> URL_FORMS = List.of(
            "/scm/SEC/%s.git/x",
            "/scm/SEC/%s.git/x/y",
            "/scm/SEC/%s.git/info",
            "/scm/SEC/%s",
            "/scm/sec/%s.git",
            "/scm/Sec/%s.git",
            "/scm//SEC/%s.git",
            "/scm/SEC//%s.git",
            "/scm/SEC/%s.git/",
            "/scm/SEC%%2F%s.git",
            "/scm/SEC/%s.git%%2Fx");

    @BeforeAll
    static void startPrimaryAndMirror() {
        primary = TestPrimary.start(home.resolve("primary"));
        primary.createProject("SEC");
        primary.createRepository("SEC", "private", false);
        primary.createRepository("SEC", "open", true);
        primary.createUser("reader", "reader-pass-1");
        primary.createUser("writer", "writer-pass-1");
        primary.createUser("stranger", "stranger-pass-1");
        primary.grantProject("SEC", "reader", "PROJECT_READ");
        primary.grantProject("SEC", "writer", "PROJECT_WRITE");
        readOnlyToken = TestPrimary.expect(201, primary.anonymous.as("writer", "writer-pass-1")
                .put("/rest/access-tokens/1.0/users/writer", RestClient.json("name", "read", "permissions",
                        new String[] {"REPO_READ"}))).json().path("token").asText();
        GitClient seeder = new GitClient(home.resolve("seeder-home"));
        Path seed = seeder.newWorkTree(home.resolve("seed"), "README.md");
        for (String slug : new String[] {"private", "open"}) {
            seeder.run(seed, "push", "-q", primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "SEC", slug), "main")
                    .requireSuccess();
        }
        mirror = TestMirror.startAuthorized(home.resolve("mirror"), primary);
    }

    @AfterAll
    static void stop() {
        mirror.close();
        primary.close();
    }

    /** A base URL with credentials in it, as a user would paste it. */
    private static String withCredentials(String baseUrl, String user, String secret) {
        return baseUrl.replace("://", "://" + user + ":" + secret + "@");
    }

    private List<String> refsOnPrimary(String slug) {
        return new GitClient(work.resolve("admin-home")).lsRemote(work,
                primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "SEC", slug));
    }

    /**
     * Pushes a new branch, force-pushes an unrelated history over main and deletes main through every URL
     * form, sending the credentials with every request as an attacker's client would (Git itself waits for a
     * challenge, which a public repository's reads never send); returns the forms through which any of them
     * succeeded.
     */
    private List<String> formsThatLetAPushThrough(GitClient git, Path unrelated, String base, String user,
                                                  String secret, String slug) {
        String header = "http.extraHeader=Authorization: Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
        return URL_FORMS.stream().filter(form -> {
            String url = base + form.formatted(slug);
            boolean created = git.run(unrelated, "-c", header, "push", url, "HEAD:refs/heads/sneaked-in").exitCode() == 0;
            boolean forced = git.run(unrelated, "-c", header, "push", "--force", url, "HEAD:refs/heads/main")
                    .exitCode() == 0;
            boolean deleted = git.run(unrelated, "-c", header, "push", url, ":refs/heads/main").exitCode() == 0;
            return created || forced || deleted;
        }).toList();
    }

    private void assertNothingLandsThrough(String user, String secret, String slug) {
        List<String> before = refsOnPrimary(slug);

        GitClient git = new GitClient(work.resolve("git-home"));
        Path unrelated = git.newWorkTree(work.resolve("unrelated"), "unrelated.txt");
        List<String> tookAPush = new ArrayList<>();
        formsThatLetAPushThrough(git, unrelated, primary.baseUrl(), user, secret, slug)
                .forEach(form -> tookAPush.add("primary " + form));
        formsThatLetAPushThrough(git, unrelated, mirror.baseUrl(), user, secret, slug)
                .forEach(form -> tookAPush.add("mirror " + form));

        assertThat(tookAPush).as("URL forms that took a push").isEmpty();
        assertThat(refsOnPrimary(slug)).isEqualTo(before);
    }

    @Test
    void aProjectReaderCannotPushForcePushOrDeleteThroughAnyUrlForm() {
        assertNothingLandsThrough("reader", "reader-pass-1", "private");
    }

    @Test
    void aReadOnlyTokenOfAWriterCannotPushForcePushOrDeleteThroughAnyUrlForm() {
        assertNothingLandsThrough("writer", readOnlyToken, "private");
    }

    @Test
    void aUserWithNoGrantsCannotPushToAPublicRepositoryThroughAnyUrlForm() {
        assertNothingLandsThrough("stranger", "stranger-pass-1", "open");
    }

    @Test
    void aWriterPushesThroughTheUrlFormsGitUsersReallyWrite() {
        GitClient git = new GitClient(work.resolve("git-home"));
        Path source = work.resolve("source");
        git.run(work, "clone", "-q", primary.gitUrl("writer", "writer-pass-1", "SEC", "private"), source.toString())
                .requireSuccess();
        git.commitFile(source, "writer.txt", "written\n");
        List<String> forms = List.of("/scm/SEC/private.git", "/scm/sec/private", "/scm/Sec/private.git");
        for (String base : List.of(primary.baseUrl(), mirror.baseUrl())) {
            for (String form : forms) {
                String branch = "refs/heads/w-" + (base.equals(primary.baseUrl()) ? "p" : "m") + forms.indexOf(form);
                git.run(source, "push", "-q", withCredentials(base, "writer", "writer-pass-1") + form, "HEAD:" + branch)
                        .requireSuccess();
                assertThat(refsOnPrimary("private")).anyMatch(line -> line.endsWith(branch));
            }
        }
    }
}
