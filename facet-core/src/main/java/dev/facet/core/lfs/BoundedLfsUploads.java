package dev.facet.core.lfs;

import dev.facet.core.error.TooManyRequests;
import java.io.InputStream;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * Objects as {@code objects} keeps them, with at most {@code maxConcurrentUploads} uploads being received at
 * once: each holds a thread and a temporary file for as long as its client takes, so one more is told to retry
 * (429 with {@code Retry-After}, which git-lfs honours) rather than queued unseen.
 */
public final class BoundedLfsUploads implements LfsObjects {
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final LfsObjects objects;
    private final Semaphore uploads;
    private final int maxConcurrentUploads;

    public BoundedLfsUploads(LfsObjects objects, int maxConcurrentUploads) {
        this.objects = objects;
        this.uploads = new Semaphore(maxConcurrentUploads);
        this.maxConcurrentUploads = maxConcurrentUploads;
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
        if (!uploads.tryAcquire()) {
            throw new TooManyRequests("Facet is receiving " + maxConcurrentUploads + " Git LFS uploads already, the "
                    + "most it takes at once (facet.lfs.max-concurrent-uploads); try again in a moment.", RETRY_AFTER);
        }
        try {
            objects.receive(repositoryId, pointer, body);
        } finally {
            uploads.release();
        }
    }

    @Override
    public LfsUsage usage(long repositoryId) {
        return objects.usage(repositoryId);
    }
}
