package dev.facet.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.core.identity.InstanceIdentity;
import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.AuditEntry;
import dev.facet.core.mirror.UpstreamAlert;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.core.store.AuditLog;
import dev.facet.core.store.InstanceSettings;
import dev.facet.core.store.MirrorStore;
import dev.facet.core.store.MirrorTransaction;
import dev.facet.core.store.MirroredRepositories;
import dev.facet.core.store.UpstreamAlerts;
import dev.facet.core.store.UpstreamLinks;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The history guard through its current API: when the upstream's event history runs back or forks, an alert is
 * raised and destructive changes (ref deletions, forced rewinds) are held back until an admin accepts the upstream.
 */
class UpstreamGuardTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC);
    private static final String HASH_10 = "a".repeat(64);
    private static final String OTHER_HASH_10 = "b".repeat(64);
    private static final String HASH_12 = "c".repeat(64);

    private final FakeMirrorStore store = new FakeMirrorStore();

    private static final String PRIMARY_KEY = InstanceIdentity.generate(new SecureRandom()).publicKeyJwk();

    private static UpstreamLink appliedUpTo(long sequence, String hash) {
        return new UpstreamLink("https://primary.example", UpstreamState.INSTALLED, "request-1", "primary-1",
                PRIMARY_KEY, 1, "p".repeat(64), sequence, hash);
    }

    @Test
    void anAnswerIsJudgedByWhatWasSeenBeforeItWasAskedFor() {
        UpstreamGuard guard = new UpstreamGuard(store, CLOCK);
        UpstreamGuard.HistoryCheck reconciliation = guard.beforeAsking(appliedUpTo(10, HASH_10));

        // The event stream, running beside the reconciliation, reports a newer head first.
        assertThat(guard.beforeAsking(appliedUpTo(10, HASH_10)).wentBack(12, HASH_12)).isFalse();

        assertThat(reconciliation.wentBack(10, HASH_10)).as("an answer older than one seen meanwhile").isFalse();
        assertThat(guard.destructiveChangesAllowed()).isTrue();
        assertThat(guard.beforeAsking(appliedUpTo(10, HASH_10)).wentBack(11, "e".repeat(64)))
                .as("asked after event 12 was seen, an answer ending at 11 is a step back").isTrue();
    }

    @Test
    void destructiveChangesAreAllowedWhileNoAlertIsOpen() {
        UpstreamGuard guard = new UpstreamGuard(store, CLOCK);

        assertThat(guard.destructiveChangesAllowed()).isTrue();
    }

    @Test
    void aHeadAtOrAheadOfWhatTheMirrorAppliedIsNoAlert() {
        UpstreamGuard guard = new UpstreamGuard(store, CLOCK);

        assertThat(guard.beforeAsking(appliedUpTo(10, HASH_10)).wentBack(10, HASH_10)).isFalse();
        assertThat(guard.beforeAsking(appliedUpTo(10, HASH_10)).wentBack(12, HASH_12)).isFalse();
        assertThat(guard.destructiveChangesAllowed()).isTrue();
        assertThat(store.alerts).isEmpty();
    }

    @Test
    void aHistoryThatEndsBeforeWhatTheMirrorAppliedHoldsBackDestructiveChanges() {
        UpstreamGuard guard = new UpstreamGuard(store, CLOCK);

        assertThat(guard.beforeAsking(appliedUpTo(10, HASH_10)).wentBack(9, "d".repeat(64))).isTrue();

        assertThat(guard.destructiveChangesAllowed()).isFalse();
        assertThat(store.alerts).extracting(UpstreamAlert::kind).containsExactly(UpstreamAlert.Kind.HISTORY_REWOUND);
        assertThat(store.audit).extracting(AuditEntry::action).containsExactly(AuditAction.ALERT);
    }

    @Test
    void anotherEventAtTheSamePositionIsAForkAndHoldsBackDestructiveChanges() {
        UpstreamGuard guard = new UpstreamGuard(store, CLOCK);

        assertThat(guard.beforeAsking(appliedUpTo(10, HASH_10)).wentBack(10, OTHER_HASH_10)).isTrue();

        assertThat(guard.destructiveChangesAllowed()).isFalse();
        assertThat(store.alerts).extracting(UpstreamAlert::kind).containsExactly(UpstreamAlert.Kind.HISTORY_FORKED);
    }

    @Test
    void aRewindBelowAHeadSeenEarlierIsCaughtBeforeThatHeadWasApplied() {
        UpstreamGuard guard = new UpstreamGuard(store, CLOCK);
        guard.beforeAsking(appliedUpTo(10, HASH_10)).wentBack(12, HASH_12);

        assertThat(guard.beforeAsking(appliedUpTo(10, HASH_10)).wentBack(11, "e".repeat(64))).isTrue();

        assertThat(store.alerts).extracting(UpstreamAlert::kind).containsExactly(UpstreamAlert.Kind.HISTORY_REWOUND);
    }

    @Test
    void anAlertStillOpenFromBeforeARestartHoldsBackDestructiveChanges() {
        store.alerts.add(new UpstreamAlert(1, UpstreamAlert.Kind.HISTORY_FORKED, CLOCK.instant(), "earlier"));

        assertThat(new UpstreamGuard(store, CLOCK).destructiveChangesAllowed()).isFalse();
    }

    @Test
    void theSameAlertRaisedTwiceIsAuditedOnce() {
        UpstreamGuard guard = new UpstreamGuard(store, CLOCK);

        guard.beforeAsking(appliedUpTo(10, HASH_10)).wentBack(9, "d".repeat(64));
        guard.beforeAsking(appliedUpTo(10, HASH_10)).wentBack(8, "f".repeat(64));

        assertThat(store.alerts).hasSize(1);
        assertThat(store.audit).hasSize(1);
    }

    @Test
    void acceptingTheUpstreamAsItIsNowAllowsDestructiveChangesAgainAndForgetsTheHeadsSeen() {
        UpstreamGuard guard = new UpstreamGuard(store, CLOCK);
        guard.beforeAsking(appliedUpTo(10, HASH_10)).wentBack(12, HASH_12);
        guard.beforeAsking(appliedUpTo(10, HASH_10)).wentBack(9, "d".repeat(64));
        UpstreamLink repinned = appliedUpTo(9, "d".repeat(64));

        guard.accept(new UpstreamAcceptance.Accepted(repinned, false), "admin");

        assertThat(guard.destructiveChangesAllowed()).isTrue();
        assertThat(store.alerts).isEmpty();
        assertThat(store.link).isEqualTo(repinned);
        assertThat(store.audit).extracting(AuditEntry::action)
                .containsExactly(AuditAction.ALERT, AuditAction.ACCEPT_UPSTREAM);
        assertThat(guard.beforeAsking(repinned).wentBack(9, "d".repeat(64))).as("the old head no longer counts").isFalse();
    }

    /** A mirror database of the tables the guard uses: alerts, the audit trail and the upstream link. */
    private static final class FakeMirrorStore implements MirrorStore, MirrorTransaction, UpstreamAlerts, AuditLog,
            UpstreamLinks {
        final List<UpstreamAlert> alerts = new ArrayList<>();
        final List<AuditEntry> audit = new ArrayList<>();
        UpstreamLink link;

        @Override
        public synchronized <T> T inTransaction(Function<MirrorTransaction, T> work) {
            return work.apply(this);
        }

        @Override
        public void close() {
        }

        @Override
        public UpstreamLinks upstream() {
            return this;
        }

        @Override
        public MirroredRepositories repositories() {
            throw new UnsupportedOperationException("the guard does not read repositories");
        }

        @Override
        public InstanceSettings instanceSettings() {
            throw new UnsupportedOperationException("the guard does not read settings");
        }

        @Override
        public AuditLog audit() {
            return this;
        }

        @Override
        public UpstreamAlerts alerts() {
            return this;
        }

        @Override
        public dev.facet.core.store.LfsObjectRecords lfsObjects() {
            throw new UnsupportedOperationException("The guard keeps no Git LFS objects");
        }

        @Override
        public boolean raise(UpstreamAlert.Kind kind, Instant at, String details) {
            if (alerts.stream().anyMatch(alert -> alert.kind() == kind)) {
                return false;
            }
            return alerts.add(new UpstreamAlert(alerts.size() + 1, kind, at, details));
        }

        @Override
        public List<UpstreamAlert> open() {
            return List.copyOf(alerts);
        }

        @Override
        public int resolveAll(Instant at, String by) {
            int resolved = alerts.size();
            alerts.clear();
            return resolved;
        }

        @Override
        public void record(Instant at, String actor, AuditAction action, String instanceId, String instanceUrl,
                           String details) {
            audit.add(new AuditEntry(audit.size() + 1, at, actor, action, instanceId, instanceUrl, details));
        }

        @Override
        public List<AuditEntry> list(int start, int limit) {
            return audit.subList(Math.min(start, audit.size()), Math.min(audit.size(), start + limit));
        }

        @Override
        public Optional<UpstreamLink> get() {
            return Optional.ofNullable(link);
        }

        @Override
        public void save(UpstreamLink link) {
            this.link = link;
        }
    }
}
