package dev.facet.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One run of the {@code facet} command in this JVM, with what it printed on standard output and error together. */
record FacetRun(int exit, String out) {
    static synchronized FacetRun of(String... args) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream original = System.out;
        PrintStream originalErr = System.err;
        try {
            PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
            System.setOut(capture);
            System.setErr(capture);
            int exit = Main.commandLine().execute(args);
            return new FacetRun(exit, printed.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
            System.setErr(originalErr);
        }
    }
}
