package dev.facet.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InProcessEventSignalTest {
    @Test
    void firingWakesEveryWaitingReaderAndArmsANewSignal() {
        EventSignal signal = new InProcessEventSignal();
        CompletableFuture<Void> first = signal.next();
        CompletableFuture<Void> second = signal.next();
        signal.fire();
        assertThat(first).isDone();
        assertThat(second).isDone();
        assertThat(signal.next()).isNotDone();
    }
}
