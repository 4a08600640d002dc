package dev.facet.primary;

import dev.facet.core.access.Caller;
import dev.facet.core.error.AlreadyExists;
import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.Conflict;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.error.NotFound;
import dev.facet.core.error.PermissionDenied;
import dev.facet.core.lfs.LfsLock;
import dev.facet.core.lfs.LfsLocks;
import dev.facet.core.store.Store;
import java.text.Normalizer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Git LFS file locks of the repositories this primary hosts, kept in its database. */
public final class LfsLockService implements LfsLocks {
    private static final Logger log = LoggerFactory.getLogger(LfsLockService.class);
    /** The longest path a lock takes (the column's width). */
    static final int MAX_PATH_LENGTH = 1024;

    private final Store store;
    private final Clock clock;
    private final int maxLocksPerRepository;

    /**
     * @param maxLocksPerRepository the most locks one repository holds ({@code facet.lfs.max-locks-per-repository}):
     *                              every push to it loads them all
     */
    public LfsLockService(Store store, Clock clock, int maxLocksPerRepository) {
        this.store = store;
        this.clock = clock;
        this.maxLocksPerRepository = maxLocksPerRepository;
    }

    @Override
    public LfsLock lock(Caller caller, long repositoryId, String path) {
        long ownerId = owner(caller);
        String checked = checkedPath(path);
        return store.inTransaction(tx -> {
            long held = tx.lfsLocks().countHoldingRepository(repositoryId);
            Optional<LfsLock> existing = tx.lfsLocks().findByPath(repositoryId, checked);
            if (existing.isPresent()) {
                throw new LockConflict(existing.get());
            }
            if (held >= maxLocksPerRepository) {
                throw new Conflict("path", "This repository holds " + held + " Git LFS locks, the most it may "
                        + "(facet.lfs.max-locks-per-repository); release some (git lfs unlock) before locking more.");
            }
            try {
                LfsLock lock = tx.lfsLocks().create(repositoryId, checked, ownerId, clock.instant());
                log.info("repository {}: {} locked '{}' (lock {})", repositoryId, caller, checked, lock.id());
                return lock;
            } catch (AlreadyExists e) {
                throw new LockConflict(tx.lfsLocks().findByPath(repositoryId, checked).orElseThrow(() -> e));
            }
        });
    }

    @Override
    public Page list(long repositoryId, Optional<String> path, Optional<Long> id, Optional<Long> cursor, int limit) {
        return store.inTransaction(tx -> {
            if (id.isPresent()) {
                List<LfsLock> one = tx.lfsLocks().find(repositoryId, id.get())
                        .filter(lock -> path.isEmpty() || lock.path().equals(nfc(path.get()))).stream().toList();
                return new Page(one, Optional.empty());
            }
            if (path.isPresent()) {
                return new Page(tx.lfsLocks().findByPath(repositoryId, nfc(path.get())).stream().toList(),
                        Optional.empty());
            }
            List<LfsLock> locks = new ArrayList<>(tx.lfsLocks().list(repositoryId, cursor.orElse(0L), limit + 1));
            Optional<Long> next = Optional.empty();
            if (locks.size() > limit) {
                next = Optional.of(locks.remove(limit).id());
            }
            return new Page(locks, next);
        });
    }

    @Override
    public LfsLock unlock(Caller caller, long repositoryId, long lockId, boolean force) {
        long ownerId = owner(caller);
        return store.inTransaction(tx -> {
            LfsLock lock = tx.lfsLocks().find(repositoryId, lockId)
                    .orElseThrow(() -> new NotFound("id", "This repository has no lock " + lockId + "."));
            if (lock.ownerId() != ownerId && !force) {
                throw new PermissionDenied("Lock " + lockId + " on '" + lock.path() + "' is held by " + lock.owner()
                        + "; only they can release it, or a repository administrator with --force.");
            }
            tx.lfsLocks().delete(lockId);
            log.info("repository {}: {} released the lock on '{}' held by {}{}", repositoryId, caller, lock.path(),
                    lock.owner(), lock.ownerId() != ownerId ? " (forced)" : "");
            return lock;
        });
    }

    @Override
    public List<LfsLock> heldByOthers(long repositoryId, Caller caller) {
        long ownerId = caller.isUser() ? caller.userId() : -1;
        return store.inTransaction(tx -> tx.lfsLocks().listNotOwnedBy(repositoryId, ownerId));
    }

    private static long owner(Caller caller) {
        if (!caller.isUser()) {
            throw new AuthenticationRequired("Git LFS locks belong to users: sign in to lock or unlock a file.");
        }
        return caller.userId();
    }

    /**
     * A file path as git-lfs sends it: relative to the repository's root, with '/' between its parts; kept in
     * Unicode NFC, so the composed and the decomposed spelling of a name are one path with one lock.
     */
    static String checkedPath(String path) {
        if (path == null || path.isBlank()) {
            throw new InvalidInput("path", "A lock needs the path of a file.");
        }
        if (path.length() > MAX_PATH_LENGTH) {
            throw new InvalidInput("path", "The path is longer than " + MAX_PATH_LENGTH + " characters.");
        }
        if (path.startsWith("/") || path.endsWith("/") || path.contains("\\") || path.indexOf('\0') >= 0) {
            throw new InvalidInput("path", "'" + path + "' is not a file path relative to the repository's root.");
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new InvalidInput("path", "'" + path + "' is not a file path relative to the repository's root.");
            }
        }
        return nfc(path);
    }

    private static String nfc(String path) {
        return Normalizer.normalize(path, Normalizer.Form.NFC);
    }
}
