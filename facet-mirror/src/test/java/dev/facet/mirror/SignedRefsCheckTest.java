package dev.facet.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.core.ref.RefsHash;
import dev.facet.mirror.SignedRefsCheck.Verdict;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;

class SignedRefsCheckTest {
    private static final RefsHash OLD = RefsHash.of(Map.of("refs/heads/main",
            ObjectId.fromString("1111111111111111111111111111111111111111")));
    private static final RefsHash NEW = RefsHash.of(Map.of("refs/heads/main",
            ObjectId.fromString("2222222222222222222222222222222222222222")));
    private static final RefsHash NEWER = RefsHash.of(Map.of("refs/heads/main",
            ObjectId.fromString("3333333333333333333333333333333333333333")));

    /** Each fetch is a retry, past the spacing at which contradictions count, unless a test says otherwise. */
    private final AtomicLong nanos = new AtomicLong();
    private final SignedRefsCheck check = new SignedRefsCheck(
            () -> nanos.addAndGet(SignedRefsCheck.COUNTED_APART.toNanos()));

    @Test
    void advertisedRefsThatAreTheSignedOnesMayBeAppliedWhole() {
        assertThat(check.judge(1, NEW.value(), NEW)).isEqualTo(Verdict.SIGNED);
        assertThat(SignedRefsCheck.destructiveAllowed(NEW.value(), NEW)).isTrue();
    }

    @Test
    void advertisedRefsThatDifferFromTheSignedOnesMayNeitherDeleteNorRewind() {
        assertThat(SignedRefsCheck.destructiveAllowed(NEW.value(), OLD)).isFalse();
        assertThat(SignedRefsCheck.destructiveAllowed(null, OLD)).isFalse();
        assertThat(check.judge(1, NEW.value(), OLD)).isEqualTo(Verdict.CONTRADICTED);
    }

    @Test
    void aRepositoryWithNoSignedStateYetTakesAdditionsWithoutSuspicion() {
        for (int i = 0; i < 5; i++) {
            assertThat(check.judge(1, null, OLD)).isEqualTo(Verdict.UNSIGNED);
        }
    }

    @Test
    void theSameSignedStateContradictedPastARetryOrTwoIsAnAlteredAnswer() {
        assertThat(check.judge(1, NEW.value(), OLD)).isEqualTo(Verdict.CONTRADICTED);
        assertThat(check.judge(1, NEW.value(), OLD)).isEqualTo(Verdict.CONTRADICTED);
        assertThat(check.judge(1, NEW.value(), OLD)).isEqualTo(Verdict.ALTERED);
    }

    @Test
    void aPushRacingItsOwnEventNeverRaisesAnAlert() {
        // Each fetch sees the push after the newest event; the event follows, and the next fetch catches up.
        assertThat(check.judge(1, OLD.value(), NEW)).isEqualTo(Verdict.CONTRADICTED);
        assertThat(check.judge(1, NEW.value(), NEWER)).isEqualTo(Verdict.CONTRADICTED);
        assertThat(check.judge(1, NEWER.value(), NEWER)).isEqualTo(Verdict.SIGNED);
        assertThat(check.judge(1, NEWER.value(), OLD)).isEqualTo(Verdict.CONTRADICTED);
        assertThat(check.judge(1, NEWER.value(), OLD)).isEqualTo(Verdict.CONTRADICTED);
    }

    @Test
    void aNewerSignedStateStartsTheCountAfresh() {
        check.judge(1, OLD.value(), NEWER);
        check.judge(1, OLD.value(), NEWER);
        assertThat(check.judge(1, NEW.value(), NEWER)).isEqualTo(Verdict.CONTRADICTED);
        assertThat(check.judge(1, NEW.value(), NEWER)).isEqualTo(Verdict.CONTRADICTED);
    }

    @Test
    void repositoriesAreCountedApart() {
        check.judge(1, NEW.value(), OLD);
        check.judge(1, NEW.value(), OLD);
        assertThat(check.judge(2, NEW.value(), OLD)).isEqualTo(Verdict.CONTRADICTED);
    }

    @Test
    void aGitNotFoundForARepositoryTheSignedStateListsIsRetriedThenAlteredNeverAGoodbye() {
        assertThat(check.judgeMissing(1, NEW.value())).isEqualTo(Verdict.CONTRADICTED);
        assertThat(check.judgeMissing(1, NEW.value())).isEqualTo(Verdict.CONTRADICTED);
        assertThat(check.judgeMissing(1, NEW.value())).isEqualTo(Verdict.ALTERED);
    }

    @Test
    void fetchesThatEventsSetOffTogetherCountAsOneContradiction() {
        // A rename, its default branch and a push announced at once: three fetches under the old name, one moment.
        AtomicLong frozen = new AtomicLong();
        SignedRefsCheck racing = new SignedRefsCheck(frozen::get);
        for (int i = 0; i < 5; i++) {
            assertThat(racing.judgeMissing(1, NEW.value())).isEqualTo(Verdict.CONTRADICTED);
            assertThat(racing.judge(2, NEW.value(), OLD)).isEqualTo(Verdict.CONTRADICTED);
        }
        // The same answer still wrong on the retries that follow is altered.
        frozen.addAndGet(SignedRefsCheck.COUNTED_APART.toNanos());
        assertThat(racing.judgeMissing(1, NEW.value())).isEqualTo(Verdict.CONTRADICTED);
        frozen.addAndGet(SignedRefsCheck.COUNTED_APART.toNanos());
        assertThat(racing.judgeMissing(1, NEW.value())).isEqualTo(Verdict.ALTERED);
    }

    @Test
    void aForgottenRepositoryStartsAfresh() {
        check.judgeMissing(1, NEW.value());
        check.judgeMissing(1, NEW.value());
        check.forget(1);
        assertThat(check.judgeMissing(1, NEW.value())).isEqualTo(Verdict.CONTRADICTED);
    }
}
