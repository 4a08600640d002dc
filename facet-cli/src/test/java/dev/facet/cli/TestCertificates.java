package dev.facet.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority of the test's own, made with {@code openssl}, that issues server
 * certificates for localhost and 127.0.0.1 in PEM files, keys in PKCS#8 as Facet reads them.
 */
final class TestCertificates {
    private final Path directory;
    final Path authority;
    private final Path authorityKey;

    private TestCertificates(Path directory) {
        this.directory = directory;
        this.authority = directory.resolve("ca.pem");
        this.authorityKey = directory.resolve("ca.key");
    }

    /** A new authority named {@code name}, with its files in {@code directory}. */
    static TestCertificates authority(Path directory, String name) {
        TestCertificates ca = new TestCertificates(directory);
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl(directory, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca.authorityKey.toString(),
                "-out", ca.authority.toString(), "-days", "2", "-subj", "/CN=" + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return ca;
    }

    /** A server certificate and its key, for localhost and 127.0.0.1. */
    record Issued(Path certificate, Path privateKey) {
    }

    /** Issues a server certificate; {@code keyType} is {@code rsa} or {@code ec}. */
    Issued issue(String name, String keyType) {
        Path key = directory.resolve(name + ".key");
        Path request = directory.resolve(name + ".csr");
        Path certificate = directory.resolve(name + ".pem");
        Path extensions = directory.resolve(name + ".ext");
        try {
            Files.writeString(extensions, "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                    + "extendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> newKey = keyType.equals("ec")
                ? List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1")
                : List.of("-newkey", "rsa:2048");
        List<String> args = new ArrayList<>(List.of("req"));
        args.addAll(newKey);
        args.addAll(List.of("-nodes", "-keyout", key.toString(), "-out", request.toString(), "-subj", "/CN=" + name));
        openssl(directory, args.toArray(String[]::new));
        openssl(directory, "x509", "-req", "-in", request.toString(), "-CA", authority.toString(), "-CAkey",
                authorityKey.toString(), "-CAcreateserial", "-out", certificate.toString(), "-days", "2",
                "-extfile", extensions.toString());
        return new Issued(certificate, key);
    }

    private static void openssl(Path directory, String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        try {
            Path output = Files.createTempFile(directory, "openssl", ".out");
            Process process = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new AssertionError("openssl " + String.join(" ", args) + " failed:\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            Files.delete(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
