package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Backup and restore progress: a bar redrawn in place on a terminal, a plain line per tenth in a log. */
class BackupProgressTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void onATerminalOneBarIsRedrawnInPlaceAndEndsWithItsLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BackupProgress progress = BackupProgress.printingTo(new PrintStream(out, true, StandardCharsets.UTF_8), true);
        progress.phase("Writing backup.zip");
        for (long done = 0; done <= 40 * MIB; done += 4 * MIB) {
            progress.bytes(done, 40 * MIB);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).startsWith("Writing backup.zip\n");
        assertThat(printed.chars().filter(c -> c == '\n').count()).as("the bar stays on one line").isEqualTo(2);
        assertThat(printed).contains("\r  [----------").contains("\r  [##########-----")
                .endsWith("\r  [#########################] 100%  40.0 MiB of 40.0 MiB\n");
    }

    @Test
    void inALogEachTenthIsOnePlainLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BackupProgress progress = BackupProgress.printingTo(new PrintStream(out, true, StandardCharsets.UTF_8), false);
        for (long done = 0; done <= 100 * MIB; done += MIB) {
            progress.bytes(done, 100 * MIB);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).doesNotContain("\r").doesNotContain("#");
        assertThat(printed.lines().toList()).hasSize(11).first().asString().contains("0%  0.0 MiB of 100.0 MiB");
        assertThat(printed.lines().toList()).last().asString().contains("100%  100.0 MiB of 100.0 MiB");
    }
}
