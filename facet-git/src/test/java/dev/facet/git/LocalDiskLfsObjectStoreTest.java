package dev.facet.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facet.core.digest.Sha256;
import dev.facet.core.error.NotFound;
import dev.facet.core.lfs.LfsObjectBusy;
import dev.facet.core.lfs.LfsObjectRejected;
import dev.facet.core.lfs.LfsOid;
import dev.facet.core.lfs.LfsPointer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDiskLfsObjectStoreTest {
    @TempDir
    Path root;

    private static LfsPointer pointer(byte[] content) {
        return new LfsPointer(LfsOid.of(HexFormat.of().formatHex(Sha256.newDigest().digest(content))), content.length);
    }

    private long files() throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void keepsExactlyTheBytesItsNameSaysAndNothingOfAnUploadThatIsNot() throws IOException {
        LocalDiskLfsObjectStore store = new LocalDiskLfsObjectStore(root);
        byte[] content = "content\n".getBytes(StandardCharsets.UTF_8);
        LfsPointer pointer = pointer(content);

        assertThatThrownBy(() -> store.receive(pointer, new ByteArrayInputStream("CONTENT\n".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(LfsObjectRejected.class).hasMessageContaining("SHA-256");
        assertThatThrownBy(() -> store.receive(pointer, new ByteArrayInputStream("content\n+".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(LfsObjectRejected.class).hasMessageContaining("more were sent");
        assertThatThrownBy(() -> store.receive(pointer, new ByteArrayInputStream("cont".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(LfsObjectRejected.class).hasMessageContaining("4 were sent");
        assertThat(files()).isZero();
        assertThat(store.size(pointer.oid())).isEmpty();
        assertThatThrownBy(() -> store.open(pointer.oid())).isInstanceOf(NotFound.class);

        store.receive(pointer, new ByteArrayInputStream(content));
        store.receive(pointer, new ByteArrayInputStream(content));
        assertThat(files()).isEqualTo(1);
        String oid = pointer.oid().value();
        assertThat(root.resolve("objects").resolve(oid.substring(0, 2)).resolve(oid.substring(2, 4)).resolve(oid))
                .hasBinaryContent(content);
        try (InputStream in = store.open(pointer.oid()).stream()) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertThat(store.damage(pointer)).isEmpty();
    }

    @Test
    void purgesOnlyObjectsNoRepositoryHoldsThatAreOlderThanTheWindow() {
        LocalDiskLfsObjectStore store = new LocalDiskLfsObjectStore(root);
        LfsPointer held = pointer("held".getBytes(StandardCharsets.UTF_8));
        LfsPointer unheld = pointer("unheld".getBytes(StandardCharsets.UTF_8));
        store.receive(held, new ByteArrayInputStream("held".getBytes(StandardCharsets.UTF_8)));
        store.receive(unheld, new ByteArrayInputStream("unheld".getBytes(StandardCharsets.UTF_8)));

        assertThat(store.purge(Instant.now().minusSeconds(3600), oid -> false)).isZero();
        assertThat(store.purge(Instant.now().plusSeconds(60), oid -> oid.equals(held.oid()))).isEqualTo(1);
        assertThat(store.size(held.oid())).isPresent();
        assertThat(store.size(unheld.oid())).isEmpty();
        assertThat(store.damage(unheld)).get().asString().contains("missing");
    }

    @Test
    void anUploadThatArrivesWhileThePurgeDecidesIsToldToRetryAndThenStoresTheObjectAgain() throws Exception {
        LocalDiskLfsObjectStore store = new LocalDiskLfsObjectStore(root);
        byte[] content = "unheld for a week\n".getBytes(StandardCharsets.UTF_8);
        LfsPointer pointer = pointer(content);
        store.receive(pointer, new ByteArrayInputStream(content));
        List<Throwable> uploadDuringPurge = new ArrayList<>();

        // The purge asks whether a repository holds the object; an upload of it arrives just then.
        int purged = store.purge(Instant.now().plusSeconds(60), oid -> {
            Thread upload = new Thread(() -> {
                try {
                    store.receive(pointer, new ByteArrayInputStream(content));
                } catch (RuntimeException e) {
                    uploadDuringPurge.add(e);
                }
            });
            upload.start();
            try {
                upload.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        });

        assertThat(purged).isEqualTo(1);
        assertThat(uploadDuringPurge).singleElement().isInstanceOf(LfsObjectBusy.class);
        // git-lfs retries after Retry-After: the object is stored again, and its record then keeps it.
        store.receive(pointer, new ByteArrayInputStream(content));
        assertThat(store.damage(pointer)).isEmpty();
    }

    @Test
    void anObjectAnUploadHasJustTouchedIsNotPurged() throws IOException {
        LocalDiskLfsObjectStore store = new LocalDiskLfsObjectStore(root);
        byte[] content = "uploaded again\n".getBytes(StandardCharsets.UTF_8);
        LfsPointer pointer = pointer(content);
        store.receive(pointer, new ByteArrayInputStream(content));
        Instant purgeHorizon = Instant.now().minusSeconds(3600);
        String oid = pointer.oid().value();
        Path file = root.resolve("objects").resolve(oid.substring(0, 2)).resolve(oid.substring(2, 4)).resolve(oid);
        Files.setLastModifiedTime(file, FileTime.from(purgeHorizon.minusSeconds(86_400)));

        store.receive(pointer, new ByteArrayInputStream(content));

        assertThat(store.purge(purgeHorizon, unheld -> false)).isZero();
        assertThat(store.damage(pointer)).isEmpty();
    }

    @Test
    void aSecondUploadOfAnObjectWhileTheFirstStreamsIsToldToRetryAndTheFirstIsKept() throws Exception {
        LocalDiskLfsObjectStore store = new LocalDiskLfsObjectStore(root);
        byte[] content = "streamed slowly\n".getBytes(StandardCharsets.UTF_8);
        LfsPointer pointer = pointer(content);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        InputStream slow = new InputStream() {
            private final InputStream bytes = new ByteArrayInputStream(content);

            @Override
            public int read() throws IOException {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
                return bytes.read();
            }
        };
        Thread first = new Thread(() -> store.receive(pointer, slow));
        first.start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> store.receive(pointer, new ByteArrayInputStream(content)))
                .isInstanceOf(LfsObjectBusy.class).hasMessageContaining("try again");
        release.countDown();
        first.join(10_000);

        assertThat(store.damage(pointer)).isEmpty();
        store.receive(pointer, new ByteArrayInputStream(content));
        assertThat(files()).isEqualTo(1);
    }
}
