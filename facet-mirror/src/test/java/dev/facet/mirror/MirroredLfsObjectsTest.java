package dev.facet.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.core.lfs.LfsOid;
import dev.facet.core.lfs.LfsPointer;
import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.store.MirrorStore;
import dev.facet.core.tls.OutboundTrust;
import dev.facet.git.LocalDiskLfsObjectStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mirror's Git LFS files once it stops carrying a repository: kept for the window, then deleted. */
class MirroredLfsObjectsTest {
    @TempDir
    Path directory;
    private MirrorStore store;
    private LocalDiskLfsObjectStore files;
    private MirroredLfsObjects objects;

    @BeforeEach
    void open() {
        store = TestMirrorStores.open(directory.resolve("db"));
        files = new LocalDiskLfsObjectStore(directory.resolve("lfs"));
        UpstreamClient client = new UpstreamClient(TestMirrorStores.UPSTREAM_URL, (audience, request) -> "unused",
                OutboundTrust.jvmDefault());
        UpstreamSession upstream = new UpstreamSession(client, new UpstreamLifecycle(store, Clock.systemUTC(),
                Optional.of(TestMirrorStores.UPSTREAM_URL)), Clock.systemUTC());
        objects = new MirroredLfsObjects(store, files, new UpstreamLfs(upstream), LfsTraffic.NONE);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private LfsPointer stored(String text) throws Exception {
        byte[] content = text.getBytes(StandardCharsets.UTF_8);
        LfsPointer pointer = new LfsPointer(LfsOid.of(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(content))), content.length);
        files.receive(pointer, new ByteArrayInputStream(content));
        return pointer;
    }

    @Test
    void filesOfARepositoryNoLongerCarriedGoOnceTheWindowHasPassedAndTheOthersStay() throws Exception {
        MirroredRepository kept = TestMirrorStores.carried(store, 1);
        MirroredRepository removed = TestMirrorStores.carried(store, 2);
        LfsPointer ofKept = stored("still carried\n");
        LfsPointer ofRemoved = stored("no longer carried\n");
        store.inTransaction(tx -> {
            tx.lfsObjects().add(kept.id(), ofKept);
            tx.lfsObjects().add(removed.id(), ofRemoved);
            tx.repositories().delete(removed.id());
            return null;
        });

        assertThat(objects.purgeUnheld(Instant.now().minus(Duration.ofDays(7)))).as("within the window").isZero();
        assertThat(objects.purgeUnheld(Instant.now().plusSeconds(1))).isEqualTo(1);
        assertThat(files.size(ofRemoved.oid())).isEmpty();
        assertThat(files.size(ofKept.oid())).hasValue(ofKept.size());
    }

    @Test
    void filesFetchedLongAgoOfARepositoryJustRemovedAreKeptForTheWholeWindow() throws Exception {
        MirroredRepository removed = TestMirrorStores.carried(store, 3);
        LfsPointer old = stored("fetched a month ago\n");
        java.nio.file.Files.setLastModifiedTime(directory.resolve("lfs/objects").resolve(old.oid().value()
                .substring(0, 2)).resolve(old.oid().value().substring(2, 4)).resolve(old.oid().value()),
                java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofDays(30))));
        store.inTransaction(tx -> {
            tx.lfsObjects().add(removed.id(), old);
            return null;
        });

        // What the sync engine does when the mirror stops carrying a repository: its Git data is kept aside.
        objects.releasing(removed.id());
        store.inTransaction(tx -> {
            tx.repositories().delete(removed.id());
            return null;
        });

        assertThat(objects.purgeUnheld(Instant.now().minus(Duration.ofDays(7)))).as("kept as long as its repository")
                .isZero();
        assertThat(files.size(old.oid())).hasValue(old.size());
        assertThat(objects.purgeUnheld(Instant.now().plusSeconds(1))).as("once the window passed").isEqualTo(1);
    }
}
