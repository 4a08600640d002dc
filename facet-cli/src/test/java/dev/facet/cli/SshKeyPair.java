package dev.facet.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A key pair made by the real {@code ssh-keygen}, as a user would make one. */
record SshKeyPair(Path privateKey, String publicKey) {
    static SshKeyPair generate(Path dir, String name, String... typeAndBits) {
        try {
            Files.createDirectories(dir);
            Path key = dir.resolve(name);
            List<String> command = new java.util.ArrayList<>(List.of("ssh-keygen", "-q", "-N", "", "-C",
                    name + "@test", "-f", key.toString()));
            command.addAll(List.of(typeAndBits));
            run(command);
            return new SshKeyPair(key, Files.readString(dir.resolve(name + ".pub"), StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A key made for {@code user} and registered through the primary's REST API, as the user would. */
    static SshKeyPair registered(TestPrimary primary, Path dir, String user, String password, String type) {
        SshKeyPair key = generate(dir, user + "-" + type, "-t", type);
        TestPrimary.expect(201, primary.anonymous.as(user, password).post("/rest/ssh/latest/keys",
                RestClient.json("text", key.publicKey())));
        return key;
    }

    /** {@code ssh} signing in with this key only, trusting only the hosts in {@code knownHosts}. */
    String sshCommand(Path knownHosts) {
        return "ssh -i " + privateKey + " -o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes"
                + " -o UserKnownHostsFile=" + knownHosts + " -o StrictHostKeyChecking=yes -o LogLevel=ERROR";
    }

    /** Runs {@code ssh} itself with this key against {@code localhost:port}: what a user typing a command sees. */
    GitClient.Result ssh(Path knownHosts, int port, String... remoteCommand) {
        List<String> command = new java.util.ArrayList<>(List.of(sshCommand(knownHosts).split(" ")));
        command.addAll(List.of("-p", Integer.toString(port), "git@localhost"));
        command.addAll(List.of(remoteCommand));
        try {
            Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(
                    new java.io.File("/dev/null"))).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            return new GitClient.Result(process.exitValue(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The public half of the host key a server keeps in {@code keyFile}, as it goes into a known-hosts file. */
    static String hostKeyOf(Path keyFile) {
        String[] words = run(List.of("ssh-keygen", "-y", "-f", keyFile.toString())).strip().split(" ");
        return words[0] + " " + words[1];
    }

    /** The fingerprint {@code ssh-keygen -l} prints, such as {@code SHA256:…}. */
    String fingerprint() {
        return run(List.of("ssh-keygen", "-l", "-f", privateKey + ".pub")).split(" ")[1];
    }

    static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
