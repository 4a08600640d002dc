package dev.facet.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facet.core.digest.Sha256;
import dev.facet.core.error.NotFound;
import dev.facet.core.lfs.LfsObjectRejected;
import dev.facet.core.lfs.LfsOid;
import dev.facet.core.lfs.LfsPointer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
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
}
