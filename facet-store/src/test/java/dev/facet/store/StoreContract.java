package dev.facet.store;

import java.util.Map;
import dev.facet.core.lfs.LfsLock;
import dev.facet.core.lfs.LfsOid;
import dev.facet.core.lfs.LfsPointer;
import dev.facet.core.lfs.LfsUsage;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.facet.core.access.GlobalRole;
import dev.facet.core.access.Permission;
import dev.facet.core.digest.Sha256;
import dev.facet.core.error.AlreadyExists;
import dev.facet.core.error.NotFound;
import dev.facet.core.event.Event;
import dev.facet.core.event.EventChain;
import dev.facet.core.event.EventType;
import dev.facet.core.mirror.FarmNode;
import dev.facet.core.mirror.MirrorRequest;
import dev.facet.core.mirror.MirrorServer;
import dev.facet.core.mirror.MirrorType;
import dev.facet.core.mirror.ProjectDigest;
import dev.facet.core.mirror.StateDigest;
import dev.facet.core.mirror.RequestState;
import dev.facet.core.mirror.protocol.FarmNodeDescription;
import dev.facet.core.name.GroupName;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositoryName;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.name.Username;
import dev.facet.core.store.AccessToken;
import dev.facet.core.store.Project;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.RepositoryStates;
import dev.facet.core.store.Store;
import dev.facet.core.store.StoreTransaction;
import dev.facet.core.store.Grant;
import dev.facet.core.store.Group;
import dev.facet.core.store.User;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Store} must do, whichever database it runs on. Each subclass opens a store on
 * a fresh, empty database for every test; the contract closes it afterwards.
 */
abstract class StoreContract {
    private static final Instant T0 = Instant.parse("2024-05-01T10:15:30.123Z");

    private Store store;

    /** A store on a new, empty database that no other test sees. */
    protected abstract Store openStore() throws Exception;

    @BeforeEach
    void openFreshStore() throws Exception {
        store = openStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    // --- repository states (reconciliation by digests)

    @Test
    void storedStatesSumPerProjectAndOverASelectionPastSixtyFourBitsAndPageByKey() {
        Project one = inTransaction(tx -> tx.projects().create(ProjectKey.of("ONE"), "One", null, false));
        Project two = inTransaction(tx -> tx.projects().create(ProjectKey.of("TWO"), "Two", null, false));
        List<Long> ids = new ArrayList<>();
        StateDigest expectedOne = StateDigest.ZERO;
        StateDigest big = new StateDigest(Long.MAX_VALUE, Long.MIN_VALUE);
        for (int i = 0; i < 3; i++) {
            RepositoryRecord repository = inTransaction(tx -> tx.repositories().create(one,
                    new RepositoryName("r" + ids.size()), false));
            ids.add(repository.id());
            inTransaction(tx -> {
                tx.repositoryStates().save(repository.id(), one.id(), "a".repeat(64), big);
                return null;
            });
            expectedOne = expectedOne.plus(big);
        }
        RepositoryRecord other = inTransaction(tx -> tx.repositories().create(two, new RepositoryName("other"), true));
        StateDigest otherDigest = new StateDigest(5, 7);
        inTransaction(tx -> {
            tx.repositoryStates().save(other.id(), two.id(), null, new StateDigest(1, 1));
            tx.repositoryStates().save(other.id(), two.id(), null, otherDigest);
            return null;
        });

        StateDigest sumOfOne = expectedOne;
        RepositoryStates.Total all = inTransaction(tx -> tx.repositoryStates().total(null));
        assertThat(all).isEqualTo(new RepositoryStates.Total(sumOfOne.plus(otherDigest), 4, 2));
        RepositoryStates.Total selected = inTransaction(tx -> tx.repositoryStates().total(Set.of(one.id())));
        assertThat(selected).isEqualTo(new RepositoryStates.Total(sumOfOne, 3, 1));
        RepositoryStates.Total none = inTransaction(tx -> tx.repositoryStates().total(Set.of()));
        assertThat(none).isEqualTo(new RepositoryStates.Total(StateDigest.ZERO, 0, 0));
        List<ProjectDigest> digests = inTransaction(tx -> tx.repositoryStates().projectDigests());
        assertThat(digests).containsExactly(
                new ProjectDigest("ONE", one.id(), sumOfOne, 3), new ProjectDigest("TWO", two.id(), otherDigest, 1));

        List<RepositoryStates.Row> firstPage = inTransaction(tx -> tx.repositoryStates().inProject(one.id(), 0, 2));
        assertThat(firstPage).extracting(row -> row.repository().id()).containsExactly(ids.get(0), ids.get(1));
        List<RepositoryStates.Row> secondPage = inTransaction(tx -> tx.repositoryStates().inProject(one.id(), ids.get(1), 2));
        assertThat(secondPage).extracting(row -> row.repository().id()).containsExactly(ids.get(2));
        List<RepositoryStates.Row> publicOne = inTransaction(tx -> tx.repositoryStates().inProject(two.id(), 0, 10));
        assertThat(publicOne.get(0).readableByAll()).isTrue();
        List<RepositoryStates.Stored> afterThird = inTransaction(tx -> tx.repositoryStates().after(ids.get(2), 10));
        assertThat(afterThird).extracting(RepositoryStates.Stored::repositoryId).containsExactly(other.id());
        List<Long> missing = inTransaction(tx -> tx.repositoryStates().missing(10));
        assertThat(missing).isEmpty();

        inTransaction(tx -> {
            tx.repositories().delete(ids.get(0));
            return null;
        });
        Optional<RepositoryStates.Stored> deleted = inTransaction(tx -> tx.repositoryStates().find(ids.get(0)));
        assertThat(deleted).as("gone with its repository").isEmpty();
        RepositoryRecord without = inTransaction(tx -> tx.repositories().create(two, new RepositoryName("new"), false));
        List<Long> missingNow = inTransaction(tx -> tx.repositoryStates().missing(10));
        assertThat(missingNow).containsExactly(without.id());
    }

    // --- projects

    @Test
    void createdProjectIsFoundByItsKeyInAnyCase() {
        Project created = inTransaction(tx -> tx.projects().create(ProjectKey.of("PROJ"), "Project One",
                "The first one", true));

        assertThat(created.key()).isEqualTo(new ProjectKey("PROJ"));
        assertThat(created.name()).isEqualTo("Project One");
        assertThat(created.description()).isEqualTo("The first one");
        assertThat(created.isPublic()).isTrue();
        assertThat(findProject(ProjectKey.of("proj"))).contains(created);
    }

    @Test
    void projectWithoutDescriptionKeepsItMissing() {
        Project created = inTransaction(tx -> tx.projects().create(ProjectKey.of("PROJ"), "Project", null, false));

        assertThat(findProject(created.key())).contains(created);
        assertThat(created.description()).isNull();
    }

    @Test
    void aProjectsNameDescriptionAndVisibilityChangeButNotToAnotherProjectsName() {
        Project project = inTransaction(tx -> tx.projects().create(ProjectKey.of("PROJ"), "Old", "old words", false));
        newProject("TAKEN");

        Project changed = inTransaction(tx -> tx.projects().update(project.id(), "New", null, true));

        assertThat(changed).isEqualTo(new Project(project.id(), project.key(), "New", null, true));
        assertThat(findProject(project.key())).contains(changed);
        assertThatExceptionOfType(AlreadyExists.class)
                .isThrownBy(() -> inTransaction(tx -> tx.projects().update(project.id(), "project taken", null, true)));
        assertThat(inTransaction(tx -> tx.projects().update(project.id(), "new", "same name, other case", true)).name())
                .isEqualTo("new");
    }

    @Test
    void findingAnUnknownProjectFindsNothing() {
        newProject("PROJ");

        assertThat(findProject(ProjectKey.of("OTHER"))).isEmpty();
    }

    @Test
    void projectsAreListedByKeyAPageAtATime() {
        for (String key : List.of("CHARLIE", "ALPHA", "ECHO", "BRAVO", "DELTA")) {
            newProject(key);
        }

        assertThat(projectKeys(0, 100)).containsExactly("ALPHA", "BRAVO", "CHARLIE", "DELTA", "ECHO");
        assertThat(projectKeys(0, 2)).containsExactly("ALPHA", "BRAVO");
        assertThat(projectKeys(2, 2)).containsExactly("CHARLIE", "DELTA");
        assertThat(projectKeys(4, 2)).containsExactly("ECHO");
        assertThat(projectKeys(5, 2)).isEmpty();
    }

    @Test
    void aTakenProjectKeyIsRefused() {
        Project first = inTransaction(tx -> tx.projects().create(ProjectKey.of("PROJ"), "First", "", false));

        assertThatExceptionOfType(AlreadyExists.class)
                .isThrownBy(() -> inTransaction(tx -> tx.projects().create(ProjectKey.of("proj"), "Second", "", false)))
                .withMessageContaining("PROJ")
                .satisfies(e -> assertThat(e.context()).isEqualTo("key"));
        assertThat(projects(0, 10)).containsExactly(first);
    }

    @Test
    void aTakenProjectNameIsRefusedWhateverItsCase() {
        newProject("ONE", "Shared Name");

        assertThatExceptionOfType(AlreadyExists.class)
                .isThrownBy(() -> newProject("TWO", "Shared Name"))
                .withMessageContaining("Shared Name")
                .satisfies(e -> assertThat(e.context()).isEqualTo("name"));
        assertThatExceptionOfType(AlreadyExists.class)
                .isThrownBy(() -> newProject("THREE", "SHARED NAME"));
        assertThat(projectKeys(0, 10)).containsExactly("ONE");
    }

    @Test
    void aDeletedProjectIsGoneAndItsKeyFreeAgain() {
        Project doomed = newProject("PROJ");
        Project kept = newProject("KEPT");

        useTransaction(tx -> tx.projects().delete(doomed.id()));

        assertThat(findProject(doomed.key())).isEmpty();
        assertThat(projects(0, 10)).containsExactly(kept);
        assertThat(newProject("PROJ").id()).isNotEqualTo(doomed.id());
    }

    // --- repositories

    @Test
    void createdRepositoryIsFoundBySlugAndById() {
        Project project = newProject("PROJ");

        RepositoryRecord created = inTransaction(tx ->
                tx.repositories().create(project, new RepositoryName("My Repo"), true));

        assertThat(created).isEqualTo(new RepositoryRecord(created.id(), project.id(), project.key(),
                new RepositorySlug("my-repo"), new RepositoryName("My Repo"), true));
        assertThat(findRepository(ProjectKey.of("proj"), RepositorySlug.of("MY-REPO")))
                .contains(created);
        assertThat(repositoryById(created.id())).contains(created);
    }

    @Test
    void findingAnUnknownRepositoryFindsNothing() {
        Project project = newProject("PROJ");
        newProject("OTHER");
        RepositoryRecord repository = newRepository(project, "facet");

        assertThat(findRepository(project.key(), new RepositorySlug("nope"))).isEmpty();
        assertThat(findRepository(ProjectKey.of("OTHER"), repository.slug())).isEmpty();
        assertThat(findRepository(ProjectKey.of("MISSING"), repository.slug())).isEmpty();
        assertThat(repositoryById(repository.id() + 1000)).isEmpty();
    }

    @Test
    void aProjectsRepositoriesAreListedBySlugAPageAtATime() {
        Project project = newProject("PROJ");
        Project other = newProject("OTHER");
        newRepository(project, "charlie");
        newRepository(project, "Alpha");
        newRepository(other, "aardvark");
        newRepository(project, "bravo");

        assertThat(slugsInProject(project, 0, 10)).containsExactly("alpha", "bravo", "charlie");
        assertThat(slugsInProject(project, 0, 2)).containsExactly("alpha", "bravo");
        assertThat(slugsInProject(project, 1, 1)).containsExactly("bravo");
        assertThat(slugsInProject(project, 2, 5)).containsExactly("charlie");
        assertThat(slugsInProject(project, 3, 5)).isEmpty();
        assertThat(slugsInProject(other, 0, 10)).containsExactly("aardvark");
    }

    @Test
    void allRepositoriesAreListedByIdAcrossProjectsAndCounted() {
        Project one = newProject("ONE");
        Project two = newProject("TWO");
        RepositoryRecord first = newRepository(two, "zulu");
        RepositoryRecord second = newRepository(one, "alpha");
        RepositoryRecord third = newRepository(two, "mike");
        RepositoryRecord fourth = newRepository(one, "bravo");

        assertThat(allRepositories(0, 10)).containsExactly(first, second, third, fourth);
        assertThat(allRepositories(1, 2)).containsExactly(second, third);
        assertThat(allRepositories(4, 2)).isEmpty();
        assertThat(repositoryCount()).isEqualTo(4);
    }

    @Test
    void aTakenSlugIsRefusedInTheSameProjectButFreeInAnother() {
        Project project = newProject("PROJ");
        Project other = newProject("OTHER");
        newRepository(project, "My Repo");

        assertThatExceptionOfType(AlreadyExists.class)
                .isThrownBy(() -> newRepository(project, "my-repo"))
                .withMessageContaining("my-repo");
        assertThat(newRepository(other, "my-repo").slug()).isEqualTo(new RepositorySlug("my-repo"));
        assertThat(repositoryCount()).isEqualTo(2);
    }

    @Test
    void renamingARepositoryMovesItsSlugWithItsName() {
        Project project = newProject("PROJ");
        RepositoryRecord original = newRepository(project, "Old Name");

        RepositoryRecord renamed = inTransaction(tx ->
                tx.repositories().rename(original.id(), new RepositoryName("New Name")));

        assertThat(renamed).isEqualTo(new RepositoryRecord(original.id(), project.id(), project.key(),
                new RepositorySlug("new-name"), new RepositoryName("New Name"), original.isPublic()));
        assertThat(findRepository(project.key(), new RepositorySlug("old-name"))).isEmpty();
        assertThat(findRepository(project.key(), new RepositorySlug("new-name")))
                .contains(renamed);
    }

    @Test
    void renamingOnlyTheCaseOfARepositoryKeepsItsSlug() {
        RepositoryRecord original = newRepository(newProject("PROJ"), "docs");

        RepositoryRecord renamed = inTransaction(tx ->
                tx.repositories().rename(original.id(), new RepositoryName("Docs")));

        assertThat(renamed.slug()).isEqualTo(original.slug());
        assertThat(renamed.name()).isEqualTo(new RepositoryName("Docs"));
    }

    @Test
    void renamingOntoATakenSlugIsRefusedAndChangesNothing() {
        Project project = newProject("PROJ");
        newRepository(project, "one");
        RepositoryRecord two = newRepository(project, "two");

        assertThatExceptionOfType(AlreadyExists.class)
                .isThrownBy(() -> inTransaction(tx -> tx.repositories().rename(two.id(), new RepositoryName("One"))))
                .withMessageContaining("one");
        assertThat(repositoryById(two.id())).contains(two);
    }

    @Test
    void aRepositoryIsMadePublicAndPrivateAgain() {
        RepositoryRecord repository = newRepository(newProject("PROJ"), "facet");
        assertThat(repository.isPublic()).isFalse();

        assertThat(inTransaction(tx -> tx.repositories().setPublic(repository.id(), true)).isPublic()).isTrue();
        assertThat(repositoryById(repository.id()).orElseThrow().isPublic()).isTrue();
        assertThat(inTransaction(tx -> tx.repositories().setPublic(repository.id(), false)).isPublic()).isFalse();
        assertThat(repositoryById(repository.id()).orElseThrow().isPublic()).isFalse();
    }

    @Test
    void aRepositoryStartsWithoutDescriptionAndForkableAndKeepsWhatItIsGiven() {
        RepositoryRecord repository = newRepository(newProject("PROJ"), "facet");
        assertThat(repository.description()).isNull();
        assertThat(repository.forkable()).isTrue();

        RepositoryRecord described = inTransaction(tx -> tx.repositories().describe(repository.id(), "what it is", false));

        assertThat(described.description()).isEqualTo("what it is");
        assertThat(described.forkable()).isFalse();
        assertThat(repositoryById(repository.id())).contains(described);
        assertThat(inTransaction(tx -> tx.repositories().describe(repository.id(), null, true)).description()).isNull();
    }

    @Test
    void changingAMissingRepositoryIsNotFound() {
        assertThatExceptionOfType(NotFound.class)
                .isThrownBy(() -> inTransaction(tx -> tx.repositories().rename(42, new RepositoryName("x"))));
        assertThatExceptionOfType(NotFound.class)
                .isThrownBy(() -> inTransaction(tx -> tx.repositories().setPublic(42, true)));
    }

    @Test
    void aDeletedRepositoryIsGoneAndItsSlugFreeAgain() {
        Project project = newProject("PROJ");
        RepositoryRecord doomed = newRepository(project, "facet");
        RepositoryRecord kept = newRepository(project, "kept");

        useTransaction(tx -> tx.repositories().delete(doomed.id()));

        assertThat(repositoryById(doomed.id())).isEmpty();
        assertThat(findRepository(project.key(), doomed.slug())).isEmpty();
        assertThat(allRepositories(0, 10)).containsExactly(kept);
        assertThat(repositoryCount()).isEqualTo(1);
        assertThat(newRepository(project, "facet").id()).isNotEqualTo(doomed.id());
    }

    // --- users

    @Test
    void createdUserIsFoundByNameInAnyCaseAndById() {
        User created = inTransaction(tx -> tx.users().create(Username.of("Alice"), "Alice Liddell",
                "alice@example.com", GlobalRole.ADMIN, "$argon2id$v=19$fake"));

        assertThat(created.name()).isEqualTo(new Username("alice"));
        assertThat(findUser(Username.of("ALICE"))).contains(created);
        assertThat(userById(created.id())).contains(created);
        assertThat(userCount()).isEqualTo(1);
    }

    @Test
    void findingAnUnknownUserFindsNothing() {
        User alice = newUser("alice");

        assertThat(findUser(Username.of("bob"))).isEmpty();
        assertThat(userById(alice.id() + 1000)).isEmpty();
    }

    @Test
    void aTakenUserNameIsRefusedWhateverItsCase() {
        newUser("alice");

        assertThatExceptionOfType(AlreadyExists.class)
                .isThrownBy(() -> newUser("ALICE"))
                .withMessageContaining("alice")
                .satisfies(e -> assertThat(e.context()).isEqualTo("name"));
        assertThat(userCount()).isEqualTo(1);
    }

    @Test
    void aDisabledUserIsStillFoundAndShowsAsDisabled() {
        User alice = newUser("alice");
        assertThat(alice.active()).isTrue();

        inTransaction(tx -> {
            tx.users().setActive(alice.id(), false);
            return null;
        });

        assertThat(userById(alice.id()).orElseThrow().active()).isFalse();
        assertThat(findUser(alice.name()).orElseThrow().active()).isFalse();
    }

    @Test
    void aNewPasswordHashReplacesTheOld() {
        User alice = newUser("alice");

        inTransaction(tx -> {
            tx.users().setPasswordHash(alice.id(), "$argon2id$v=19$other");
            return null;
        });

        assertThat(userById(alice.id()).orElseThrow().passwordHash()).isEqualTo("$argon2id$v=19$other");
    }

    @Test
    void deletingAUserTakesTheirTokensWithThem() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        newToken("tok1", alice, "laptop");
        newToken("tok2", bob, "laptop");

        inTransaction(tx -> {
            tx.users().delete(alice.id());
            return null;
        });

        assertThat(userById(alice.id())).isEmpty();
        assertThat(tokenBySecretHash(Sha256.hex("tok1"))).isEmpty();
        assertThat(tokenBySecretHash(Sha256.hex("tok2"))).isPresent();
        List<User> remaining = inTransaction(tx -> tx.users().list(0, 10));
        assertThat(remaining).extracting(User::name).containsExactly(bob.name());
    }

    // --- service users behind project and repository tokens

    @Test
    void aServiceUserIsReachedThroughItsTokenOnlyNeverByName() {
        newUser("alice");
        Project project = newProject("PRJ");
        User service = inTransaction(tx -> tx.serviceUsers().createForProject(project.id(), Username.of("token-1"), "ci"));
        AccessToken token = inTransaction(tx -> tx.accessTokens().create("t1", service.id(), "ci",
                Set.of(Permission.PROJECT_READ), Sha256.hex("s1"), T0, null));

        Optional<User> byName = inTransaction(tx -> tx.users().find(Username.of("token-1")));
        List<User> listed = inTransaction(tx -> tx.users().list(0, 10));
        long counted = inTransaction(tx -> tx.users().count());
        Optional<User> byId = inTransaction(tx -> tx.users().findById(service.id()));
        assertThat(byName).isEmpty();
        assertThat(listed).extracting(User::name).containsExactly(Username.of("alice"));
        assertThat(counted).isEqualTo(1);
        assertThat(byId).isPresent();
        assertThat(tokenBySecretHash(Sha256.hex("s1"))).contains(token);
        assertThatExceptionOfType(AlreadyExists.class).isThrownBy(() -> newUser("token-1"));
    }

    @Test
    void projectAndRepositoryTokensAreListedByWhatTheyBelongToAndDieWithIt() {
        Project project = newProject("PRJ");
        RepositoryRecord repository = newRepository(project, "repo");
        User onProject = inTransaction(tx -> tx.serviceUsers().createForProject(project.id(), Username.of("token-p"), "p"));
        User onRepository = inTransaction(tx -> tx.serviceUsers().createForRepository(repository.id(),
                Username.of("token-r"), "r"));
        useTransaction(tx -> {
            tx.accessTokens().create("p", onProject.id(), "p", Set.of(Permission.PROJECT_READ), Sha256.hex("p"), T0, null);
            tx.accessTokens().create("r", onRepository.id(), "r", Set.of(Permission.REPO_READ), Sha256.hex("r"), T0, null);
            tx.grants().grantOnProject(project.id(), onProject.id(), Permission.PROJECT_READ);
            tx.grants().grantOnRepository(repository.id(), onRepository.id(), Permission.REPO_READ);
        });
        List<AccessToken> ofProject = inTransaction(tx -> tx.serviceUsers().tokensOfProject(project.id()));
        List<AccessToken> ofRepository = inTransaction(tx -> tx.serviceUsers().tokensOfRepository(repository.id()));
        assertThat(ofProject).extracting(AccessToken::id).containsExactly("p");
        assertThat(ofRepository).extracting(AccessToken::id).containsExactly("r");

        useTransaction(tx -> tx.repositories().delete(repository.id()));
        assertThat(tokenBySecretHash(Sha256.hex("r"))).isEmpty();
        assertThat(userById(onRepository.id())).isEmpty();
        assertThat(tokenBySecretHash(Sha256.hex("p"))).isPresent();

        useTransaction(tx -> tx.projects().delete(project.id()));
        assertThat(tokenBySecretHash(Sha256.hex("p"))).isEmpty();
        assertThat(userById(onProject.id())).isEmpty();
    }

    // --- access tokens

    @Test
    void aTokenKeepsItsExpiryAndWhenItWasLastUsed() {
        User alice = newUser("alice");
        Instant expiry = T0.plusSeconds(86_400);
        inTransaction(tx -> tx.accessTokens().create("tok1", alice.id(), "ci", Set.of(Permission.REPO_READ),
                Sha256.hex("tok1"), T0, expiry));
        assertThat(tokenBySecretHash(Sha256.hex("tok1")).orElseThrow().lastUsedAt()).isNull();

        inTransaction(tx -> {
            tx.accessTokens().markUsed("tok1", T0.plusSeconds(60));
            return null;
        });

        AccessToken token = tokenBySecretHash(Sha256.hex("tok1")).orElseThrow();
        assertThat(token.expiresAt()).isEqualTo(expiry);
        assertThat(token.lastUsedAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(token.isExpired(expiry.minusMillis(1))).isFalse();
        assertThat(token.isExpired(expiry)).isTrue();
    }

    @Test
    void aTokenIsListedForItsUserAndRevokedOnlyByItsUser() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        newToken("tok1", alice, "laptop");
        newToken("tok2", bob, "laptop");

        List<AccessToken> listed = inTransaction(tx -> tx.accessTokens().listForUser(alice.id()));
        assertThat(listed).extracting(AccessToken::id).containsExactly("tok1");
        boolean deletedOthers = inTransaction(tx -> tx.accessTokens().delete(alice.id(), "tok2"));
        boolean deletedOwn = inTransaction(tx -> tx.accessTokens().delete(alice.id(), "tok1"));
        assertThat(deletedOthers).isFalse();
        assertThat(deletedOwn).isTrue();

        assertThat(tokenBySecretHash(Sha256.hex("tok1"))).isEmpty();
        assertThat(tokenBySecretHash(Sha256.hex("tok2"))).isPresent();
    }

    @Test
    void aTokenIsUpdatedOnlyWithinItsUserAndKeepsItsSecret() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        newToken("tok1", alice, "laptop");
        newToken("tok2", alice, "ci");
        newToken("tok3", bob, "laptop");
        AccessToken before = inTransaction(tx -> tx.accessTokens().find(alice.id(), "tok1")).orElseThrow();
        Optional<AccessToken> bobsThroughAlice = inTransaction(tx -> tx.accessTokens().find(alice.id(), "tok3"));
        assertThat(bobsThroughAlice).as("bob's token").isEmpty();

        AccessToken renamed = new AccessToken("tok1", alice.id(), "desk", Set.of(Permission.PROJECT_WRITE),
                before.createdAt(), T0.plusSeconds(3600), null);
        inTransaction(tx -> {
            tx.accessTokens().update(renamed);
            return null;
        });
        AccessToken after = tokenBySecretHash(Sha256.hex("tok1")).orElseThrow();
        assertThat(after.name()).isEqualTo("desk");
        assertThat(after.permissions()).containsExactly(Permission.PROJECT_WRITE);
        assertThat(after.expiresAt()).isEqualTo(T0.plusSeconds(3600));
        assertThat(after.createdAt()).isEqualTo(before.createdAt());

        AccessToken clash = new AccessToken("tok1", alice.id(), "ci", Set.of(Permission.REPO_READ), before.createdAt(),
                null, null);
        assertThatExceptionOfType(AlreadyExists.class).isThrownBy(() -> inTransaction(tx -> {
            tx.accessTokens().update(clash);
            return null;
        }));
        // Another user's token of the same id is out of reach of an update under this user.
        AccessToken foreign = new AccessToken("tok3", alice.id(), "taken", Set.of(Permission.REPO_ADMIN),
                before.createdAt(), null, null);
        inTransaction(tx -> {
            tx.accessTokens().update(foreign);
            return null;
        });
        assertThat(tokenBySecretHash(Sha256.hex("tok3")).orElseThrow().permissions())
                .containsExactly(Permission.REPO_READ);
    }

    @Test
    void aTokenIsFoundByTheHashOfItsSecret() {
        User alice = newUser("alice");
        String secretHash = Sha256.hex("secret-1");

        AccessToken created = inTransaction(tx -> tx.accessTokens().create("tok1", alice.id(), "laptop",
                Set.of(Permission.REPO_READ, Permission.PROJECT_WRITE), secretHash, T0, null));

        assertThat(tokenBySecretHash(secretHash)).contains(created);
        assertThat(tokenBySecretHash(Sha256.hex("secret-2"))).isEmpty();
    }

    @Test
    void aTokenWithoutPermissionsKeepsAnEmptySet() {
        User alice = newUser("alice");

        inTransaction(tx -> tx.accessTokens().create("tok1", alice.id(), "none", Set.of(), Sha256.hex("s"), T0, null));

        assertThat(tokenBySecretHash(Sha256.hex("s")).orElseThrow().permissions()).isEmpty();
    }

    @Test
    void aTokenNameIsUniquePerUserOnly() {
        User alice = newUser("alice");
        User bob = newUser("bob");
        newToken("tok1", alice, "laptop");

        assertThatExceptionOfType(AlreadyExists.class)
                .isThrownBy(() -> newToken("tok2", alice, "laptop"))
                .withMessageContaining("laptop")
                .satisfies(e -> assertThat(e.context()).isEqualTo("name"));
        assertThat(newToken("tok3", bob, "laptop").userId()).isEqualTo(bob.id());
        assertThat(tokenBySecretHash(Sha256.hex("tok2"))).isEmpty();
    }

    // --- grants

    @Test
    void aProjectGrantIsReplacedAndRevoked() {
        Project project = newProject("PROJ");
        User alice = newUser("alice");
        User bob = newUser("bob");

        useTransaction(tx -> tx.grants().grantOnProject(project.id(), alice.id(), Permission.PROJECT_READ));
        assertThat(projectGrant(project.id(), alice.id())).contains(Permission.PROJECT_READ);
        assertThat(projectGrant(project.id(), bob.id())).isEmpty();

        useTransaction(tx -> tx.grants().grantOnProject(project.id(), alice.id(), Permission.PROJECT_ADMIN));
        assertThat(projectGrant(project.id(), alice.id())).contains(Permission.PROJECT_ADMIN);

        useTransaction(tx -> tx.grants().revokeOnProject(project.id(), alice.id()));
        assertThat(projectGrant(project.id(), alice.id())).isEmpty();
    }

    @Test
    void aRepositoryGrantIsReplacedAndRevoked() {
        Project project = newProject("PROJ");
        RepositoryRecord repository = newRepository(project, "facet");
        RepositoryRecord other = newRepository(project, "other");
        User alice = newUser("alice");

        useTransaction(tx -> tx.grants().grantOnRepository(repository.id(), alice.id(), Permission.REPO_WRITE));
        assertThat(repositoryGrant(repository.id(), alice.id())).contains(Permission.REPO_WRITE);
        assertThat(repositoryGrant(other.id(), alice.id())).isEmpty();
        assertThat(projectGrant(project.id(), alice.id())).isEmpty();

        useTransaction(tx -> tx.grants().grantOnRepository(repository.id(), alice.id(), Permission.REPO_READ));
        assertThat(repositoryGrant(repository.id(), alice.id())).contains(Permission.REPO_READ);

        useTransaction(tx -> tx.grants().revokeOnRepository(repository.id(), alice.id()));
        assertThat(repositoryGrant(repository.id(), alice.id())).isEmpty();
    }

    @Test
    void aGroupsGrantsReachItsMembersOnlyAndAreReadBackWithTheUsers() {
        Project project = newProject("PROJ");
        RepositoryRecord repository = newRepository(project, "facet");
        User alice = newUser("alice");
        User bob = newUser("bob");
        Group devs = inTransaction(tx -> tx.groups().create(new GroupName("devs")));
        useTransaction(tx -> {
            tx.groups().addMember(devs.id(), alice.id());
            tx.groups().addMember(devs.id(), alice.id());
            tx.grants().grantGroupOnProject(project.id(), devs.id(), Permission.PROJECT_READ);
            tx.grants().grantGroupOnRepository(repository.id(), devs.id(), Permission.REPO_WRITE);
            tx.grants().grantGroupOnRepository(repository.id(), devs.id(), Permission.REPO_ADMIN);
            tx.grants().grantOnProject(project.id(), bob.id(), Permission.PROJECT_WRITE);
        });

        assertThat(this.<List<Permission>>inTransaction(tx -> tx.grants().throughGroupsOnProject(project.id(), alice.id())))
                .containsExactly(Permission.PROJECT_READ);
        assertThat(this.<List<Permission>>inTransaction(tx -> tx.grants().throughGroupsOnRepository(repository.id(), alice.id())))
                .containsExactly(Permission.REPO_ADMIN);
        assertThat(this.<List<Permission>>inTransaction(tx -> tx.grants().throughGroupsOnProject(project.id(), bob.id()))).isEmpty();
        assertThat(this.<List<Grant<Group>>>inTransaction(tx -> tx.grants().groupsOnRepository(repository.id(), "DEV", 0, 10)))
                .extracting(grant -> grant.grantee().name().value(), Grant::permission)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("devs", Permission.REPO_ADMIN));
        assertThat(this.<List<Grant<User>>>inTransaction(tx -> tx.grants().usersOnProject(project.id(), null, 0, 10)))
                .extracting(grant -> grant.grantee().name().value()).containsExactly("bob");
        assertThat(this.<List<User>>inTransaction(tx -> tx.groups().members(devs.id(), true, null, 0, 10)))
                .extracting(User::name).containsExactly(alice.name());
        assertThat(this.<List<User>>inTransaction(tx -> tx.groups().members(devs.id(), false, "B", 0, 10)))
                .extracting(User::name).containsExactly(bob.name());

        useTransaction(tx -> tx.groups().delete(devs.id()));
        assertThat(this.<List<Permission>>inTransaction(tx -> tx.grants().throughGroupsOnRepository(repository.id(), alice.id()))).isEmpty();
        assertThat(this.<List<Grant<Group>>>inTransaction(tx -> tx.grants().groupsOnProject(project.id(), null, 0, 10))).isEmpty();
    }

    @Test
    void aGroupsGlobalRoleCountsForItsMembersAndFiltersMatchWildcardsLiterally() {
        User alice = newUser("alice");
        Group admins = inTransaction(tx -> tx.groups().create(new GroupName("50%_admins")));
        Group plain = inTransaction(tx -> tx.groups().create(new GroupName("500 admins")));
        useTransaction(tx -> {
            tx.groups().setRole(admins.id(), GlobalRole.ADMIN);
            tx.groups().setRole(plain.id(), GlobalRole.PROJECT_CREATE);
            tx.groups().addMember(admins.id(), alice.id());
            tx.groups().addMember(plain.id(), alice.id());
        });
        assertThat(this.<Optional<GlobalRole>>inTransaction(tx -> tx.groups().roleThroughGroups(alice.id()))).contains(GlobalRole.ADMIN);
        assertThat(this.<List<Group>>inTransaction(tx -> tx.groups().list("0%_", null, 0, 10))).extracting(Group::id)
                .containsExactly(admins.id());
        useTransaction(tx -> tx.groups().setRole(admins.id(), null));
        assertThat(this.<List<Group>>inTransaction(tx -> tx.groups().list(null, false, 0, 10))).extracting(Group::id)
                .containsExactly(admins.id());
        useTransaction(tx -> tx.groups().removeMember(plain.id(), alice.id()));
        assertThat(this.<Optional<GlobalRole>>inTransaction(tx -> tx.groups().roleThroughGroups(alice.id()))).isEmpty();
        assertThatExceptionOfType(AlreadyExists.class)
                .isThrownBy(() -> inTransaction(tx -> tx.groups().create(new GroupName("500 admins"))));
    }

    @Test
    void revokingAGrantThatWasNeverMadeDoesNothing() {
        Project project = newProject("PROJ");
        User alice = newUser("alice");

        useTransaction(tx -> tx.grants().revokeOnProject(project.id(), alice.id()));

        assertThat(projectGrant(project.id(), alice.id())).isEmpty();
    }

    @Test
    void deletingARepositoryDeletesItsGrantsButNotThoseOnItsProject() {
        Project project = newProject("PROJ");
        RepositoryRecord repository = newRepository(project, "facet");
        User alice = newUser("alice");
        useTransaction(tx -> {
            tx.grants().grantOnRepository(repository.id(), alice.id(), Permission.REPO_ADMIN);
            tx.grants().grantOnProject(project.id(), alice.id(), Permission.PROJECT_READ);
        });

        useTransaction(tx -> tx.repositories().delete(repository.id()));

        assertThat(repositoryGrant(repository.id(), alice.id())).isEmpty();
        assertThat(projectGrant(project.id(), alice.id())).contains(Permission.PROJECT_READ);
    }

    // --- instance settings

    @Test
    void instanceSettingsArePutReadAndOverwritten() {
        assertThat(setting("instance.id")).isEmpty();

        useTransaction(tx -> tx.instanceSettings().put("instance.id", "first"));
        useTransaction(tx -> tx.instanceSettings().put("base.url", "http://localhost:7990"));
        assertThat(setting("instance.id")).contains("first");

        useTransaction(tx -> tx.instanceSettings().put("instance.id", "second"));
        assertThat(setting("instance.id")).contains("second");
        assertThat(setting("base.url")).contains("http://localhost:7990");
    }

    // --- events

    @Test
    void anEmptyOutboxHasTheGenesisHead() {
        assertThat(head()).isEqualTo(EventChain.GENESIS);
        assertThat(eventsAfter(0, 10)).isEmpty();
    }

    @Test
    void appendedEventsGetDenseSequencesChainedFromGenesis() {
        Event first = append(EventType.REPOSITORY_CREATED, 1L, "{\"n\":1}");
        Event second = append(EventType.REFS_CHANGED, 1L, "{\"n\":2}");
        Event third = append(EventType.REPOSITORY_DELETED, 1L, "{\"n\":3}");

        assertThat(List.of(first, second, third)).extracting(Event::sequence).containsExactly(1L, 2L, 3L);
        assertThat(first.previousHash()).isEqualTo(EventChain.GENESIS_HASH);
        assertThat(second.previousHash()).isEqualTo(first.hash());
        assertThat(third.previousHash()).isEqualTo(second.hash());
        assertUnbrokenChain(List.of(first, second, third));
    }

    @Test
    void eventsAfterASequenceComeBackInOrderEachFollowingThePrevious() {
        Event first = append(EventType.REPOSITORY_CREATED, 1L, "{\"n\":1}");
        Event second = append(EventType.REFS_CHANGED, 1L, "{\"n\":2}");
        Event third = append(EventType.PERMISSIONS_CHANGED, 2L, "{\"n\":3}");

        List<Event> all = eventsAfter(0, 10);

        assertThat(all).containsExactly(first, second, third);
        assertUnbrokenChain(all);
        assertThat(eventsAfter(1, 10)).containsExactly(second, third);
        assertThat(eventsAfter(0, 2)).containsExactly(first, second);
        assertThat(eventsAfter(3, 10)).isEmpty();
    }

    @Test
    void headIsTheLinkOfTheLastEvent() {
        append(EventType.REPOSITORY_CREATED, 1L, "{}");
        Event last = append(EventType.REFS_CHANGED, 1L, "{}");

        assertThat(head()).isEqualTo(last.link());
    }

    @Test
    void eventsPastTheRetentionGoAndTheNextOneStillContinuesTheChain() {
        Instant old = Instant.parse("2024-01-01T00:00:00Z");
        Instant recent = Instant.parse("2024-03-01T00:00:00Z");
        inTransaction(tx -> tx.events().append(EventType.REPOSITORY_CREATED, 1L, "{}", old));
        Event lastOld = inTransaction(tx -> tx.events().append(EventType.REFS_CHANGED, 1L, "{}", old));
        Event kept = inTransaction(tx -> tx.events().append(EventType.REFS_CHANGED, 1L, "{}", recent));
        long oldestBefore = inTransaction(tx -> tx.events().oldestRetained());
        assertThat(oldestBefore).isEqualTo(1L);

        int purged = inTransaction(tx -> tx.events().deleteCreatedBefore(Instant.parse("2024-02-01T00:00:00Z")));

        assertThat(purged).isEqualTo(2);
        long oldestAfter = inTransaction(tx -> tx.events().oldestRetained());
        assertThat(oldestAfter).isEqualTo(3L);
        assertThat(eventsAfter(0, 10)).containsExactly(kept);
        assertThat(kept.previousHash()).isEqualTo(lastOld.hash());
        int purgedAll = inTransaction(tx -> tx.events().deleteCreatedBefore(Instant.parse("2024-12-01T00:00:00Z")));
        assertThat(purgedAll).isEqualTo(1);
        long oldestNone = inTransaction(tx -> tx.events().oldestRetained());
        assertThat(oldestNone).as("none kept: the head's next").isEqualTo(4L);
        Event next = append(EventType.REPOSITORY_DELETED, 1L, "{}");
        assertThat(next.sequence()).isEqualTo(4L);
        assertThat(next.follows(kept.link())).isTrue();
    }

    @Test
    void anInstanceWideEventKeepsItsMissingRepository() {
        Event appended = append(EventType.PERMISSIONS_CHANGED, null, "{\"scope\":\"instance\"}");

        List<Event> read = eventsAfter(0, 10);

        assertThat(read).containsExactly(appended);
        assertThat(read.get(0).repositoryId()).isNull();
        assertThat(read.get(0).follows(EventChain.GENESIS)).isTrue();
    }

    @Test
    void anEventTimestampRoundTripsToTheMillisecond() {
        Instant precise = Instant.parse("2024-05-01T10:15:30.123456789Z");

        Event appended = inTransaction(tx -> tx.events().append(EventType.REFS_CHANGED, 1L, "{}", precise));

        Instant toTheMillisecond = Instant.parse("2024-05-01T10:15:30.123Z");
        assertThat(appended.createdAt()).isEqualTo(toTheMillisecond);
        assertThat(eventsAfter(0, 1).get(0).createdAt()).isEqualTo(toTheMillisecond);
        assertUnbrokenChain(eventsAfter(0, 1));
    }

    @Test
    void anEventOfATransactionThatFailsIsNotKeptAndItsSequenceIsReused() {
        Event first = append(EventType.REPOSITORY_CREATED, 1L, "{\"n\":1}");

        assertThatIllegalStateException().isThrownBy(() -> useTransaction(tx -> {
            tx.events().append(EventType.REFS_CHANGED, 1L, "{\"lost\":true}", T0);
            throw new IllegalStateException("the change failed after its event was appended");
        }));

        assertThat(eventsAfter(0, 10)).containsExactly(first);
        assertThat(head()).isEqualTo(first.link());
        Event next = append(EventType.REFS_CHANGED, 1L, "{\"n\":2}");
        assertThat(next.sequence()).isEqualTo(2);
        assertThat(next.follows(first.link())).isTrue();
    }

    @Test
    void aChangeAndItsEventAreRolledBackTogether() {
        Project project = newProject("PROJ");

        assertThatIllegalStateException().isThrownBy(() -> useTransaction(tx -> {
            RepositoryRecord repository = tx.repositories().create(project, new RepositoryName("facet"), false);
            tx.events().append(EventType.REPOSITORY_CREATED, repository.id(), "{}", T0);
            throw new IllegalStateException("creating the repository on disk failed");
        }));

        assertThat(repositoryCount()).isZero();
        assertThat(head()).isEqualTo(EventChain.GENESIS);
    }

    @Test
    void appendsFromManyThreadsStayDenseAndChained() throws Exception {
        int writers = 8;
        int appendsPerWriter = 25;
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(writers,
                task -> new Thread(task, "event-writer-" + threadNumber.incrementAndGet()));
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                running.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < appendsPerWriter; i++) {
                        String payload = "{\"writer\":" + writer + ",\"n\":" + i + "}";
                        useTransaction(tx -> tx.events().append(EventType.REFS_CHANGED, (long) writer, payload, T0));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> writer : running) {
                writer.get(120, SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        List<Event> events = eventsAfter(0, 1000);
        assertThat(events).extracting(Event::sequence)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 200).boxed().toList());
        assertThat(events).extracting(Event::payload).doesNotHaveDuplicates();
        assertUnbrokenChain(events);
        assertThat(head()).isEqualTo(events.get(199).link());
    }

    // --- mirror farms

    @Test
    void aFarmsNodesAreFoundByIdAndListedOldestFirst() {
        newMirrorServer("farm-1", MirrorType.FARM);
        FarmNode second = farmNode("node-b", "farm-1", T0.plusSeconds(5), "node-a");
        FarmNode first = farmNode("node-a", "farm-1", T0, null);
        useTransaction(tx -> {
            tx.farmNodes().add(second);
            tx.farmNodes().add(first);
        });

        assertThat(findNode("node-b")).contains(second);
        assertThat(nodesOf("farm-1")).containsExactly(first, second);
        assertThat(nodeCount("farm-1")).isEqualTo(2);
        assertThat(findNode("node-c")).isEmpty();
    }

    @Test
    void aNodeIdIsRegisteredOnceWhicheverFarmAsks() {
        newMirrorServer("farm-1", MirrorType.FARM);
        newMirrorServer("farm-2", MirrorType.FARM);
        useTransaction(tx -> tx.farmNodes().add(farmNode("node-a", "farm-1", T0, null)));

        assertThatExceptionOfType(AlreadyExists.class)
                .isThrownBy(() -> useTransaction(tx -> tx.farmNodes().add(farmNode("node-a", "farm-2", T0, null))))
                .satisfies(e -> assertThat(e.context()).isEqualTo("id"));
        assertThat(findNode("node-a")).hasValueSatisfying(
                node -> assertThat(node.mirrorId()).isEqualTo("farm-1"));
        assertThat(nodesOf("farm-2")).isEmpty();
    }

    @Test
    void aNodesHeartbeatIsKeptOnItsOwnRowAndOneFromNoNodeChangesNothing() {
        newMirrorServer("farm-1", MirrorType.FARM);
        useTransaction(tx -> {
            tx.farmNodes().add(farmNode("node-a", "farm-1", T0, null));
            tx.farmNodes().add(farmNode("node-b", "farm-1", T0, "node-a"));
        });

        useTransaction(tx -> {
            tx.farmNodes().recordHeartbeat("node-b", T0.plusSeconds(30), "SYNCHRONIZED", "1.2.3");
            tx.farmNodes().recordHeartbeat("a-single-mirror", T0.plusSeconds(30), "LAGGING", "9");
        });

        FarmNode seen = findNode("node-b").orElseThrow();
        assertThat(seen.lastSeen()).isEqualTo(T0.plusSeconds(30));
        assertThat(seen.reportedState()).isEqualTo("SYNCHRONIZED");
        assertThat(seen.version()).isEqualTo("1.2.3");
        FarmNode silent = findNode("node-a").orElseThrow();
        assertThat(silent.lastSeen()).isNull();
        assertThat(silent.reportedState()).isNull();
    }

    @Test
    void aPurgedFarmTakesItsNodesWithItAndARemovedNodeIsGone() {
        newMirrorServer("farm-1", MirrorType.FARM);
        newMirrorServer("farm-2", MirrorType.FARM);
        useTransaction(tx -> {
            tx.farmNodes().add(farmNode("node-a", "farm-1", T0, null));
            tx.farmNodes().add(farmNode("node-b", "farm-1", T0, "node-a"));
            tx.farmNodes().add(farmNode("node-c", "farm-2", T0, null));
        });

        useTransaction(tx -> tx.farmNodes().delete("node-b"));
        assertThat(nodesOf("farm-1")).extracting(FarmNode::id)
                .containsExactly("node-a");

        useTransaction(tx -> tx.mirrorServers().delete("farm-1"));
        assertThat(findNode("node-a")).isEmpty();
        assertThat(deleteAllNodes()).isEqualTo(1);
        assertThat(findNode("node-c")).isEmpty();
    }

    @Test
    void aFarmsRequestKeepsTheNodeThatSignedItAndIsFoundByThatSigner() {
        MirrorRequest single = new MirrorRequest("request-1", "mirror-1", "Edge", "http://edge:7990", "{\"k\":1}",
                MirrorType.SINGLE, RequestState.PENDING, T0, null, null, "192.0.2.1");
        MirrorRequest farm = new MirrorRequest("request-2", "farm-1", "Farm", "http://balancer:7990", "{\"k\":2}",
                MirrorType.FARM, RequestState.PENDING, T0.plusSeconds(1), null, null, "192.0.2.2",
                new FarmNodeDescription("node-a", "farm node a", "http://10.0.0.1:7990", "{\"k\":2}"));
        MirrorRequest later = new MirrorRequest("request-3", "farm-1", "Farm", "http://balancer:7990", "{\"k\":3}",
                MirrorType.FARM, RequestState.PENDING, T0.plusSeconds(2), null, null, "192.0.2.3",
                new FarmNodeDescription("node-b", "farm node b", "http://10.0.0.2:7990", "{\"k\":3}"));
        useTransaction(tx -> {
            tx.mirrorRequests().create(single);
            tx.mirrorRequests().create(farm);
            tx.mirrorRequests().create(later);
        });

        assertThat(findRequest("request-2")).contains(farm);
        assertThat(findRequest("request-1")).contains(single);
        assertThat(firstSignedBy("node-b")).contains(later);
        assertThat(firstSignedBy("mirror-1")).contains(single);
        assertThat(firstSignedBy("farm-1"))
                .as("a farm's id signs nothing: its nodes do").isEmpty();
        assertThat(firstFrom("farm-1", MirrorType.FARM)).contains(farm);
        assertThat(firstFrom("farm-1", MirrorType.SINGLE)).as("a request of another type under the id").isEmpty();
    }

    // --- test data

    // --- Git LFS

    @Test
    void lfsObjectsAreRecordedPerRepositoryOnceAndGoWithTheirRepository() {
        Project project = newProject("LFS");
        RepositoryRecord a = newRepository(project, "a");
        RepositoryRecord b = newRepository(project, "b");
        LfsPointer one = new LfsPointer(LfsOid.of("1".repeat(64)), 10);
        LfsPointer two = new LfsPointer(LfsOid.of("2".repeat(64)), 32);
        useTransaction(tx -> {
            tx.lfsObjects().add(a.id(), one);
            tx.lfsObjects().add(a.id(), one);
            tx.lfsObjects().add(a.id(), two);
            tx.lfsObjects().add(b.id(), two);
        });
        LfsUsage usage = store.inTransaction(tx -> tx.lfsObjects().usage(a.id()));
        assertThat(usage).isEqualTo(new LfsUsage(2, 42));
        Map<LfsOid, Long> held = store.inTransaction(tx -> tx.lfsObjects().held(b.id(), List.of(one.oid(), two.oid())));
        assertThat(held).containsOnlyKeys(two.oid()).containsEntry(two.oid(), 32L);
        List<LfsPointer> all = store.inTransaction(tx -> tx.lfsObjects().listAll(0, 10));
        assertThat(all).containsExactly(one, two);

        useTransaction(tx -> tx.repositories().delete(a.id()));
        boolean oneHeld = store.inTransaction(tx -> tx.lfsObjects().heldByAny(one.oid()));
        boolean twoHeld = store.inTransaction(tx -> tx.lfsObjects().heldByAny(two.oid()));
        assertThat(oneHeld).isFalse();
        assertThat(twoHeld).isTrue();
        LfsUsage gone = store.inTransaction(tx -> tx.lfsObjects().usage(a.id()));
        assertThat(gone).isEqualTo(LfsUsage.NONE);
    }

    @Test
    void anLfsLockHoldsOnePathOfOneRepositoryAndPagesInIdOrder() {
        Project project = newProject("LCK");
        RepositoryRecord repository = newRepository(project, "art");
        User alice = newUser("alice");
        User bob = newUser("bob");
        LfsLock first = store.inTransaction(tx -> tx.lfsLocks().create(repository.id(), "a.psd", alice.id(), T0));
        assertThat(first.owner()).isEqualTo(Username.of("alice"));
        assertThat(first.lockedAt()).isEqualTo(T0);
        assertThatExceptionOfType(AlreadyExists.class).isThrownBy(() -> inTransaction(tx ->
                tx.lfsLocks().create(repository.id(), "a.psd", bob.id(), T0)));
        LfsLock second = store.inTransaction(tx -> tx.lfsLocks().create(repository.id(), "b.psd", bob.id(), T0));
        List<LfsLock> page = store.inTransaction(tx -> tx.lfsLocks().list(repository.id(), 0, 1));
        assertThat(page).containsExactly(first);
        List<LfsLock> next = store.inTransaction(tx -> tx.lfsLocks().list(repository.id(), second.id(), 10));
        assertThat(next).containsExactly(second);
        List<LfsLock> others = store.inTransaction(tx -> tx.lfsLocks().listNotOwnedBy(repository.id(), alice.id()));
        assertThat(others).containsExactly(second);
        Optional<LfsLock> byPath = store.inTransaction(tx -> tx.lfsLocks().findByPath(repository.id(), "b.psd"));
        assertThat(byPath).contains(second);
        boolean deleted = store.inTransaction(tx -> tx.lfsLocks().delete(first.id()));
        assertThat(deleted).isTrue();
        Optional<LfsLock> found = store.inTransaction(tx -> tx.lfsLocks().find(repository.id(), first.id()));
        assertThat(found).isEmpty();
        long left = store.inTransaction(tx -> tx.lfsLocks().countHoldingRepository(repository.id()));
        assertThat(left).isEqualTo(1);
    }

    private <T> T inTransaction(Function<StoreTransaction, T> work) {
        return store.inTransaction(work);
    }

    private void useTransaction(Consumer<StoreTransaction> work) {
        store.useTransaction(work);
    }

    private Project newProject(String key) {
        return newProject(key, "Project " + key);
    }

    private Project newProject(String key, String name) {
        return inTransaction(tx -> tx.projects().create(ProjectKey.of(key), name, "", false));
    }

    private RepositoryRecord newRepository(Project project, String name) {
        return inTransaction(tx -> tx.repositories().create(project, new RepositoryName(name), false));
    }

    private User newUser(String name) {
        return inTransaction(tx -> tx.users().create(Username.of(name), name, name + "@example.com",
                GlobalRole.USER, "$argon2id$v=19$fake"));
    }

    /** A token whose secret is its id, so a test can look it up by {@code Sha256.hex(id)}. */
    private AccessToken newToken(String id, User user, String name) {
        return inTransaction(tx -> tx.accessTokens().create(id, user.id(), name, Set.of(Permission.REPO_READ),
                Sha256.hex(id), T0, null));
    }

    private void newMirrorServer(String id, MirrorType type) {
        useTransaction(tx -> tx.mirrorServers().register(new MirrorServer(id, "Mirror " + id, "http://" + id + ":7990",
                "{}", type, true, T0, null, null, null, 0, 0, null, null, null, null)));
    }

    private static FarmNode farmNode(String id, String mirrorId, Instant createdAt, String vouchedBy) {
        return new FarmNode(id, mirrorId, "node " + id, "http://" + id + ":7990", "{\"kty\":\"" + id + "\"}",
                createdAt, vouchedBy, null, null, null);
    }

    private Event append(EventType type, Long repositoryId, String payload) {
        return inTransaction(tx -> tx.events().append(type, repositoryId, payload, T0));
    }

    // --- reads, each in a transaction of its own

    private Optional<Project> findProject(ProjectKey key) {
        return inTransaction(tx -> tx.projects().find(key));
    }

    private List<Project> projects(int start, int limit) {
        return inTransaction(tx -> tx.projects().list(start, limit));
    }

    private Optional<RepositoryRecord> findRepository(ProjectKey key, RepositorySlug slug) {
        return inTransaction(tx -> tx.repositories().find(key, slug));
    }

    private Optional<RepositoryRecord> repositoryById(long repositoryId) {
        return inTransaction(tx -> tx.repositories().findById(repositoryId));
    }

    private List<RepositoryRecord> allRepositories(int start, int limit) {
        return inTransaction(tx -> tx.repositories().listAll(start, limit));
    }

    private long repositoryCount() {
        return inTransaction(tx -> tx.repositories().count());
    }

    private Optional<User> findUser(Username name) {
        return inTransaction(tx -> tx.users().find(name));
    }

    private Optional<User> userById(long userId) {
        return inTransaction(tx -> tx.users().findById(userId));
    }

    private long userCount() {
        return inTransaction(tx -> tx.users().count());
    }

    private Optional<AccessToken> tokenBySecretHash(String secretHash) {
        return inTransaction(tx -> tx.accessTokens().findBySecretHash(secretHash));
    }

    private Optional<Permission> projectGrant(long projectId, long userId) {
        return inTransaction(tx -> tx.grants().onProject(projectId, userId));
    }

    private Optional<Permission> repositoryGrant(long repositoryId, long userId) {
        return inTransaction(tx -> tx.grants().onRepository(repositoryId, userId));
    }

    private Optional<String> setting(String name) {
        return inTransaction(tx -> tx.instanceSettings().get(name));
    }

    private Optional<FarmNode> findNode(String nodeId) {
        return inTransaction(tx -> tx.farmNodes().find(nodeId));
    }

    private List<FarmNode> nodesOf(String mirrorId) {
        return inTransaction(tx -> tx.farmNodes().ofMirror(mirrorId));
    }

    private int nodeCount(String mirrorId) {
        return inTransaction(tx -> tx.farmNodes().countOfMirror(mirrorId));
    }

    private int deleteAllNodes() {
        return inTransaction(tx -> tx.farmNodes().deleteAll());
    }

    private Optional<MirrorRequest> findRequest(String requestId) {
        return inTransaction(tx -> tx.mirrorRequests().find(requestId));
    }

    private Optional<MirrorRequest> firstSignedBy(String signerId) {
        return inTransaction(tx -> tx.mirrorRequests().firstSignedBy(signerId));
    }

    private Optional<MirrorRequest> firstFrom(String mirrorId, MirrorType type) {
        return inTransaction(tx -> tx.mirrorRequests().firstFrom(mirrorId, type));
    }

    private EventChain.Link head() {
        return inTransaction(tx -> tx.events().head());
    }

    private List<Event> eventsAfter(long sequence, int limit) {
        return inTransaction(tx -> tx.events().after(sequence, limit));
    }

    private List<String> projectKeys(int start, int limit) {
        return projects(start, limit).stream().map(p -> p.key().value()).toList();
    }

    private List<String> slugsInProject(Project project, int start, int limit) {
        return inTransaction(tx -> tx.repositories().listInProject(project.id(), start, limit)).stream()
                .map(r -> r.slug().value()).toList();
    }

    private static void assertUnbrokenChain(List<Event> events) {
        EventChain.Link previous = EventChain.GENESIS;
        for (Event event : events) {
            assertThat(event.follows(previous)).as("event %d follows %s", event.sequence(), previous).isTrue();
            previous = event.link();
        }
    }
}
