package dev.facet.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real {@code git} command line, isolated from the machine's configuration and never prompting. */
final class GitClient {
    private final Path home;

    GitClient(Path home) {
        this.home = home;
        try {
            Files.createDirectories(home);
            Files.writeString(home.resolve(".gitconfig"), """
                    [user]
                        name = Facet Test
                        email = test@facet.invalid
                    [init]
                        defaultBranch = main
                    [advice]
                        detachedHead = false
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The outcome of one git command. */
    record Result(int exitCode, String stdout, String stderr) {
        Result requireSuccess() {
            if (exitCode != 0) {
                throw new AssertionError("git failed with " + exitCode + ":\n" + stderr + stdout);
            }
            return this;
        }
    }

    Result run(Path workDir, String... args) {
        return run(workDir, Map.of(), args);
    }

    Result run(Path workDir, Map<String, String> extraEnvironment, String... args) {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> env = builder.environment();
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_ASKPASS", "");
        env.put("SSH_ASKPASS", "");
        env.putAll(extraEnvironment);
        try {
            Path out = Files.createTempFile(home, "git", ".out");
            Path err = Files.createTempFile(home, "git", ".err");
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("git " + String.join(" ", args) + " did not finish within 120 s");
            }
            Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** A new working repository with one commit per file name given. */
    Path newWorkTree(Path dir, String... files) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(dir, "init", "-q").requireSuccess();
        for (String file : files) {
            commitFile(dir, file, file + " content\n");
        }
        return dir;
    }

    void commitFile(Path dir, String file, String content) {
        try {
            Files.writeString(dir.resolve(file), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(dir, "add", file).requireSuccess();
        run(dir, "commit", "-q", "-m", "add " + file).requireSuccess();
    }

    /** {@code ls-remote} output as lines "<id>\t<ref>", sorted. */
    List<String> lsRemote(Path dir, String url) {
        return run(dir, "ls-remote", url).requireSuccess().stdout().lines().sorted().toList();
    }
}
