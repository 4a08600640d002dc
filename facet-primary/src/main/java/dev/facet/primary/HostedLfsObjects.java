package dev.facet.primary;

import dev.facet.core.error.NotFound;
import dev.facet.core.lfs.LfsContent;
import dev.facet.core.lfs.LfsObjectStore;
import dev.facet.core.lfs.LfsObjects;
import dev.facet.core.lfs.LfsOid;
import dev.facet.core.lfs.LfsPointer;
import dev.facet.core.lfs.LfsUsage;
import dev.facet.core.store.Store;
import java.io.InputStream;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Git LFS objects of the repositories this primary hosts: the bytes in a store shared by oid,
 * and in the database which repository holds which object. A repository reaches only the objects
 * recorded for it, whatever other repositories hold: a user of one repository cannot download
 * another's object by naming its oid, and must upload an object to have it in theirs.
 */
public final class HostedLfsObjects implements LfsObjects {
    private static final Logger log = LoggerFactory.getLogger(HostedLfsObjects.class);

    private final Store store;
    private final LfsObjectStore objects;

    public HostedLfsObjects(Store store, LfsObjectStore objects) {
        this.store = store;
        this.objects = objects;
    }

    @Override
    public Map<LfsOid, Long> held(long repositoryId, Collection<LfsOid> oids) {
        Map<LfsOid, Long> recorded = store.inTransaction(tx -> tx.lfsObjects().held(repositoryId, oids));
        // A record whose file has gone (see facet doctor) is not offered: the client uploads it again.
        return recorded.entrySet().stream().filter(e -> objects.size(e.getKey()).isPresent())
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    @Override
    public LfsContent open(long repositoryId, LfsOid oid) {
        if (held(repositoryId, java.util.List.of(oid)).isEmpty()) {
            throw new NotFound("oid", "Object " + oid + " does not exist in this repository.");
        }
        return objects.open(oid);
    }

    @Override
    public void receive(long repositoryId, LfsPointer pointer, InputStream body) {
        objects.receive(pointer, body);
        // Recorded once the file is in place: a record never names bytes that are not there.
        store.useTransaction(tx -> {
            // Deleted while the bytes arrived: the file waits for the sweep like any object no repository holds.
            tx.repositories().findById(repositoryId).orElseThrow(() -> new NotFound("repository",
                    "The repository was deleted while the object was uploaded."));
            tx.lfsObjects().add(repositoryId, pointer);
        });
        log.debug("repository {}: LFS object {} ({} bytes) stored", repositoryId, pointer.oid(), pointer.size());
    }

    @Override
    public LfsUsage usage(long repositoryId) {
        return store.inTransaction(tx -> tx.lfsObjects().usage(repositoryId));
    }

    /**
     * Deletes the files of objects no repository has held since {@code olderThan}: the objects of deleted
     * repositories, once the same window has passed that keeps what is deleted elsewhere.
     */
    public int purgeUnheld(java.time.Instant olderThan) {
        int purged = objects.purge(olderThan, oid -> store.inTransaction(tx -> tx.lfsObjects().heldByAny(oid)));
        if (purged > 0) {
            log.info("purged {} Git LFS objects no repository holds", purged);
        }
        return purged;
    }
}
