package dev.facet.mirror;

import dev.facet.core.store.MirrorStore;
import dev.facet.core.store.MirrorTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs small pieces of database work of many threads in shared transactions: a thread that finds no transaction
 * being written writes everything queued so far in one, while the threads that queue meanwhile wait for the next
 * one. Alone, a piece costs one transaction as before; when many sync workers finish at once (a first sync of
 * thousands of repositories), they share a commit, and each commit of an embedded H2 database without write delay
 * writes to its file. Each caller returns only once its work is committed, so nothing recorded here runs ahead of
 * what the database holds.
 *
 * <p>A shared transaction that fails is rolled back whole and each piece in it is run again in a transaction of its
 * own, so one failing piece fails only its own caller. The pieces must therefore only read and write the database.
 */
final class GroupCommit {
    private final MirrorStore store;
    private final Object lock = new Object();
    /** Queued pieces no transaction has taken yet; guarded by {@link #lock}. */
    private List<Piece<?>> queued = new ArrayList<>();
    /** Whether a thread is writing a shared transaction now; guarded by {@link #lock}. */
    private boolean writing;

    GroupCommit(MirrorStore store) {
        this.store = store;
    }

    private static final class Piece<T> {
        final Function<MirrorTransaction, T> work;
        T result;
        RuntimeException failure;
        /** Whether a transaction holding this piece committed. */
        boolean committed;
        boolean done;

        Piece(Function<MirrorTransaction, T> work) {
            this.work = work;
        }

        void run(MirrorTransaction tx) {
            result = work.apply(tx);
        }
    }

    /** Runs {@code work} in a transaction, maybe shared with others' work, and returns its result once committed. */
    <T> T inTransaction(Function<MirrorTransaction, T> work) {
        Piece<T> piece = new Piece<>(work);
        List<Piece<?>> batch;
        boolean interrupted = false;
        synchronized (lock) {
            queued.add(piece);
            // Waits without giving up on an interrupt: the piece is queued, and another thread may be committing it.
            while (writing && !piece.done) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (piece.done) {
                batch = null;
            } else {
                writing = true;
                batch = queued;
                queued = new ArrayList<>();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (batch != null) {
            try {
                write(batch);
            } finally {
                synchronized (lock) {
                    for (Piece<?> p : batch) {
                        if (!p.committed && p.failure == null) {
                            // An Error cut the writing short: what was not committed must not look done.
                            p.failure = new IllegalStateException("The database work was not committed");
                        }
                    }
                    batch.forEach(p -> p.done = true);
                    writing = false;
                    lock.notifyAll();
                }
            }
        }
        if (piece.failure != null) {
            throw piece.failure;
        }
        return piece.result;
    }

    /** How many pieces wait for the next transaction now. */
    int waiting() {
        synchronized (lock) {
            return queued.size();
        }
    }

    private void write(List<Piece<?>> batch) {
        if (batch.size() > 1) {
            try {
                store.inTransaction(tx -> {
                    batch.forEach(p -> p.run(tx));
                    return null;
                });
                batch.forEach(p -> p.committed = true);
                return;
            } catch (RuntimeException e) {
                // Rolled back whole: each piece again on its own, so that only the failing one fails.
            }
        }
        for (Piece<?> p : batch) {
            try {
                store.inTransaction(tx -> {
                    p.run(tx);
                    return null;
                });
                p.failure = null;
                p.committed = true;
            } catch (RuntimeException e) {
                p.failure = e;
            }
        }
    }
}
