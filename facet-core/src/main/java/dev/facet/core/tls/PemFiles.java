package dev.facet.core.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM files with the JDK alone: X.509 certificates ({@code BEGIN CERTIFICATE}, one or a
 * chain or a bundle) and unencrypted PKCS#8 private keys ({@code BEGIN PRIVATE KEY}) of RSA or EC.
 * Older key formats are named in the error with the command that converts them.
 */
public final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "RSASSA-PSS");

    private PemFiles() {
    }

    /** Every certificate in the file, in its order (a server's chain starts with its own). */
    public static List<X509Certificate> certificates(Path file) {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block block : blocks(file)) {
                if (block.label().equals("CERTIFICATE")) {
                    certificates.add((X509Certificate) factory.generateCertificate(
                            new ByteArrayInputStream(block.der())));
                }
            }
        } catch (CertificateException e) {
            throw new TlsFileUnusable(file, file + " holds a certificate that cannot be read: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new TlsFileUnusable(file, file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----).", null);
        }
        return certificates;
    }

    /** The one private key in the file. */
    public static PrivateKey privateKey(Path file) {
        for (Block block : blocks(file)) {
            switch (block.label()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(file, block.der());
                }
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw new TlsFileUnusable(file, file + " holds a "
                        + block.label() + " in its older format; convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in "
                        + file + " -out key.pem", null);
                case "ENCRYPTED PRIVATE KEY" -> throw new TlsFileUnusable(file, file + " holds an encrypted key; "
                        + "Facet reads unencrypted PKCS#8 keys from an owner-only file: openssl pkcs8 -topk8 -nocrypt -in "
                        + file + " -out key.pem", null);
                default -> {
                    // certificates may share the file with the key
                }
            }
        }
        throw new TlsFileUnusable(file, file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----).", null);
    }

    private static PrivateKey pkcs8(Path file, byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException tryTheNext) {
                // the key is of another algorithm
            }
        }
        throw new TlsFileUnusable(file, file + " holds a private key that is neither RSA nor EC (nor Ed25519).", null);
    }

    private record Block(String label, byte[] der) {
    }

    private static List<Block> blocks(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new TlsFileUnusable(file, "Cannot read " + file + ": " + e, e);
        }
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(text);
        while (matcher.find()) {
            try {
                blocks.add(new Block(matcher.group(1), Base64.getMimeDecoder().decode(matcher.group(2))));
            } catch (IllegalArgumentException e) {
                throw new TlsFileUnusable(file, file + " holds a " + matcher.group(1) + " block that is not base64.", e);
            }
        }
        return blocks;
    }
}
