package dev.facet.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UploadPackSessionTest {
    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String next(InputStream in) throws IOException {
        byte[] command = UploadPackSession.nextCommand(in);
        return command == null ? null : new String(command, StandardCharsets.US_ASCII);
    }

    @Test
    void readsOneCommandAtATimeUpToItsFlushAndNothingAfterTheLast() throws IOException {
        String lsRefs = "0014command=ls-refs\n0001000csymrefs\n0000";
        String fetch = "0012command=fetch\n00010032want 0123456789012345678901234567890123456789\n0009done\n0000";
        InputStream in = stream(lsRefs + fetch);

        assertThat(next(in)).isEqualTo(lsRefs);
        assertThat(next(in)).isEqualTo(fetch);
        assertThat(next(in)).isNull();
    }

    @Test
    void aClientThatHangsUpMidCommandOrSendsSomethingElseIsAnError() {
        assertThatThrownBy(() -> next(stream("0014command=ls-refs\n0001"))).hasMessageContaining("hung up");
        assertThatThrownBy(() -> next(stream("0014comm"))).hasMessageContaining("hung up");
        assertThatThrownBy(() -> next(stream("GET / HTTP/1.1\r\n"))).hasMessageContaining("pkt-line");
        assertThatThrownBy(() -> next(stream("0003"))).hasMessageContaining("length 3");
    }

    @Test
    void aCommandLargerThanTheLimitIsRefusedBeforeItIsRead() {
        String line = "fff0" + "x".repeat(0xfff0 - 4);
        InputStream endless = new InputStream() {
            private int at;

            @Override
            public int read() {
                return line.charAt(at++ % line.length());
            }
        };
        assertThatThrownBy(() -> next(endless))
                .hasMessageContaining("larger than " + UploadPackSession.MAX_COMMAND_BYTES);
    }

    @Test
    void endlessDelimAndResponseEndPacketsAreRefusedOnceTheyReachTheLimit() {
        for (String packet : new String[] {"0001", "0002"}) {
            InputStream endless = new InputStream() {
                private long at;

                @Override
                public int read() {
                    if (at > 2L * UploadPackSession.MAX_COMMAND_BYTES) {
                        throw new AssertionError("read past the limit without refusing: " + at + " bytes");
                    }
                    return packet.charAt((int) (at++ % 4));
                }
            };
            assertThatThrownBy(() -> next(endless)).as(packet).isInstanceOf(UploadPackSession.NotGitProtocol.class)
                    .hasMessageContaining("larger than " + UploadPackSession.MAX_COMMAND_BYTES);
        }
    }

    @Test
    void aLengthIsExactlyFourHexDigitsWithoutSignOrSpace() throws IOException {
        for (String length : new String[] {"+00a", "-001", "-000", " 00a", "0x0a", "+0001"}) {
            assertThatThrownBy(() -> next(stream("0014command=ls-refs\n" + length + "0000"))).as(length)
                    .isInstanceOf(UploadPackSession.NotGitProtocol.class).hasMessageContaining("pkt-line");
        }
        assertThat(next(stream("000Ccommand\n0000"))).isEqualTo("000Ccommand\n0000");
    }
}
