package dev.facet.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.ref.RefsHash;
import dev.facet.git.MirrorFetcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.junit.jupiter.api.Test;

class HeldStateFetchSourceTest {
    private final List<Long> fetched = new ArrayList<>();
    private final FetchSource upstream = (local, repository, destructive, beforeRefsMove) -> {
        fetched.add(repository.id());
        return new MirrorFetcher.Outcome(1, 100, null, RefsHash.of(Map.of()));
    };
    private final List<Map<String, ObjectId>> barrierSaw = new ArrayList<>();
    private final MirrorFetcher.BeforeRefsMove barrier = target -> barrierSaw.add(target);

    @Test
    void newEmptyRepositoryWhoseSignedStateIsEmptyNeedsNoGitSession() throws Exception {
        Repository local = new InMemoryRepository(new DfsRepositoryDescription("empty"));

        MirrorFetcher.Outcome outcome = new HeldStateFetchSource(upstream).fetch(local,
                signedAt(RefsHash.of(Map.of()).value()), advertised -> true, barrier);

        assertThat(fetched).isEmpty();
        assertThat(outcome.advertised()).isEqualTo(RefsHash.of(Map.of()));
        assertThat(outcome.refsUpdated()).isZero();
        assertThat(barrierSaw).as("the refs pass the barrier as after a fetch that found nothing new")
                .containsExactly(Map.of());
    }

    @Test
    void copyAlreadyAtTheSignedRefsIsStillFetchedSinceOnlyTheSessionTellsAChangedDefaultBranch() throws Exception {
        InMemoryRepository local = new InMemoryRepository(new DfsRepositoryDescription("held"));
        ObjectId commit = commitOnMain(local);

        new HeldStateFetchSource(upstream).fetch(local,
                signedAt(RefsHash.of(Map.of("refs/heads/main", commit)).value()), advertised -> true, barrier);

        assertThat(fetched).containsExactly(7L);
    }

    @Test
    void copyBehindTheSignedStateIsFetched() throws Exception {
        Repository local = new InMemoryRepository(new DfsRepositoryDescription("behind"));
        String signed = RefsHash.of(Map.of("refs/heads/main", ObjectId.fromString(
                "0123456789012345678901234567890123456789"))).value();

        new HeldStateFetchSource(upstream).fetch(local, signedAt(signed), advertised -> true, barrier);

        assertThat(fetched).containsExactly(7L);
        assertThat(barrierSaw).as("left to the fetch").isEmpty();
    }

    @Test
    void repositoryWithNoSignedStateYetIsFetched() throws Exception {
        Repository local = new InMemoryRepository(new DfsRepositoryDescription("unsigned"));

        new HeldStateFetchSource(upstream).fetch(local, signedAt(null), advertised -> true, barrier);

        assertThat(fetched).containsExactly(7L);
    }

    private static ObjectId commitOnMain(Repository repository) throws Exception {
        ObjectId commit;
        try (ObjectInserter inserter = repository.newObjectInserter()) {
            CommitBuilder builder = new CommitBuilder();
            builder.setTreeId(inserter.insert(new TreeFormatter()));
            PersonIdent someone = new PersonIdent("Someone", "someone@example.com");
            builder.setAuthor(someone);
            builder.setCommitter(someone);
            builder.setMessage("first");
            commit = inserter.insert(builder);
            inserter.flush();
        }
        RefUpdate update = repository.updateRef("refs/heads/main");
        update.setNewObjectId(commit);
        assertThat(update.update()).isEqualTo(RefUpdate.Result.NEW);
        return commit;
    }

    private static MirroredRepository signedAt(String upstreamRefsHash) {
        return new MirroredRepository(7, new ProjectKey("PRJ"), new RepositorySlug("repo"), "repo", true,
                upstreamRefsHash, null, true, null, null);
    }
}
