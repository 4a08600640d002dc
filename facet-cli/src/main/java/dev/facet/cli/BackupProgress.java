package dev.facet.cli;

import java.io.PrintStream;
import java.util.Locale;

/** How far a backup or a restore is: phases as lines, bytes as a bar on a terminal and as a line every tenth elsewhere. */
interface BackupProgress {
    void phase(String line);

    void bytes(long done, long total);

    /** Draws on {@code out}: a bar redrawn in place when it is a terminal, plain lines when it is a file or a pipe. */
    static BackupProgress printingTo(PrintStream out, boolean terminal) {
        return new BackupProgress() {
            private int lastTenth = -1;
            private boolean barShown;

            @Override
            public void phase(String line) {
                endBar();
                out.println(line);
            }

            @Override
            public void bytes(long done, long total) {
                int percent = total == 0 ? 100 : (int) Math.min(100, done * 100 / total);
                String figures = String.format(Locale.ROOT, "%3d%%  %s of %s", percent, mebibytes(done), mebibytes(total));
                if (terminal) {
                    int filled = percent / 4;
                    out.print("\r  [" + "#".repeat(filled) + "-".repeat(25 - filled) + "] " + figures);
                    out.flush();
                    barShown = true;
                    if (done >= total) {
                        endBar();
                    }
                } else if (percent / 10 != lastTenth) {
                    lastTenth = percent / 10;
                    out.println("  " + figures);
                }
            }

            private void endBar() {
                if (barShown) {
                    out.println();
                    barShown = false;
                }
            }
        };
    }

    static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
