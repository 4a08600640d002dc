package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code facet demo} as a newcomer runs it: it prints a mirror URL that a real git clone works against. */
class DemoProcessIT {
    @TempDir
    Path work;

    @Test
    void demoPrintsUrlsThatCloneFromTheMirror() throws Exception {
        Process demo = new ProcessBuilder("java", "-jar", System.getProperty("facet.jar"), "demo",
                "--dir", work.resolve("homes").toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
            List<String> lines = CompletableFuture.supplyAsync(() -> {
                List<String> seen = new ArrayList<>();
                try {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        seen.add(line);
                        if (line.contains("press Ctrl-C")) {
                            return seen;
                        }
                    }
                } catch (java.io.IOException e) {
                    seen.add(e.toString());
                }
                return seen;
            }).get(120, TimeUnit.SECONDS);
            String mirrorClone = lines.stream().filter(l -> l.contains("clone from the mirror:")).findFirst()
                    .orElseThrow(() -> new AssertionError("no mirror clone line in:\n" + String.join("\n", lines)));
            String url = mirrorClone.substring(mirrorClone.indexOf("git clone ") + "git clone ".length()).strip();
            assertThat(lines).anyMatch(l -> l.contains("password"));

            GitClient git = new GitClient(work.resolve("git-home"));
            git.run(work, "clone", "-q", url, work.resolve("hello").toString()).requireSuccess();
            assertThat(work.resolve("hello/README.md")).content().contains("Hello from Facet");
        } finally {
            demo.destroy();
            assertThat(demo.waitFor(30, TimeUnit.SECONDS)).as("demo stops on SIGTERM").isTrue();
        }
    }
}
