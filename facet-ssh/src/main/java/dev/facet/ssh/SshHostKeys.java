package dev.facet.ssh;

import dev.facet.core.doctor.Finding;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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

    /**
     * What {@code facet doctor} says of the host key files in {@code keysDirectory}, without making
     * any: each must be there, readable, a key sshd can load, and readable by its owner only.
     *
     * @param servedBefore whether this instance has run, so a missing key is a lost identity rather
     *                     than one its first start has yet to make
     */
    public static List<Finding> problems(Path keysDirectory, boolean servedBefore) {
        List<Finding> findings = new ArrayList<>();
        List<Path> missing = new ArrayList<>();
        for (String name : List.of(ED25519_FILE, RSA_FILE)) {
            Path file = keysDirectory.resolve(name);
            if (!Files.exists(file)) {
                missing.add(file);
                continue;
            }
            if (!Files.isReadable(file)) {
                findings.add(new Finding("The SSH host key " + file + " cannot be read by this account, so the "
                        + "instance cannot serve Git over SSH.", "Give it to the account that runs Facet: chown ACCOUNT "
                        + file + " && chmod 600 " + file));
                continue;
            }
            try {
                Iterator<KeyPair> keys = new FileKeyPairProvider(file).loadKeys(null).iterator();
                if (!keys.hasNext()) {
                    throw new IOException("no key in the file");
                }
                keys.next();
            } catch (IOException | RuntimeException e) {
                findings.add(new Finding("The SSH host key " + file + " is damaged (" + e.getMessage() + "); the "
                        + "instance cannot serve Git over SSH with it.", "Restore " + file + " from a backup of this "
                        + "home (facet restore) or from another node of the farm; deleting it makes a new key on the "
                        + "next start, which SSH clients will refuse as a changed host identity."));
                continue;
            }
            looseMode(file).ifPresent(mode -> findings.add(new Finding("The SSH host key " + file
                    + " can be read by others (" + mode + "): anyone on this machine who reads it can pass for this "
                    + "server to SSH clients.", "chmod 600 " + file)));
        }
        if (servedBefore && !missing.isEmpty()) {
            findings.add(new Finding("The SSH host key file(s) " + missing + " are missing: the next start makes new "
                    + "ones, and SSH clients that trusted this server will see a new host identity (\"REMOTE HOST "
                    + "IDENTIFICATION HAS CHANGED\") and refuse to connect.", "Restore them from a backup of this "
                    + "home (facet restore) or copy them from another node of the farm before starting; if a new "
                    + "identity is intended, tell users to run ssh-keygen -R '[HOST]:PORT' and accept the new key."));
        }
        return findings;
    }

    private static Optional<String> looseMode(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            boolean loose = permissions.stream().anyMatch(permission -> permission.name().startsWith("GROUP")
                    || permission.name().startsWith("OTHERS"));
            return loose ? Optional.of(PosixFilePermissions.toString(permissions)) : Optional.empty();
        } catch (UnsupportedOperationException | IOException e) {
            return Optional.empty();
        }
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
