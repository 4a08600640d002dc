package dev.facet.core.lfs;

import java.io.InputStream;
import java.util.Collection;
import java.util.Map;

/**
 * The Git LFS objects of repositories, as the LFS API serves them: which objects a repository
 * holds, where a download's bytes come from and where an upload goes. Access has been decided
 * before any call (the repository id is the one the authorizer chose). The primary keeps objects
 * itself; a mirror serves the same API with an implementation that fetches what it lacks.
 */
public interface LfsObjects {
    /**
     * Of {@code oids}, those the repository holds, with their sizes.
     */
    Map<LfsOid, Long> held(long repositoryId, Collection<LfsOid> oids);

    /**
     * Of the objects a client asks for by oid and size, those the repository holds, with their sizes: what a
     * batch request is answered from. Where objects are kept here, the sizes asked change nothing; a mirror
     * passes them on to its primary for the objects it has not heard of.
     *
     * @throws PartlyUnknown when whether the repository holds some of them cannot be known now
     */
    default Map<LfsOid, Long> heldOf(long repositoryId, Collection<LfsPointer> asked) {
        return held(repositoryId, asked.stream().map(LfsPointer::oid).toList());
    }

    /** @throws dev.facet.core.error.NotFound when the repository does not hold the object */
    LfsContent open(long repositoryId, LfsOid oid);

    /**
     * The content of the object a download's transfer token was issued for: by default as {@link #open}. Where
     * other nodes sign tokens with the same key (a mirror farm), the node serving the download may not be the one
     * that answered the batch, and the token, issued only for an object the repository holds, stands for that
     * node's record.
     */
    default LfsContent openGranted(long repositoryId, LfsPointer granted) {
        return open(repositoryId, granted.oid());
    }

    /**
     * Stores an upload for the repository.
     *
     * @throws LfsObjectRejected when the bytes are not {@code pointer}'s
     */
    void receive(long repositoryId, LfsPointer pointer, InputStream body);

    /**
     * As {@link #receive(long, LfsPointer, InputStream)}, for {@code uploader} (whom the upload's token was issued
     * to: {@code user:ID}, {@code address:IP}), whose uploads a bound may count apart from everyone else's.
     */
    default void receive(long repositoryId, LfsPointer pointer, InputStream body, String uploader) {
        receive(repositoryId, pointer, body);
    }

    /** What the repository holds in LFS. */
    LfsUsage usage(long repositoryId);

    /**
     * Some objects could not be looked up (a mirror whose primary does not answer): those known are
     * {@link #held()}, and the message says why the others are not, for the client to show per object.
     */
    final class PartlyUnknown extends dev.facet.core.error.Unavailable {
        private static final long serialVersionUID = 1L;
        private final transient Map<LfsOid, Long> held;

        public PartlyUnknown(Map<LfsOid, Long> held, String message) {
            super(message);
            this.held = Map.copyOf(held);
        }

        public Map<LfsOid, Long> held() {
            return held;
        }
    }
}
