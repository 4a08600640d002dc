package dev.facet.core.access;

import dev.facet.core.error.InvalidInput;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

/**
 * A user's SSH public key as OpenSSH writes it ({@code ssh-ed25519 AAAA… comment}), read and
 * judged once: what kind it is, how strong, and its SHA-256 fingerprint (the form {@code
 * ssh-keygen -l} prints), which is what an SSH login is matched on. Keys too weak to trust are
 * refused here, so no such key can be stored or used: RSA below 2048 bits and DSA.
 *
 * @param text          the key in one line: type, Base64 blob, and the comment if there was one
 * @param algorithmType RSA, ECDSA or ED25519, as Bitbucket names them
 * @param bitLength     the key's size in bits
 * @param fingerprint   {@code SHA256:} and the unpadded Base64 of the blob's digest
 */
public record SshPublicKey(String text, String algorithmType, int bitLength, String fingerprint) {
    public static final int MIN_RSA_BITS = 2048;
    private static final int MAX_TEXT = 16 * 1024;
    private static final Map<String, Integer> CURVES = Map.of(
            "ecdsa-sha2-nistp256", 256, "ecdsa-sha2-nistp384", 384, "ecdsa-sha2-nistp521", 521);

    /**
     * @throws InvalidInput naming {@code text} when it is not an SSH public key Facet accepts, saying why
     */
    public static SshPublicKey parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInput("text", "Paste the public key, such as the contents of ~/.ssh/id_ed25519.pub.");
        }
        if (text.length() > MAX_TEXT) {
            throw new InvalidInput("text", "An SSH public key is at most " + MAX_TEXT + " characters long.");
        }
        String[] words = text.strip().split("\\s+", 3);
        if (words.length < 2) {
            throw notAKey();
        }
        String type = words[0];
        // PEM and OpenSSH private keys (-----), RFC 4716 public keys as PuTTYgen saves them (----), PuTTY's .ppk files.
        if (type.startsWith("----") || type.startsWith("PuTTY-User-Key-File-")) {
            throw new InvalidInput("text", "That is a private key or another format: paste the public key in OpenSSH's "
                    + "one-line form (the .pub file).");
        }
        if (text.strip().contains("\n") || text.strip().contains("\r")) {
            throw new InvalidInput("text", "Paste one key at a time, on one line.");
        }
        if (type.contains("=") || type.contains(",") || type.contains("\"")) {
            // An authorized_keys line: its options (command=, from=, no-pty) mean nothing to Facet and are not kept.
            throw new InvalidInput("text", "Paste the key without authorized_keys options such as command=\"…\": "
                    + "only the type, the key and a comment, as in the .pub file.");
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(words[1]);
        } catch (IllegalArgumentException e) {
            throw notAKey();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob))) {
            String inner = new String(field(in), StandardCharsets.US_ASCII);
            if (!inner.equals(type)) {
                throw new InvalidInput("text", "The key says it is '" + type + "' but holds a '" + inner + "' key.");
            }
            String oneLine = type + " " + words[1] + (words.length == 3 ? " " + words[2].strip() : "");
            SshPublicKey key = switch (type) {
                case "ssh-ed25519" -> {
                    if (field(in).length != 32) {
                        throw notAKey();
                    }
                    yield new SshPublicKey(oneLine, "ED25519", 256, fingerprintOf(blob));
                }
                case "ssh-rsa" -> {
                    field(in);
                    int bits = new BigInteger(1, field(in)).bitLength();
                    if (bits < MIN_RSA_BITS) {
                        throw new InvalidInput("text", "This RSA key has " + bits + " bits; Facet accepts RSA keys of "
                                + MIN_RSA_BITS + " bits or more. Create an Ed25519 key with ssh-keygen -t ed25519.");
                    }
                    yield new SshPublicKey(oneLine, "RSA", bits, fingerprintOf(blob));
                }
                case "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521" -> {
                    if (!type.endsWith("-" + new String(field(in), StandardCharsets.US_ASCII))) {
                        throw notAKey();
                    }
                    field(in);
                    yield new SshPublicKey(oneLine, "ECDSA", CURVES.get(type), fingerprintOf(blob));
                }
                case "ssh-dss" -> throw new InvalidInput("text", "DSA keys are too weak and are not accepted. "
                        + "Create an Ed25519 key with ssh-keygen -t ed25519.");
                default -> throw new InvalidInput("text", "Keys of type '" + type + "' are not supported; use "
                        + "Ed25519, ECDSA, or RSA of " + MIN_RSA_BITS + " bits or more.");
            };
            if (in.available() != 0) {
                throw notAKey();
            }
            return key;
        } catch (IOException e) {
            throw notAKey();
        }
    }

    /** The fingerprint of a key blob in SSH's wire encoding: what a login presents and what is matched. */
    public static String fingerprintOf(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** One length-prefixed field of the blob, refusing lengths that run past its end. */
    private static byte[] field(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("field length " + length);
        }
        return in.readNBytes(length);
    }

    private static InvalidInput notAKey() {
        return new InvalidInput("text", "This is not an SSH public key: paste one line such as "
                + "'ssh-ed25519 AAAA… you@laptop' (the .pub file).");
    }
}
