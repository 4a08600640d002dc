package dev.facet.core.store;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The database of one Facet instance. Every change and the event that announces it are made in
 * one transaction, so the outbox never holds an event for a change that did not happen.
 */
public interface Store extends AutoCloseable {

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    <T> T inTransaction(Function<StoreTransaction, T> work);

    default void useTransaction(Consumer<StoreTransaction> work) {
        inTransaction(tx -> {
            work.accept(tx);
            return null;
        });
    }

    /** Releases the connection pool. */
    @Override
    void close();
}
