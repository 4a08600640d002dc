package dev.facet.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

/**
 * The server's SSH host keys in the instance's {@code keys/} directory, in OpenSSH's format:
 * Ed25519, and RSA for clients that know nothing newer. They are made once, on the first start,
 * and read on every later one, so clients that pinned them in {@code known_hosts} keep trusting
 * the server; a backup of the home carries them. A farm's nodes share one pair by copying these
 * two files to every node before it first starts.
 */
public final class SshHostKeys {
    public static final String ED25519_FILE = "ssh_host_ed25519_key";
    public static final String RSA_FILE = "ssh_host_rsa_key";
    private static final int RSA_BITS = 3072;

    private SshHostKeys() {
    }

    /** The host keys in {@code keysDirectory}, each made first when it is missing. */
    public static KeyPairProvider in(Path keysDirectory) {
        Path ed25519 = keysDirectory.resolve(ED25519_FILE);
        Path rsa = keysDirectory.resolve(RSA_FILE);
        createWhenMissing(ed25519, KeyPairProvider.SSH_ED25519, 256);
        createWhenMissing(rsa, KeyPairProvider.SSH_RSA, RSA_BITS);
        return new FileKeyPairProvider(List.of(ed25519, rsa));
    }

    private static void createWhenMissing(Path file, String type, int bits) {
        if (Files.exists(file)) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            KeyPair pair = KeyUtils.generateKeyPair(type, bits);
            // Written aside and moved in, so a crash never leaves half a key that a later start would refuse.
            Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            try (OutputStream out = Files.newOutputStream(temporary)) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "facet host key", null, out);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the SSH host key " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not generate an SSH host key of type " + type, e);
        }
    }
}
