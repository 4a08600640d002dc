package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.facet.mirror.UpstreamUnavailable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Guessing passwords is slow whichever way credentials reach Facet, and never shuts the owner out. */
class PasswordGuessingTest {
    private static final String PROJECTS = "/rest/api/1.0/projects";

    @TempDir
    static Path home;
    @TempDir
    Path work;
    static TestPrimary primary;

    @BeforeAll
    static void startPrimary() {
        primary = TestPrimary.start(home.resolve("primary"));
    }

    @AfterAll
    static void stopPrimary() {
        primary.close();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void guessingOverRestIsAnsweredTooManyRequestsEvenForTheRightPasswordFromTheGuessersAddress() {
        primary.createUser("dave", "dave-secret-1");
        for (int attempt = 1; attempt <= 5; attempt++) {
            assertThat(primary.anonymous.as("dave", "guess-" + attempt).get(PROJECTS).status()).isEqualTo(401);
        }

        RestClient.Response throttled = primary.anonymous.as("dave", "dave-secret-1").get(PROJECTS);

        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.raw().headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 60L));
        assertThat(throttled.firstError()).startsWith("Too many wrong passwords or tokens; try again in");
    }

    @Test
    void theOwnerSignsInFromAnotherAddressWhileSomeoneGuessesTheirPassword() {
        primary.createUser("erin", "erin-secret-1");
        for (int attempt = 1; attempt <= 8; attempt++) {
            RawHttp.statusFrom("127.0.0.66", primary.baseUrl(), PROJECTS, basic("erin", "guess-" + attempt));
        }
        assertThat(RawHttp.statusFrom("127.0.0.66", primary.baseUrl(), PROJECTS, basic("erin", "erin-secret-1")))
                .as("the guesser's own address waits").isEqualTo(429);

        assertThat(RawHttp.statusFrom("127.0.0.7", primary.baseUrl(), PROJECTS, basic("erin", "erin-secret-1")))
                .as("the owner elsewhere gets in").isEqualTo(200);
    }

    @Test
    void guessingOverGitOnThePrimaryIsThrottledLikeRest() {
        primary.createUser("hal", "hal-secret-1");
        primary.createProject("GIT");
        primary.createRepository("GIT", "private", false);
        GitClient git = new GitClient(work.resolve("git-home"));
        for (int attempt = 1; attempt <= 5; attempt++) {
            assertThat(git.run(work, "ls-remote", primary.gitUrl("hal", "guess-" + attempt, "GIT", "private")).stderr())
                    .contains("Authentication failed");
        }

        GitClient.Result rightButTooSoon = git.run(work, "ls-remote", primary.gitUrl("hal", "hal-secret-1", "GIT", "private"));

        assertThat(rightButTooSoon.exitCode()).isNotZero();
        assertThat(rightButTooSoon.stderr()).contains("429");
    }

    @Test
    void anUnknownUserNameTakesAsLongAsAKnownOne() {
        primary.createUser("frank", "frank-secret-1");
        List<Long> known = new ArrayList<>();
        List<Long> unknown = new ArrayList<>();
        for (int attempt = 1; attempt <= 5; attempt++) {
            known.add(timeOfWrongPassword("frank", attempt));
            unknown.add(timeOfWrongPassword("nobody-" + attempt, attempt));
        }

        long knownMedian = known.stream().sorted().toList().get(2);
        long unknownMedian = unknown.stream().sorted().toList().get(2);
        assertThat(unknownMedian).as("unknown %s ns vs known %s ns", unknown, known)
                .isGreaterThanOrEqualTo(knownMedian / 2);
    }

    private long timeOfWrongPassword(String user, int attempt) {
        long start = System.nanoTime();
        int status = RawHttp.statusFrom("127.0.0.9", primary.baseUrl(), PROJECTS, basic(user, "wrong-" + attempt));
        long elapsed = System.nanoTime() - start;
        assertThat(status).isEqualTo(401);
        return elapsed;
    }

    @Test
    void guessingThroughAMirrorIsThrottledByTheClientsAddressNotTheMirrors() {
        primary.createUser("gina", "gina-secret-1");
        primary.createProject("GUESS");
        primary.createRepository("GUESS", "secret", false);
        primary.grantProject("GUESS", "gina", "PROJECT_READ");
        GitClient git = new GitClient(work.resolve("git-home"));
        Path seed = git.newWorkTree(work.resolve("seed"), "a.txt");
        git.run(seed, "push", "-q", primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "GUESS", "secret"), "main")
                .requireSuccess();
        try (TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary)) {
            for (int attempt = 1; attempt <= 5; attempt++) {
                GitClient.Result guess = git.run(work, "ls-remote", mirror.gitUrl("gina", "guess-" + attempt, "GUESS", "secret"));
                assertThat(guess.stderr()).as("guess " + attempt).contains("Authentication failed");
            }

            GitClient.Result rightButTooSoon = git.run(work, "ls-remote",
                    mirror.gitUrl("gina", "gina-secret-1", "GUESS", "secret"));

            assertThat(rightButTooSoon.exitCode()).isNotZero();
            assertThat(rightButTooSoon.stderr()).contains("429");
            assertThat(primary.anonymous.as("gina", "gina-secret-1").get(PROJECTS).status())
                    .as("the mirror's clients are told apart from the primary's own").isEqualTo(200);
        }
    }

    @Test
    void guessesAtAMirrorsPushEndpointDoNotShutOutTheMirrorsOtherPushers() {
        primary.createUser("ivy", "ivy-secret-1");
        primary.createProject("PUSHY");
        primary.createRepository("PUSHY", "repo", false);
        primary.grantProject("PUSHY", "ivy", "PROJECT_WRITE");
        GitClient git = new GitClient(work.resolve("git-home"));
        Path seed = git.newWorkTree(work.resolve("seed"), "a.txt");
        git.run(seed, "push", "-q", primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "PUSHY", "repo"), "main")
                .requireSuccess();
        try (TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary)) {
            String advertisement = "/scm/PUSHY/repo.git/info/refs?service=git-receive-pack";
            List<Integer> guesses = new ArrayList<>();
            for (int attempt = 0; attempt < 22; attempt++) {
                guesses.add(RawHttp.statusFrom("127.0.0.66", mirror.baseUrl(), advertisement,
                        basic("user" + attempt, "guess")));
            }

            int ivy = RawHttp.statusFrom("127.0.0.7", mirror.baseUrl(), advertisement, basic("ivy", "ivy-secret-1"));

            assertThat(guesses).contains(429);
            assertThat(ivy).as("a pusher on another address, after the guesser was held back").isEqualTo(200);
        }
    }

    @Test
    void aServerWhoseMirrorRequestWasNeverAcceptedCannotAskAboutPasswords() {
        ForeignServer requester = ForeignServer.newcomer(primary);
        requester.requestAuthorization("not-yet", "http://127.0.0.1:1");

        UpstreamUnavailable refused = catchThrowableOfType(UpstreamUnavailable.class,
                () -> requester.checkCredentials("admin", TestPrimary.ADMIN_PASSWORD, "10.9.8.7"));

        assertThat(refused).as("the primary's answer to a pending requester").isNotNull();
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.getMessage()).contains("never authorized");
    }
}
