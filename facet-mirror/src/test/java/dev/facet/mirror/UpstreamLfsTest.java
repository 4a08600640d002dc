package dev.facet.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpServer;
import dev.facet.core.error.TimedOut;
import dev.facet.core.error.Unavailable;
import dev.facet.core.lfs.LfsOid;
import dev.facet.core.lfs.LfsPointer;
import dev.facet.core.store.MirrorStore;
import dev.facet.core.tls.OutboundTrust;
import dev.facet.git.LocalDiskLfsObjectStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a mirror does with a download answer from its primary that was changed on its way or that stalls:
 * it follows no address off the primary's origin, refuses headers it cannot send with a clear error, and
 * gives up on a body that stops arriving.
 */
class UpstreamLfsTest {
    private static final byte[] CONTENT = "the object's bytes\n".repeat(100).getBytes();

    @TempDir
    Path directory;
    private HttpServer primary;
    private HttpServer elsewhere;
    private MirrorStore store;
    private LocalDiskLfsObjectStore objects;
    private final AtomicInteger elsewhereRequests = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void startServers() throws IOException {
        primary = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        primary.createContext("/stalls", exchange -> {
            exchange.sendResponseHeaders(200, CONTENT.length);
            OutputStream body = exchange.getResponseBody();
            body.write(CONTENT, 0, 10);
            body.flush();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        primary.createContext("/whole", exchange -> {
            exchange.sendResponseHeaders(200, CONTENT.length);
            exchange.getResponseBody().write(CONTENT);
            exchange.close();
        });
        primary.start();
        elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        elsewhere.createContext("/", exchange -> {
            elsewhereRequests.incrementAndGet();
            exchange.sendResponseHeaders(200, CONTENT.length);
            exchange.getResponseBody().write(CONTENT);
            exchange.close();
        });
        elsewhere.start();
        store = TestMirrorStores.open(directory.resolve("db"));
        objects = new LocalDiskLfsObjectStore(directory.resolve("lfs"));
    }

    @AfterEach
    void stopServers() {
        release.countDown();
        primary.stop(0);
        elsewhere.stop(0);
        store.close();
    }

    private UpstreamLfs upstreamLfs(Duration idleTimeout) {
        String url = "http://127.0.0.1:" + primary.getAddress().getPort();
        UpstreamClient client = new UpstreamClient(url, (audience, request) -> "unused", OutboundTrust.jvmDefault());
        Clock clock = Clock.systemUTC();
        return new UpstreamLfs(new UpstreamSession(client, new UpstreamLifecycle(store, clock, Optional.of(url)),
                clock), idleTimeout);
    }

    /** Where an answer said the object is, on {@code server}, with the headers it said to send. */
    private static UpstreamLfs.Download at(HttpServer server, String path, Map<String, String> header) {
        return new UpstreamLfs.Download("http://127.0.0.1:" + server.getAddress().getPort() + path, header);
    }

    private static LfsPointer pointer() throws Exception {
        return new LfsPointer(LfsOid.of(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(CONTENT))), CONTENT.length);
    }

    @Test
    void aDownloadAddressOffThePrimarysOriginIsNotFollowed() throws Exception {
        UpstreamLfs.Download tampered = at(elsewhere, "/collect",
                Map.of("Authorization", "RemoteAuth transfer-token"));

        assertThatThrownBy(() -> upstreamLfs(Duration.ofSeconds(30)).fetch(pointer(), tampered, objects, n -> { }))
                .isInstanceOf(Unavailable.class).hasMessageContaining("points away from the primary");
        assertThat(elsewhereRequests.get()).isZero();
        assertThat(objects.size(pointer().oid())).isEmpty();
    }

    @Test
    void aHeaderTheMirrorCannotSendIsAClearUnavailableNotACrash() throws Exception {
        UpstreamLfs.Download odd = at(primary, "/whole", Map.of("Host", "elsewhere.example"));

        assertThatThrownBy(() -> upstreamLfs(Duration.ofSeconds(30)).fetch(pointer(), odd, objects, n -> { }))
                .isInstanceOf(Unavailable.class).hasMessageContaining("unusable address or header");
    }

    @Test
    void aPrimaryThatStopsSendingMidObjectIsGivenUpAfterTheIdleTimeout() throws Exception {
        UpstreamLfs.Download stalls = at(primary, "/stalls", Map.of());

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(
                () -> upstreamLfs(Duration.ofSeconds(1)).fetch(pointer(), stalls, objects, n -> { }))
                .isInstanceOf(TimedOut.class).hasMessageContaining("sent nothing for"));
        assertThat(objects.size(pointer().oid())).isEmpty();
    }

    @Test
    void aWholeAnswerFromThePrimaryIsStored() throws Exception {
        UpstreamLfs.Download whole = at(primary, "/whole",
                Map.of("Authorization", "RemoteAuth transfer-token"));

        upstreamLfs(Duration.ofSeconds(1)).fetch(pointer(), whole, objects, n -> { });

        assertThat(objects.size(pointer().oid())).hasValue(CONTENT.length);
    }
}
