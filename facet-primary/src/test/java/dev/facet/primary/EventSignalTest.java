package dev.facet.primary;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class EventSignalTest {
    @Test
    void firingWakesEveryWaitingReaderAndArmsANewSignal() {
        EventSignal signal = new EventSignal();
        CompletableFuture<Void> first = signal.next();
        CompletableFuture<Void> second = signal.next();
        signal.fire();
        assertThat(first).isDone();
        assertThat(second).isDone();
        assertThat(signal.next()).isNotDone();
    }
}
