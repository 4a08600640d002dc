package dev.facet.core.store;

import java.util.function.Function;

/** A mirror's own database: its link to the upstream and the repositories it carries. */
public interface MirrorStore extends AutoCloseable {
    <T> T inTransaction(Function<MirrorTransaction, T> work);

    @Override
    void close();
}
