package dev.facet.core.mirror.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.facet.core.event.Event;
import dev.facet.core.event.EventChain;
import dev.facet.core.event.EventType;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StreamedEventTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00.000Z");

    private final Event carried = next(EventChain.GENESIS, "{\"repository\":{\"project\":\"ALPHA\",\"slug\":\"a\"}}");
    private final Event other = next(carried.link(), "{\"repository\":{\"project\":\"BRAVO\",\"slug\":\"secret\"}}");
    private final Event carriedAgain = next(other.link(), "{\"repository\":{\"project\":\"ALPHA\",\"slug\":\"b\"}}");

    private static Event next(EventChain.Link previous, String payload) {
        long sequence = previous.sequence() + 1;
        Instant at = T0.plusSeconds(sequence);
        return new Event(sequence, EventType.REPOSITORY_CREATED, sequence, payload, at, previous.hash(),
                EventChain.hash(previous.hash(), sequence, EventType.REPOSITORY_CREATED, sequence, payload, at));
    }

    @Test
    void aWithheldEventSaysNothingButItsPlaceInTheChain() {
        StreamedEvent withheld = StreamedEvent.withheld(other);

        assertThat(withheld.isWithheld()).isTrue();
        assertThat(withheld.type()).isNull();
        assertThat(withheld.payload()).isNull();
        assertThat(withheld.repositoryId()).isNull();
        assertThat(withheld.link()).isEqualTo(other.link());
        assertThat(withheld.previousHash()).isEqualTo(carried.hash());
        assertThatIllegalStateException().isThrownBy(withheld::toEvent);
    }

    @Test
    void aChainWithAWithheldEventInTheMiddleStillLinks() {
        StreamedEvent first = StreamedEvent.of(carried);
        StreamedEvent middle = StreamedEvent.withheld(other);
        StreamedEvent last = StreamedEvent.of(carriedAgain);

        assertThat(first.follows(EventChain.GENESIS)).isTrue();
        assertThat(middle.follows(first.link())).isTrue();
        assertThat(last.follows(middle.link())).isTrue();
    }

    @Test
    void aWithheldEventOutOfPlaceOrWithAForgedHashBreaksTheChain() {
        StreamedEvent middle = StreamedEvent.withheld(other);
        StreamedEvent forged = new StreamedEvent(other.sequence(), null, null, null, 0, other.previousHash(),
                "f".repeat(64));

        assertThat(middle.follows(EventChain.GENESIS)).as("a gap").isFalse();
        assertThat(middle.follows(new EventChain.Link(1, "a".repeat(64)))).as("another history").isFalse();
        assertThat(StreamedEvent.of(carriedAgain).follows(forged.link()))
                .as("the next full event names the real hash of the withheld one").isFalse();
    }
}
