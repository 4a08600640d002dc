package dev.facet.core.lfs;

import dev.facet.core.error.TooManyRequests;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Objects as {@code objects} keeps them, with at most {@code maxConcurrentUploads} uploads being received at
 * once: each holds a thread and a temporary file for as long as its client takes, so one more is told to retry
 * (429 with {@code Retry-After}, which git-lfs honours) rather than queued unseen. One uploader (a user, or an
 * address when the token names no user) holds at most {@code maxPerUploader} of them, so that one writer cannot
 * take every slot from the others; and each upload has a deadline after which it is cut off, so that a slow
 * client holds neither a slot nor the object's upload for ever.
 */
public final class BoundedLfsUploads implements LfsObjects {
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    /** The time any upload may take, whatever its size. */
    static final Duration DEADLINE_FLOOR = Duration.ofMinutes(10);
    /** Beyond the floor, an upload may take as long as its size takes at this rate: 64 KiB/s. */
    static final long DEADLINE_BYTES_PER_SECOND = 64 * 1024;

    private final LfsObjects objects;
    private final Semaphore uploads;
    private final int maxConcurrentUploads;
    private final int maxPerUploader;
    private final Map<String, Integer> byUploader = new ConcurrentHashMap<>();
    private final Clock clock;

    /**
     * Each uploader holds at most half the slots (at least one): at the default of 16 that is the 8 transfers git-lfs
     * runs at once, so one user's push is not slowed, and a second user still finds room.
     */
    public BoundedLfsUploads(LfsObjects objects, int maxConcurrentUploads, Clock clock) {
        this(objects, maxConcurrentUploads, Math.max(1, maxConcurrentUploads / 2), clock);
    }

    BoundedLfsUploads(LfsObjects objects, int maxConcurrentUploads, int maxPerUploader, Clock clock) {
        this.objects = objects;
        this.uploads = new Semaphore(maxConcurrentUploads);
        this.maxConcurrentUploads = maxConcurrentUploads;
        this.maxPerUploader = maxPerUploader;
        this.clock = clock;
    }

    @Override
    public Map<LfsOid, Long> held(long repositoryId, Collection<LfsOid> oids) {
        return objects.held(repositoryId, oids);
    }

    @Override
    public LfsContent open(long repositoryId, LfsOid oid) {
        return objects.open(repositoryId, oid);
    }

    @Override
    public void receive(long repositoryId, LfsPointer pointer, InputStream body) {
        receive(repositoryId, pointer, body, "");
    }

    /** @param uploader whom the upload is counted for; empty when unknown, counted in the global bound only */
    @Override
    public void receive(long repositoryId, LfsPointer pointer, InputStream body, String uploader) {
        if (!uploader.isEmpty() && !claim(uploader)) {
            throw new TooManyRequests("You are sending " + maxPerUploader + " Git LFS uploads already, the most one "
                    + "user sends at once; try again in a moment.", RETRY_AFTER);
        }
        try {
            if (!uploads.tryAcquire()) {
                throw new TooManyRequests("Facet is receiving " + maxConcurrentUploads + " Git LFS uploads already, "
                        + "the most it takes at once (facet.lfs.max-concurrent-uploads); try again in a moment.",
                        RETRY_AFTER);
            }
            try {
                objects.receive(repositoryId, pointer, new Deadline(body, deadline(pointer)), uploader);
            } finally {
                uploads.release();
            }
        } finally {
            if (!uploader.isEmpty()) {
                byUploader.computeIfPresent(uploader, (key, count) -> count <= 1 ? null : count - 1);
            }
        }
    }

    private boolean claim(String uploader) {
        boolean[] claimed = {false};
        byUploader.compute(uploader, (key, count) -> {
            int held = count == null ? 0 : count;
            claimed[0] = held < maxPerUploader;
            return claimed[0] ? held + 1 : count;
        });
        return claimed[0];
    }

    /** When an upload of {@code pointer} started now must have ended. */
    private Instant deadline(LfsPointer pointer) {
        return clock.instant().plus(DEADLINE_FLOOR).plusSeconds(pointer.size() / DEADLINE_BYTES_PER_SECOND);
    }

    @Override
    public LfsUsage usage(long repositoryId) {
        return objects.usage(repositoryId);
    }

    /** An upload's body that fails its next read once the deadline has passed. */
    private final class Deadline extends FilterInputStream {
        private final Instant deadline;

        Deadline(InputStream in, Instant deadline) {
            super(in);
            this.deadline = deadline;
        }

        private void check() throws IOException {
            if (clock.instant().isAfter(deadline)) {
                throw new IOException("it went on past " + deadline + ", the most an upload of its size may take");
            }
        }

        @Override
        public int read() throws IOException {
            check();
            return super.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            check();
            return super.read(buffer, offset, length);
        }
    }
}
