package dev.facet.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventChainTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:15:30.123Z");

    private final Event first = next(EventChain.GENESIS, EventType.REPOSITORY_CREATED, 7L, "{\"slug\":\"facet\"}");
    private final Event second = next(first.link(), EventType.REFS_CHANGED, 7L, "{\"ref\":\"refs/heads/main\"}");
    private final Event third = next(second.link(), EventType.PERMISSIONS_CHANGED, null, "{}");

    @Test
    void genesisIsSequenceZeroWithAnAllZeroHash() {
        assertThat(EventChain.GENESIS_HASH).hasSize(64).matches("0+");
        assertThat(EventChain.GENESIS).isEqualTo(new EventChain.Link(0, EventChain.GENESIS_HASH));
    }

    @Test
    void aChainOfThreeEventsVerifies() {
        assertThat(first.follows(EventChain.GENESIS)).isTrue();
        assertThat(second.follows(first.link())).isTrue();
        assertThat(third.follows(second.link())).isTrue();
    }

    @Test
    void linkIsTheSequenceAndHashOfTheEvent() {
        assertThat(second.link()).isEqualTo(new EventChain.Link(2, second.hash()));
    }

    @Test
    void anEventWhosePayloadWasTamperedWithDoesNotVerify() {
        Event tampered = new Event(second.sequence(), second.type(), second.repositoryId(),
                "{\"ref\":\"refs/heads/evil\"}", second.createdAt(), second.previousHash(), second.hash());

        assertThat(tampered.follows(first.link())).isFalse();
    }

    @Test
    void anEventWhoseTypeRepositoryOrTimeWasTamperedWithDoesNotVerify() {
        Event otherType = new Event(2, EventType.REPOSITORY_DELETED, 7L, second.payload(), second.createdAt(),
                second.previousHash(), second.hash());
        Event otherRepository = new Event(2, second.type(), 8L, second.payload(), second.createdAt(),
                second.previousHash(), second.hash());
        Event noRepository = new Event(2, second.type(), null, second.payload(), second.createdAt(),
                second.previousHash(), second.hash());
        Event otherTime = new Event(2, second.type(), 7L, second.payload(), second.createdAt().plusMillis(1),
                second.previousHash(), second.hash());

        assertThat(otherType.follows(first.link())).isFalse();
        assertThat(otherRepository.follows(first.link())).isFalse();
        assertThat(noRepository.follows(first.link())).isFalse();
        assertThat(otherTime.follows(first.link())).isFalse();
    }

    @Test
    void anEventThatSkipsASequenceDoesNotFollow() {
        Event skipping = withSequence(first.link(), 3);

        assertThat(skipping.follows(first.link())).isFalse();
        assertThat(third.follows(first.link())).isFalse();
    }

    @Test
    void anEventThatRepeatsASequenceDoesNotFollow() {
        assertThat(withSequence(first.link(), 1).follows(first.link())).isFalse();
    }

    @Test
    void anEventChainedOntoAnotherPreviousHashDoesNotFollow() {
        EventChain.Link fork = new EventChain.Link(1, "f".repeat(64));
        Event onFork = next(fork, EventType.REFS_CHANGED, 7L, "{}");

        assertThat(onFork.follows(fork)).isTrue();
        assertThat(onFork.follows(first.link())).isFalse();
    }

    @Test
    void anEventThatClaimsTheRightPreviousHashButWasHashedOverAnotherDoesNotFollow() {
        String hashOverOther = EventChain.hash("f".repeat(64), 2, EventType.REFS_CHANGED, 7L, "{}", T0);
        Event forged = new Event(2, EventType.REFS_CHANGED, 7L, "{}", T0, first.hash(), hashOverOther);

        assertThat(forged.follows(first.link())).isFalse();
    }

    @Test
    void timestampsAreKeptToTheMillisecond() {
        Instant precise = Instant.parse("2024-05-01T10:15:30.123456789Z");

        assertThat(EventChain.timestamp(precise)).isEqualTo(Instant.parse("2024-05-01T10:15:30.123Z"));
    }

    @Test
    void hashCoversEveryField() {
        String hash = EventChain.hash(EventChain.GENESIS_HASH, 1, EventType.REFS_CHANGED, 7L, "{}", T0);

        assertThat(hash).matches("[0-9a-f]{64}");
        assertThat(EventChain.hash("f".repeat(64), 1, EventType.REFS_CHANGED, 7L, "{}", T0)).isNotEqualTo(hash);
        assertThat(EventChain.hash(EventChain.GENESIS_HASH, 2, EventType.REFS_CHANGED, 7L, "{}", T0)).isNotEqualTo(hash);
        assertThat(EventChain.hash(EventChain.GENESIS_HASH, 1, EventType.REPOSITORY_CREATED, 7L, "{}", T0))
                .isNotEqualTo(hash);
        assertThat(EventChain.hash(EventChain.GENESIS_HASH, 1, EventType.REFS_CHANGED, null, "{}", T0))
                .isNotEqualTo(hash);
        assertThat(EventChain.hash(EventChain.GENESIS_HASH, 1, EventType.REFS_CHANGED, 7L, "{ }", T0))
                .isNotEqualTo(hash);
        assertThat(EventChain.hash(EventChain.GENESIS_HASH, 1, EventType.REFS_CHANGED, 7L, "{}", T0.plusMillis(1)))
                .isNotEqualTo(hash);
    }

    @Test
    void anEventRequiresEveryFieldButItsRepository() {
        assertThatNullPointerException().isThrownBy(() -> new Event(1, null, null, "{}", T0, "a", "b"))
                .withMessage("type");
        assertThatNullPointerException().isThrownBy(() -> new Event(1, EventType.REFS_CHANGED, null, null, T0, "a", "b"))
                .withMessage("payload");
        assertThatNullPointerException().isThrownBy(() -> new Event(1, EventType.REFS_CHANGED, null, "{}", null, "a", "b"))
                .withMessage("createdAt");
    }

    /** The event a correct writer appends after {@code previous}. */
    private static Event next(EventChain.Link previous, EventType type, Long repositoryId, String payload) {
        long sequence = previous.sequence() + 1;
        Instant at = T0.plusSeconds(sequence);
        return new Event(sequence, type, repositoryId, payload, at, previous.hash(),
                EventChain.hash(previous.hash(), sequence, type, repositoryId, payload, at));
    }

    /** A correctly hashed event after {@code previous}, but with the given sequence. */
    private static Event withSequence(EventChain.Link previous, long sequence) {
        return new Event(sequence, EventType.REFS_CHANGED, 7L, "{}", T0, previous.hash(),
                EventChain.hash(previous.hash(), sequence, EventType.REFS_CHANGED, 7L, "{}", T0));
    }
}
