package dev.facet.core.lfs;

import dev.facet.core.name.Username;
import java.time.Instant;

/** A Git LFS file lock: one path of one repository, held by one user until they (or an administrator) unlock it. */
public record LfsLock(long id, long repositoryId, String path, long ownerId, Username owner, Instant lockedAt) {
}
