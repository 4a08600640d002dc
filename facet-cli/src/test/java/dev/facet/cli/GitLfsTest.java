package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.facet.core.digest.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git LFS with the real {@code git-lfs} client against a real primary: large files pushed and
 * cloned back byte for byte, a user without access turned away, and a lock one user holds keeping
 * another's push of that file out, whether git-lfs's own pre-push check runs or not.
 */
class GitLfsTest {
    private static final String[] BIG_FILES = {"assets/one.bin", "assets/two.bin", "video.bin"};
    private static final int BIG_FILE_BYTES = 3 * 1024 * 1024;

    @TempDir
    static Path home;
    @TempDir
    Path work;
    static TestPrimary primary;

    @BeforeAll
    static void startPrimary() {
        primary = TestPrimary.start(home.resolve("primary"));
        primary.createProject("LFS");
        primary.createRepository("LFS", "assets", false);
        primary.createUser("alice", "alice-pass-1");
        primary.createUser("bob", "bob-pass-1");
        primary.createUser("reader", "reader-pass-1");
        primary.createUser("stranger", "stranger-pass-1");
        primary.grantProject("LFS", "alice", "PROJECT_WRITE");
        primary.grantProject("LFS", "bob", "PROJECT_WRITE");
        primary.grantProject("LFS", "reader", "PROJECT_READ");
    }

    @AfterAll
    static void stopPrimary() {
        if (primary != null) {
            primary.close();
        }
    }

    /** A git client whose fresh HOME has the LFS filters installed, as `git lfs install` leaves them. */
    private GitClient lfsClient(String name) {
        GitClient git = new GitClient(work.resolve(name + "-home"));
        git.run(work, "lfs", "install", "--skip-repo").requireSuccess();
        return git;
    }

    @Test
    void largeFilesPushedWithGitLfsCloneBackIdenticalAndCountInTheRepositorysUsage() throws IOException {
        GitClient alice = lfsClient("alice");
        Path tree = alice.newWorkTree(work.resolve("alice"), "README.md");
        alice.run(tree, "lfs", "track", "*.bin").requireSuccess();
        Random random = new Random(15);
        long total = 0;
        for (String file : BIG_FILES) {
            byte[] content = new byte[BIG_FILE_BYTES + file.length()];
            random.nextBytes(content);
            Files.createDirectories(tree.resolve(file).getParent());
            Files.write(tree.resolve(file), content);
            total += content.length;
        }
        alice.run(tree, "add", ".gitattributes", "assets", "video.bin").requireSuccess();
        alice.run(tree, "commit", "-q", "-m", "large files").requireSuccess();
        GitClient.Result push = alice.run(tree, "push", primary.gitUrl("alice", "alice-pass-1", "LFS", "assets"),
                "main");
        assertThat(push.exitCode()).as(push.stderr()).isZero();

        GitClient reader = lfsClient("reader");
        Path clone = work.resolve("reader-clone");
        GitClient.Result cloned = reader.run(work, "clone", "-q",
                primary.gitUrl("reader", "reader-pass-1", "LFS", "assets"), clone.toString());
        assertThat(cloned.exitCode()).as(cloned.stderr()).isZero();
        for (String file : BIG_FILES) {
            assertThat(sha256(clone.resolve(file))).as(file).isEqualTo(sha256(tree.resolve(file)));
        }
        // What Git itself stores is the pointer, not the content.
        String pointer = reader.run(clone, "cat-file", "-p", "HEAD:video.bin").requireSuccess().stdout();
        assertThat(pointer).startsWith("version https://git-lfs.github.com/spec/v1")
                .contains("oid sha256:" + sha256(tree.resolve("video.bin")));

        JsonNode repository = TestPrimary.expect(200, primary.admin.get("/rest/api/1.0/projects/LFS/repos/assets")).json();
        assertThat(repository.path("lfs").path("objectCount").asLong()).isEqualTo(BIG_FILES.length);
        assertThat(repository.path("lfs").path("bytes").asLong()).isEqualTo(total);
        try (var objects = Files.walk(primary.home.resolve("data/lfs/objects"))) {
            assertThat(objects.filter(Files::isRegularFile).count()).isEqualTo(BIG_FILES.length);
        }

        GitClient stranger = lfsClient("stranger");
        GitClient.Result refused = stranger.run(work, "clone", "-q",
                primary.gitUrl("stranger", "stranger-pass-1", "LFS", "assets"), work.resolve("stranger").toString());
        assertThat(refused.exitCode()).isNotZero();
        // Nor can they reach an object through the LFS API, whose answer is Git's.
        String batch = RestClient.json("operation", "download", "objects",
                List.of(java.util.Map.of("oid", sha256(tree.resolve("video.bin")), "size", 1)));
        assertThat(primary.anonymous.as("stranger", "stranger-pass-1")
                .post("/scm/LFS/assets.git/info/lfs/objects/batch", batch).status()).isEqualTo(404);
        assertThat(primary.anonymous.post("/scm/LFS/assets.git/info/lfs/objects/batch", batch).status()).isEqualTo(401);
    }

    @Test
    void aFileLockedByOneUserCannotBePushedByAnother() throws IOException {
        primary.createRepository("LFS", "locked", false);
        String aliceUrl = primary.gitUrl("alice", "alice-pass-1", "LFS", "locked");
        String bobUrl = primary.gitUrl("bob", "bob-pass-1", "LFS", "locked");
        GitClient alice = lfsClient("alice-locks");
        Path aliceTree = alice.newWorkTree(work.resolve("alice-locks"), "README.md");
        alice.run(aliceTree, "lfs", "track", "--lockable", "*.psd").requireSuccess();
        Files.write(aliceTree.resolve("cover.psd"), new byte[] {1, 2, 3});
        Files.write(aliceTree.resolve("free.psd"), new byte[] {4, 5, 6});
        alice.run(aliceTree, "add", ".gitattributes", "cover.psd", "free.psd").requireSuccess();
        alice.run(aliceTree, "commit", "-q", "-m", "designs").requireSuccess();
        alice.run(aliceTree, "remote", "add", "origin", aliceUrl).requireSuccess();
        assertThat(alice.run(aliceTree, "push", "-q", "origin", "main").exitCode()).isZero();
        GitClient.Result locked = alice.run(aliceTree, "lfs", "lock", "cover.psd");
        assertThat(locked.exitCode()).as(locked.stderr()).isZero();
        assertThat(alice.run(aliceTree, "lfs", "locks").requireSuccess().stdout()).contains("cover.psd").contains("alice");

        GitClient bob = lfsClient("bob-locks");
        Path bobTree = work.resolve("bob-locks");
        bob.run(work, "clone", "-q", bobUrl, bobTree.toString()).requireSuccess();
        Files.write(bobTree.resolve("cover.psd"), new byte[] {9, 9, 9});
        bob.run(bobTree, "commit", "-q", "-am", "bob edits the locked cover").requireSuccess();

        // git-lfs's own pre-push check asks locks/verify and stops the push.
        GitClient.Result checked = bob.run(bobTree, "push", "origin", "main");
        assertThat(checked.exitCode()).isNotZero();
        assertThat(checked.stderr()).contains("cover.psd");
        // Without that check (--no-verify skips the hook) the server refuses, naming the lock.
        GitClient.Result forced = bob.run(bobTree, "push", "--no-verify", "origin", "main");
        assertThat(forced.exitCode()).isNotZero();
        assertThat(forced.stderr()).contains("'cover.psd' is locked by alice");
        String before = alice.lsRemote(aliceTree, aliceUrl).toString();

        // A file nobody locked goes through; once alice unlocks, so does the cover.
        bob.run(bobTree, "reset", "-q", "--hard", "origin/main").requireSuccess();
        Files.write(bobTree.resolve("free.psd"), new byte[] {7, 7});
        bob.run(bobTree, "commit", "-q", "-am", "bob edits an unlocked file").requireSuccess();
        GitClient.Result free = bob.run(bobTree, "push", "origin", "main");
        assertThat(free.exitCode()).as(free.stderr()).isZero();
        assertThat(alice.lsRemote(aliceTree, aliceUrl).toString()).isNotEqualTo(before);

        GitClient.Result bobUnlocks = bob.run(bobTree, "lfs", "unlock", "cover.psd");
        assertThat(bobUnlocks.exitCode()).isNotZero();
        alice.run(aliceTree, "lfs", "unlock", "cover.psd").requireSuccess();
        Files.write(bobTree.resolve("cover.psd"), new byte[] {8, 8, 8});
        bob.run(bobTree, "commit", "-q", "-am", "bob edits the cover once it is free").requireSuccess();
        GitClient.Result unlocked = bob.run(bobTree, "push", "origin", "main");
        assertThat(unlocked.exitCode()).as(unlocked.stderr()).isZero();
    }

    @Test
    void aPushOverSshThatChangesAFileLockedByAnotherUserIsRefusedToo() throws IOException {
        primary.createRepository("LFS", "ssh-locked", false);
        GitClient git = new GitClient(work.resolve("ssh-home"));
        Path tree = git.newWorkTree(work.resolve("ssh-tree"), "model.bin", "notes.txt");
        git.run(tree, "push", "-q", primary.gitUrl("alice", "alice-pass-1", "LFS", "ssh-locked"), "main")
                .requireSuccess();
        TestPrimary.expect(201, primary.anonymous.as("alice", "alice-pass-1").post(
                "/scm/LFS/ssh-locked.git/info/lfs/locks", RestClient.json("path", "model.bin")));

        SshKeyPair bobKey = SshKeyPair.registered(primary, work.resolve("keys"), "bob", "bob-pass-1", "ed25519");
        int port = primary.instance.sshPort().orElseThrow();
        Path knownHosts = work.resolve("known_hosts");
        Files.writeString(knownHosts, "[localhost]:" + port + " "
                + SshKeyPair.hostKeyOf(primary.home.resolve("keys").resolve("ssh_host_ed25519_key")) + "\n");
        java.util.Map<String, String> asBob = java.util.Map.of("GIT_SSH_COMMAND", bobKey.sshCommand(knownHosts));
        String sshUrl = "ssh://git@localhost:" + port + "/LFS/ssh-locked.git";

        git.commitFile(tree, "model.bin", "bob's model\n");
        GitClient.Result refused = git.run(tree, asBob, "push", sshUrl, "main");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("'model.bin' is locked by alice");

        git.run(tree, "reset", "-q", "--hard", "HEAD~1").requireSuccess();
        git.commitFile(tree, "notes.txt", "bob's notes\n");
        GitClient.Result free = git.run(tree, asBob, "push", sshUrl, "main");
        assertThat(free.exitCode()).as(free.stderr()).isZero();
    }

    @Test
    void aBranchMovedOntoACommitAlreadyHereThatChangesALockedFileIsRefused() throws IOException {
        primary.createRepository("LFS", "moved", false);
        String aliceUrl = primary.gitUrl("alice", "alice-pass-1", "LFS", "moved");
        String bobUrl = primary.gitUrl("bob", "bob-pass-1", "LFS", "moved");
        GitClient git = new GitClient(work.resolve("moved-home"));
        Path tree = git.newWorkTree(work.resolve("moved"), "cover.psd", "notes.txt");
        git.run(tree, "push", "-q", aliceUrl, "main").requireSuccess();
        // A change to the cover waits on a branch, pushed before anyone locked it.
        git.run(tree, "checkout", "-q", "-b", "redesign").requireSuccess();
        git.commitFile(tree, "cover.psd", "the redesigned cover\n");
        git.run(tree, "push", "-q", aliceUrl, "redesign").requireSuccess();
        TestPrimary.expect(201, primary.anonymous.as("alice", "alice-pass-1").post(
                "/scm/LFS/moved.git/info/lfs/locks", RestClient.json("path", "cover.psd")));

        // Bob moves main onto it: no new commit, but main's cover changes.
        GitClient.Result moved = git.run(tree, "push", bobUrl, "redesign:main");
        assertThat(moved.exitCode()).isNotZero();
        assertThat(moved.stderr()).contains("'cover.psd' is locked by alice");
        // A new branch at that commit changes nothing that is here; alice herself may move main.
        assertThat(git.run(tree, "push", bobUrl, "redesign:refs/heads/review").exitCode()).isZero();
        GitClient.Result byOwner = git.run(tree, "push", aliceUrl, "redesign:main");
        assertThat(byOwner.exitCode()).as(byOwner.stderr()).isZero();
    }

    @Test
    void aLockOnADecomposedNameHoldsTheComposedSpellingOfTheSameFile() throws IOException {
        primary.createRepository("LFS", "accents", false);
        String composed = "caf\u00e9.psd";
        String decomposed = "cafe\u0301.psd";
        GitClient git = new GitClient(work.resolve("accents-home"));
        Path tree = git.newWorkTree(work.resolve("accents"), "README.md");
        git.commitFile(tree, composed, "the menu\n");
        git.run(tree, "push", "-q", primary.gitUrl("alice", "alice-pass-1", "LFS", "accents"), "main")
                .requireSuccess();
        RestClient alice = primary.anonymous.as("alice", "alice-pass-1");
        TestPrimary.expect(201, alice.post("/scm/LFS/accents.git/info/lfs/locks", RestClient.json("path", decomposed)));
        // The same name in the other spelling is the same lock.
        assertThat(primary.anonymous.as("bob", "bob-pass-1").post("/scm/LFS/accents.git/info/lfs/locks",
                RestClient.json("path", composed)).status()).isEqualTo(409);

        git.commitFile(tree, composed, "bob's menu\n");
        GitClient.Result refused = git.run(tree, "push", primary.gitUrl("bob", "bob-pass-1", "LFS", "accents"), "main");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("is locked by alice");
    }

    @Test
    void tagsNamingATreeOrABlobPassTheLockCheckAndATreeTagMovedOntoALockedChangeIsRefused() throws IOException {
        primary.createRepository("LFS", "odd-tags", false);
        String aliceUrl = primary.gitUrl("alice", "alice-pass-1", "LFS", "odd-tags");
        String bobUrl = primary.gitUrl("bob", "bob-pass-1", "LFS", "odd-tags");
        GitClient git = new GitClient(work.resolve("odd-tags-home"));
        Path tree = git.newWorkTree(work.resolve("odd-tags"), "cover.psd", "notes.txt");
        git.run(tree, "push", "-q", aliceUrl, "main").requireSuccess();
        TestPrimary.expect(201, primary.anonymous.as("alice", "alice-pass-1").post(
                "/scm/LFS/odd-tags.git/info/lfs/locks", RestClient.json("path", "cover.psd")));

        // Tags may name a tree or a blob; neither changes a file, so a lock held elsewhere does not stop them.
        GitClient.Result treeTag = git.run(tree, "push", bobUrl, "HEAD^{tree}:refs/tags/snapshot");
        assertThat(treeTag.exitCode()).as(treeTag.stderr()).isZero();
        GitClient.Result blobTag = git.run(tree, "push", bobUrl, "HEAD:notes.txt:refs/tags/notes");
        assertThat(blobTag.exitCode()).as(blobTag.stderr()).isZero();

        // Moved from that tree onto a new commit that changes the locked file, the tag is refused like a branch.
        git.commitFile(tree, "cover.psd", "bob's cover\n");
        GitClient.Result moved = git.run(tree, "push", "--force", bobUrl, "HEAD:refs/tags/snapshot");
        assertThat(moved.exitCode()).isNotZero();
        assertThat(moved.stderr()).contains("'cover.psd' is locked by alice");
    }

    static String sha256(Path file) throws IOException {
        return HexFormat.of().formatHex(Sha256.newDigest().digest(Files.readAllBytes(file)));
    }

}
