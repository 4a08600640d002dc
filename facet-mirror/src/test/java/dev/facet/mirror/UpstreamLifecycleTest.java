package dev.facet.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.AuditEntry;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.core.store.MirrorStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpstreamLifecycleTest {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    @TempDir
    Path home;
    private MirrorStore store;
    private UpstreamLifecycle lifecycle;

    @BeforeEach
    void open() {
        store = TestMirrorStores.open(home);
        lifecycle = new UpstreamLifecycle(store, Clock.fixed(NOW, ZoneOffset.UTC),
                Optional.of(TestMirrorStores.UPSTREAM_URL));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aMoveTheTableAllowsIsSavedWithItsAuditEntry() {
        TestMirrorStores.save(store, TestMirrorStores.link(UpstreamState.INSTALLED));

        lifecycle.move(current -> UpstreamLifecycle.withState(current, UpstreamState.REMOVED), "facet",
                AuditAction.REMOVED, "removed by an administrator");

        assertThat(lifecycle.current().state()).isEqualTo(UpstreamState.REMOVED);
        AuditEntry entry = audit().get(0);
        assertThat(entry.action()).isEqualTo(AuditAction.REMOVED);
        assertThat(entry.actor()).isEqualTo("facet");
        assertThat(entry.at()).isEqualTo(NOW);
        assertThat(entry.instanceId()).isEqualTo("upstream-instance");
        assertThat(entry.instanceUrl()).isEqualTo(TestMirrorStores.UPSTREAM_URL);
    }

    @Test
    void aMoveTheTableForbidsChangesNothingAndSaysWhatItNeeds() {
        TestMirrorStores.save(store, TestMirrorStores.link(UpstreamState.INSTALLED));

        assertThatThrownBy(() -> lifecycle.move(current -> UpstreamLifecycle.withState(current,
                UpstreamState.UNCONFIGURED), "admin", AuditAction.RECONNECT, "reconnect"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("The mirror is INSTALLED; reconnect needs a REJECTED or REMOVED mirror.");
        assertThat(lifecycle.current().state()).isEqualTo(UpstreamState.INSTALLED);
        assertThat(audit()).isEmpty();
    }

    @Test
    void aMoveIsCheckedAgainstTheStateAtThatMomentNotTheOneACallerReadEarlier() {
        TestMirrorStores.save(store, TestMirrorStores.link(UpstreamState.INSTALLED));
        UpstreamLink readBeforeAHeartbeat = lifecycle.current();
        lifecycle.move(current -> UpstreamLifecycle.withState(current, UpstreamState.REMOVED), "facet",
                AuditAction.REMOVED, "removed");

        assertThatThrownBy(() -> lifecycle.move(current -> UpstreamLifecycle.withState(readBeforeAHeartbeat,
                UpstreamState.REMOVED), "facet", AuditAction.REMOVED, "removed again"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anUnregisteredMirrorStartsUnconfiguredAtItsConfiguredUpstream() {
        UpstreamLink requested = lifecycle.move(current -> new UpstreamLink(current.upstreamUrl(), UpstreamState.PENDING,
                "request-1", "upstream-instance", null, 0, null, 0, null), "facet", AuditAction.REQUEST, "request-1");

        assertThat(requested.upstreamUrl()).isEqualTo(TestMirrorStores.UPSTREAM_URL);
        assertThat(lifecycle.current().state()).isEqualTo(UpstreamState.PENDING);
    }

    @Test
    void anUpdateKeepsTheStateAMoveMadeMeanwhile() {
        TestMirrorStores.save(store, TestMirrorStores.link(UpstreamState.INSTALLED));
        lifecycle.move(current -> UpstreamLifecycle.withState(current, UpstreamState.REMOVED), "facet",
                AuditAction.REMOVED, "removed");

        lifecycle.update(current -> new UpstreamLink(current.upstreamUrl(), current.state(), current.requestId(),
                current.upstreamInstanceId(), current.upstreamPublicKey(), current.pinnedSequence(), current.pinnedHash(),
                9, "b".repeat(64)));

        assertThat(lifecycle.current().state()).isEqualTo(UpstreamState.REMOVED);
        assertThat(lifecycle.current().appliedSequence()).isEqualTo(9);
    }

    @Test
    void anUpdateCannotChangeTheState() {
        TestMirrorStores.save(store, TestMirrorStores.link(UpstreamState.INSTALLED));

        assertThatThrownBy(() -> lifecycle.update(current -> UpstreamLifecycle.withState(current,
                UpstreamState.REMOVED))).isInstanceOf(IllegalArgumentException.class);
        assertThat(lifecycle.current().state()).isEqualTo(UpstreamState.INSTALLED);
    }

    @Test
    void aRepinTakesThePinAndKeepsTheStateTheLinkIsInNow() {
        TestMirrorStores.save(store, TestMirrorStores.link(UpstreamState.REMOVED));
        UpstreamLink readWhileInstalled = TestMirrorStores.link(UpstreamState.INSTALLED);
        UpstreamLink repinned = new UpstreamLink(readWhileInstalled.upstreamUrl(), UpstreamState.INSTALLED,
                readWhileInstalled.requestId(), "new-instance", "{\"kty\":\"OKP\",\"x\":\"new\"}", 0, null, 0, null);

        store.inTransaction(tx -> lifecycle.repin(tx, repinned));

        assertThat(lifecycle.current()).isEqualTo(UpstreamLifecycle.withState(repinned, UpstreamState.REMOVED));
    }

    @Test
    void aStoppedMirrorThatWasNeverRegisteredHasNoLinkToMove() {
        UpstreamLifecycle stopped = new UpstreamLifecycle(store, Clock.systemUTC(), Optional.empty());

        assertThatThrownBy(() -> stopped.move(current -> UpstreamLifecycle.withState(current,
                UpstreamState.UNCONFIGURED), "admin", AuditAction.RECONNECT, "reconnect"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("never registered");
    }

    private List<AuditEntry> audit() {
        return store.inTransaction(tx -> tx.audit().list(0, 10));
    }
}
