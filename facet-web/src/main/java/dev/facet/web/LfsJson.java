package dev.facet.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.facet.core.lfs.LfsLock;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the Git LFS API (git-lfs's docs/api: batch.md, basic-transfers.md, locking.md). */
final class LfsJson {
    static final String MEDIA_TYPE = "application/vnd.git-lfs+json";

    private LfsJson() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record BatchResponse(String transfer, List<ObjectResult> objects, @JsonProperty("hash_algo") String hashAlgo) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ObjectResult(String oid, long size, Boolean authenticated, Map<String, Action> actions, ObjectError error) {
    }

    record Action(String href, Map<String, String> header, @JsonProperty("expires_in") long expiresIn) {
    }

    record ObjectError(int code, String message) {
    }

    /** A whole-request error: what git-lfs prints to its user. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Error(String message, @JsonProperty("request_id") String requestId) {
    }

    record Owner(String name) {
    }

    record Lock(String id, String path, @JsonProperty("locked_at") String lockedAt, Owner owner) {
        static Lock of(LfsLock lock) {
            return new Lock(Long.toString(lock.id()), lock.path(), DateTimeFormatter.ISO_INSTANT.format(lock.lockedAt()),
                    new Owner(lock.owner().value()));
        }
    }

    record LockCreated(Lock lock) {
    }

    record LockConflict(Lock lock, String message) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LockList(List<Lock> locks, @JsonProperty("next_cursor") String nextCursor) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LockVerifyList(List<Lock> ours, List<Lock> theirs, @JsonProperty("next_cursor") String nextCursor) {
    }
}
