package dev.facet.core.ref;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class RefsHashTest {
    private static final ObjectId ONE = ObjectId.fromString("1111111111111111111111111111111111111111");
    private static final ObjectId TWO = ObjectId.fromString("2222222222222222222222222222222222222222");
    private static final ObjectId THREE = ObjectId.fromString("3333333333333333333333333333333333333333");

    @Test
    void isTheSha256OfSortedNameAndIdLines() throws Exception {
        Map<String, ObjectId> refs = refs("refs/tags/v1.0", TWO, "refs/heads/main", ONE, "HEAD", ONE);

        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        for (String line : List.of("HEAD " + ONE.name() + "\n", "refs/heads/main " + ONE.name() + "\n",
                "refs/tags/v1.0 " + TWO.name() + "\n")) {
            sha256.update(line.getBytes(StandardCharsets.UTF_8));
        }
        String expected = HexFormat.of().formatHex(sha256.digest());

        assertThat(RefsHash.of(refs).value()).isEqualTo(expected);
    }

    @Test
    void matchesAValueComputedWithSha256sum() {
        // printf 'refs/heads/main 1111…\nrefs/tags/v1.0 2222…\n' | sha256sum
        Map<String, ObjectId> refs = refs("refs/tags/v1.0", TWO, "refs/heads/main", ONE);

        assertThat(RefsHash.of(refs))
                .isEqualTo(new RefsHash("3592e31d05eff62e7528dd71370ec6dceff0a4d07615a93ea23a7757e5535ff7"));
    }

    @Test
    void ofNoRefsIsTheSha256OfNothing() {
        assertThat(RefsHash.of(Map.of()).value())
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void doesNotDependOnTheOrderRefsAreGivenIn() {
        RefsHash forwards = RefsHash.of(refs("refs/heads/a", ONE, "refs/heads/b", TWO, "refs/tags/c", THREE));
        RefsHash backwards = RefsHash.of(refs("refs/tags/c", THREE, "refs/heads/b", TWO, "refs/heads/a", ONE));

        assertThat(forwards).isEqualTo(backwards);
    }

    @Test
    void changesWhenAnyRefChanges() {
        RefsHash original = RefsHash.of(refs("refs/heads/a", ONE, "refs/heads/b", TWO));

        assertThat(RefsHash.of(refs("refs/heads/a", ONE, "refs/heads/b", THREE)))
                .as("a ref moved").isNotEqualTo(original);
        assertThat(RefsHash.of(refs("refs/heads/a", ONE, "refs/heads/c", TWO)))
                .as("a ref renamed").isNotEqualTo(original);
        assertThat(RefsHash.of(refs("refs/heads/a", ONE, "refs/heads/b", TWO, "refs/heads/c", THREE)))
                .as("a ref added").isNotEqualTo(original);
        assertThat(RefsHash.of(refs("refs/heads/a", ONE)))
                .as("a ref deleted").isNotEqualTo(original);
        assertThat(RefsHash.of(refs("refs/heads/a", TWO, "refs/heads/b", ONE)))
                .as("two refs swapped ids").isNotEqualTo(original);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "abc", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
            "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8550"})
    void rejectsAnythingButSixtyFourLowerCaseHexDigits(String value) {
        assertThatIllegalArgumentException().isThrownBy(() -> new RefsHash(value))
                .withMessageContaining("64 lower-case hex digits");
    }

    private static Map<String, ObjectId> refs(Object... namesAndIds) {
        Map<String, ObjectId> refs = new LinkedHashMap<>();
        for (int i = 0; i < namesAndIds.length; i += 2) {
            refs.put((String) namesAndIds[i], (ObjectId) namesAndIds[i + 1]);
        }
        return refs;
    }
}
