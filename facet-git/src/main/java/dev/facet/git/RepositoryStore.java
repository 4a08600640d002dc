package dev.facet.git;

import dev.facet.core.ref.RefsHash;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/** Where an instance keeps its bare repositories, each under its numeric id. */
public interface RepositoryStore {
    /** Creates an empty bare repository, configured to serve fast. */
    void create(long repositoryId);

    /** Opens a repository; the caller closes it. @throws dev.facet.core.error.NotFound when it is not on disk */
    Repository open(long repositoryId);

    boolean exists(long repositoryId);

    /**
     * Reads a repository's files afresh, past any cached instance, as a check of what is on disk.
     * @throws dev.facet.core.error.NotFound naming what is wrong when they do not form a Git repository
     */
    void verify(long repositoryId);

    /** Removes a repository's files. Missing files are not an error. */
    void delete(long repositoryId);

    /** Moves a repository's files aside instead of removing them, to be purged after a retention window. */
    void keepAside(long repositoryId, java.time.Instant at);

    /** Removes kept refs and repositories kept aside before {@code olderThan}; returns how many went. */
    int purgeKept(java.time.Instant olderThan);

    /** Every ref under {@code refs/} with the object it points at. */
    Map<String, ObjectId> refs(long repositoryId);

    /** Packs everything into one pack with a reachability bitmap, which cuts the CPU of serving clones. */
    void repack(long repositoryId);

    /** How many pack files the repository has; many of them slow serving down until the next repack. */
    int packCount(long repositoryId);

    /** Points HEAD at {@code branch} (a full ref name), as the upstream's HEAD does. */
    void setHead(long repositoryId, String branch);

    default RefsHash refsHash(long repositoryId) {
        return RefsHash.of(refs(repositoryId));
    }
}
