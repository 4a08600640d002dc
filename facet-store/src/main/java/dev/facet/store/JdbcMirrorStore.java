package dev.facet.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.facet.core.store.AuditLog;
import dev.facet.core.store.InstanceSettings;
import dev.facet.core.store.LfsObjectRecords;
import dev.facet.core.store.MirrorStore;
import dev.facet.core.store.MirrorTransaction;
import dev.facet.core.store.MirroredRepositories;
import dev.facet.core.store.UpstreamAlerts;
import dev.facet.core.store.UpstreamLinks;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/** A mirror's database (embedded H2 by default), migrated by Flyway from its own migrations when opened. */
public final class JdbcMirrorStore implements MirrorStore {
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final ProjectDigestSums projectDigestSums = new ProjectDigestSums();
    /** The projects touched by the transaction this thread is in, if it is in one. */
    private final ThreadLocal<Set<String>> touchedInThisThread = new ThreadLocal<>();

    private JdbcMirrorStore(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
    }

    public static JdbcMirrorStore open(DatabaseSettings settings) {
        return new JdbcMirrorStore(JdbcStore.openMigrated(settings, "classpath:db/mirror"));
    }

    @Override
    public <T> T inTransaction(Function<MirrorTransaction, T> work) {
        // Jdbi runs a transaction begun inside another on the same handle: its projects are marked when the
        // outermost one ends, not before it has committed.
        Set<String> enclosing = touchedInThisThread.get();
        if (enclosing != null) {
            return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED,
                    handle -> work.apply(transaction(handle, enclosing)));
        }
        Set<String> touchedProjects = new HashSet<>();
        touchedInThisThread.set(touchedProjects);
        try {
            return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, handle -> work.apply(transaction(handle,
                    touchedProjects)));
        } finally {
            touchedInThisThread.remove();
            // Committed or rolled back: a project marked needlessly is only summed again.
            projectDigestSums.changed(touchedProjects);
        }
    }

    private MirrorTransaction transaction(Handle handle, Set<String> touchedProjects) {
        return new MirrorTransaction() {
            @Override
            public UpstreamLinks upstream() {
                return new JdbcUpstreamLinks(handle);
            }

            @Override
            public MirroredRepositories repositories() {
                return new JdbcMirroredRepositories(handle, projectDigestSums, touchedProjects);
            }

            @Override
            public InstanceSettings instanceSettings() {
                return new JdbcInstanceSettings(handle);
            }

            @Override
            public AuditLog audit() {
                return new JdbcAuditLog(handle);
            }

            @Override
            public UpstreamAlerts alerts() {
                return new JdbcUpstreamAlerts(handle);
            }

            @Override
            public LfsObjectRecords lfsObjects() {
                // The mirror's lfs_objects has the primary's shape: the same queries serve both.
                return new JdbcLfsObjectRecords(handle);
            }
        };
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
