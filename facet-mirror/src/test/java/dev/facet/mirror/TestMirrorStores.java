package dev.facet.mirror;

import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.store.MirrorStore;
import dev.facet.store.DatabaseSettings;
import dev.facet.store.JdbcMirrorStore;
import java.nio.file.Path;

/** A mirror's real database in a temporary directory, and the rows tests start from. */
final class TestMirrorStores {
    static final String UPSTREAM_URL = "http://127.0.0.1:1";

    private TestMirrorStores() {
    }

    static MirrorStore open(Path directory) {
        return JdbcMirrorStore.open(DatabaseSettings.embeddedH2(directory));
    }

    /** A link in {@code state}, pinned to an upstream instance, as an authorized mirror holds it. */
    static UpstreamLink link(UpstreamState state) {
        return new UpstreamLink(UPSTREAM_URL, state, "request-1", "upstream-instance", "{\"kty\":\"OKP\"}", 7,
                "a".repeat(64), 7, "a".repeat(64));
    }

    static void save(MirrorStore store, UpstreamLink link) {
        store.inTransaction(tx -> {
            tx.upstream().save(link);
            return null;
        });
    }

    /** A carried repository that was never synced, so a sync is owed. */
    static MirroredRepository carried(MirrorStore store, long id) {
        MirroredRepository repository = new MirroredRepository(id, ProjectKey.of("PRJ"), RepositorySlug.of("repo-" + id),
                "repo-" + id, false, null, null, true, null, null);
        store.inTransaction(tx -> {
            tx.repositories().save(repository);
            return null;
        });
        return repository;
    }
}
