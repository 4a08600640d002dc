package dev.facet.core.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The PEM certificate (with its chain) and PKCS#8 private key a Facet server presents over HTTPS.
 * The files are read again on every {@link #load()}, so that a renewed certificate is taken up
 * without a restart.
 */
public record ServerCertificate(Path certificateFile, Path privateKeyFile) {
    /** The password of the in-memory key store handed to the TLS stack; it protects nothing and is never written. */
    public static final String KEY_STORE_PASSWORD = "in-memory";
    public static final String ALIAS = "facet";

    public ServerCertificate {
        Objects.requireNonNull(certificateFile, "certificateFile");
        Objects.requireNonNull(privateKeyFile, "privateKeyFile");
    }

    /** The files as read now: a key store ready for the TLS stack and the certificate it serves. */
    public record Loaded(KeyStore keyStore, X509Certificate certificate) {
        /** SHA-256 of the served certificate, as browsers show it. */
        public String fingerprint() {
            try {
                return HexFormat.ofDelimiter(":").withUpperCase().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-256 is part of every JDK", e);
            }
        }
    }

    /** Reads both files; refuses a key that does not belong to the first certificate. */
    public Loaded load() {
        List<X509Certificate> chain = PemFiles.certificates(certificateFile);
        PrivateKey key = PemFiles.privateKey(privateKeyFile);
        if (!belongTogether(key, chain.get(0))) {
            throw new TlsFileUnusable(privateKeyFile, "The private key in " + privateKeyFile
                    + " does not belong to the certificate in " + certificateFile + " (" + chain.get(0)
                    .getSubjectX500Principal() + ").", null);
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, KEY_STORE_PASSWORD.toCharArray(), chain.toArray(X509Certificate[]::new));
            return new Loaded(store, chain.get(0));
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsFileUnusable(privateKeyFile, "Cannot use the key in " + privateKeyFile + " with the "
                    + "certificate in " + certificateFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * A digest of both files' bytes, to notice a change: cheap enough to take every second, and
     * unlike a modification time it sees a file replaced within the same second.
     */
    public String contentDigest() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(Files.readAllBytes(certificateFile));
            digest.update((byte) 0);
            digest.update(Files.readAllBytes(privateKeyFile));
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Whether a signature made with the key verifies with the certificate's public key. */
    private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return true; // a kind this check cannot sign with: the first handshake tells
        }
        try {
            byte[] probe = "facet: does this key belong to this certificate?".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
