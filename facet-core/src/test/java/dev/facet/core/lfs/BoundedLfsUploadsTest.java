package dev.facet.core.lfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facet.core.error.TooManyRequests;
import dev.facet.core.identity.SettableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bound on uploads as a writer who wants every slot would meet it: one uploader cannot take the slots of
 * the others, and an upload that goes on past its deadline is cut off, giving its slot back.
 */
class BoundedLfsUploadsTest {
    private static final LfsPointer SMALL = new LfsPointer(LfsOid.of("a".repeat(64)), 10);

    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-01T03:00:00Z"));
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Thread> uploaders = new CopyOnWriteArrayList<>();

    /** Objects whose uploads read their body whole, each held until the test releases it. */
    private final class HeldUploads implements LfsObjects {
        final Semaphore entered = new Semaphore(0);
        final AtomicInteger stored = new AtomicInteger();

        @Override
        public Map<LfsOid, Long> held(long repositoryId, Collection<LfsOid> oids) {
            return Map.of();
        }

        @Override
        public LfsContent open(long repositoryId, LfsOid oid) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void receive(long repositoryId, LfsPointer pointer, InputStream body) {
            entered.release();
            try {
                release.await();
                body.readAllBytes();
                stored.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public LfsUsage usage(long repositoryId) {
            return new LfsUsage(0, 0);
        }
    }

    @AfterEach
    void releaseEveryone() throws InterruptedException {
        release.countDown();
        for (Thread uploader : uploaders) {
            uploader.join(10_000);
        }
    }

    private void startUpload(LfsObjects bounded, String uploader) {
        Thread thread = new Thread(() -> bounded.receive(1, SMALL, new ByteArrayInputStream(new byte[10]), uploader));
        uploaders.add(thread);
        thread.start();
    }

    @Test
    void oneUserHoldingItsCapStillLetsASecondUserUpload() throws InterruptedException {
        HeldUploads objects = new HeldUploads();
        BoundedLfsUploads bounded = new BoundedLfsUploads(objects, 4, clock);
        startUpload(bounded, "user:1");
        startUpload(bounded, "user:1");
        assertThat(objects.entered.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();

        // The writer wants every slot: beyond its own share (half) it is told to retry.
        assertThatThrownBy(() -> bounded.receive(1, SMALL, new ByteArrayInputStream(new byte[10]), "user:1"))
                .isInstanceOf(TooManyRequests.class).hasMessageContaining("You are sending 2 Git LFS uploads");
        startUpload(bounded, "user:2");
        startUpload(bounded, "address:192.0.2.7");
        assertThat(objects.entered.tryAcquire(2, 10, TimeUnit.SECONDS)).as("both others are received").isTrue();

        release.countDown();
        for (Thread uploader : uploaders) {
            uploader.join(10_000);
        }
        assertThat(objects.stored.get()).isEqualTo(4);
        // Its uploads done, the first writer may upload again.
        bounded.receive(1, SMALL, new ByteArrayInputStream(new byte[10]), "user:1");
        assertThat(objects.stored.get()).isEqualTo(5);
    }

    @Test
    void anUploadGoingOnPastItsDeadlineIsCutOffAndGivesItsSlotBack() {
        HeldUploads objects = new HeldUploads();
        BoundedLfsUploads bounded = new BoundedLfsUploads(objects, 1, 1, clock);
        release.countDown();
        // A client that keeps sending, each chunk just in time for the rate limit, for longer than the deadline.
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                clock.advance(Duration.ofSeconds(1));
                return 0;
            }
        };

        assertThatThrownBy(() -> bounded.receive(1, SMALL, endless, "user:1"))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("the most an upload of its size may take");
        bounded.receive(1, SMALL, new ByteArrayInputStream(new byte[10]), "user:1");
        assertThat(objects.stored.get()).isEqualTo(1);
    }
}
