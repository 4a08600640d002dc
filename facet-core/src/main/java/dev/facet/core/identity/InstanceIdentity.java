package dev.facet.core.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Who this instance (a primary or a mirror node) is: a UUID id and an Ed25519 key pair, kept in
 * the home's {@code keys/} directory as {@code instance-id} (text) and {@code instance.jwk} (the
 * private JWK). Other instances know it by its id and {@linkplain #publicKeyJwk() public key};
 * {@link RequestTokens} signs its requests with the private key, which never leaves this object
 * and never appears in {@link #toString()}.
 */
public final class InstanceIdentity {
    static final String ID_FILE = "instance-id";
    static final String KEY_FILE = "instance.jwk";

    private static final Pattern INSTANCE_ID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final String id;
    private final OctetKeyPair keyPair;
    private final InstancePublicKey publicKey;
    private final List<String> permissionProblems;
    /**
     * Made once: making a signer derives the public half from the private key (a scalar multiplication), which
     * cost as much as the signature itself when every signed request made its own.
     */
    private final Ed25519Signer signer;

    private InstanceIdentity(String id, OctetKeyPair keyPair, List<String> permissionProblems) {
        this.id = id;
        this.keyPair = keyPair;
        try {
            this.signer = new Ed25519Signer(keyPair);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("Not an Ed25519 private key: " + e.getMessage(), e);
        }
        this.publicKey = new InstancePublicKey(keyPair.toPublicJWK().toJSONString());
        this.permissionProblems = List.copyOf(permissionProblems);
    }

    /** A new identity that lives only in memory (tests; tools that store it themselves). */
    public static InstanceIdentity generate(SecureRandom random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40); // version 4: random
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80); // IETF variant
        String id = new UUID(ByteBuffer.wrap(bytes, 0, 8).getLong(), ByteBuffer.wrap(bytes, 8, 8).getLong()).toString();
        try {
            OctetKeyPair keyPair = new OctetKeyPairGenerator(Curve.Ed25519).secureRandom(random).generate();
            return new InstanceIdentity(id, keyPair, List.of());
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot generate an Ed25519 key pair", e);
        }
    }

    public static InstanceIdentity loadOrCreate(Path keysDirectory) {
        return loadOrCreate(keysDirectory, new SecureRandom());
    }

    /**
     * Loads the identity kept in {@code keysDirectory}, or creates it there (directory and files
     * owner-only) when neither file exists yet.
     *
     * @throws IdentityFileUnusable when a file is missing, unreadable or corrupt
     */
    public static InstanceIdentity loadOrCreate(Path keysDirectory, SecureRandom random) {
        Path idFile = keysDirectory.resolve(ID_FILE);
        Path keyFile = keysDirectory.resolve(KEY_FILE);
        boolean hasId = exists(idFile);
        boolean hasKey = exists(keyFile);
        if (!hasId && !hasKey) {
            return create(keysDirectory, random);
        }
        if (hasId != hasKey) {
            Path present = hasId ? idFile : keyFile;
            Path missing = hasId ? keyFile : idFile;
            throw new IdentityFileUnusable(missing, missing + " is missing, but " + present + " exists."
                    + " Restore " + missing.getFileName() + " from a backup of this instance's home."
                    + " Only if there is none, move " + present + " away too so that a new identity is created;"
                    + " instances that know this one must then authorize it again.", null);
        }
        String id = readId(idFile);
        OctetKeyPair keyPair = readKeyPair(keyFile);
        return new InstanceIdentity(id, keyPair, permissionProblems(keysDirectory, keyFile));
    }

    public String id() {
        return id;
    }

    public InstancePublicKey publicKey() {
        return publicKey;
    }

    /** The public key as a JWK JSON string: safe to send to another instance. */
    public String publicKeyJwk() {
        return publicKey.jwk();
    }

    /**
     * Ways in which the key files are more open than owner-only, each with the command that fixes
     * it; empty when all is well or the file system has no POSIX permissions.
     */
    public List<String> permissionProblems() {
        return permissionProblems;
    }

    OctetKeyPair keyPair() {
        return keyPair;
    }

    /** Signs with this instance's private key; safe to share between threads. */
    Ed25519Signer signer() {
        return signer;
    }

    /** Whether {@code value} has the form of an instance id (a lower-case UUID). */
    public static boolean isInstanceId(String value) {
        return value != null && INSTANCE_ID.matcher(value).matches();
    }

    @Override
    public String toString() {
        return "InstanceIdentity[id=" + id + ", publicKey=" + publicKey.fingerprint() + "]";
    }

    private static InstanceIdentity create(Path keysDirectory, SecureRandom random) {
        InstanceIdentity identity = generate(random);
        try {
            if (!Files.isDirectory(keysDirectory)) {
                Path parent = keysDirectory.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                if (hasPosixPermissions(keysDirectory)) {
                    Files.createDirectory(keysDirectory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
                } else {
                    Files.createDirectory(keysDirectory);
                }
            }
            // The key first: a crash in between leaves a key without an id, which start-up refuses
            // with instructions rather than silently replacing.
            writeOwnerOnly(keysDirectory.resolve(KEY_FILE), identity.keyPair.toJSONString() + "\n");
            writeOwnerOnly(keysDirectory.resolve(ID_FILE), identity.id + "\n");
        } catch (IOException e) {
            throw new IdentityFileUnusable(keysDirectory, "Cannot create this instance's identity in "
                    + keysDirectory + " (" + describe(e) + "). Make the directory writable by the user that runs Facet.",
                    e);
        }
        return new InstanceIdentity(identity.id, identity.keyPair,
                permissionProblems(keysDirectory, keysDirectory.resolve(KEY_FILE)));
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Path temporary = hasPosixPermissions(directory)
                ? Files.createTempFile(directory, "." + file.getFileName(), ".tmp",
                        PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
                : Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            // Never a half-written key file, even if the process dies here.
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static String readId(Path idFile) {
        String id = read(idFile).strip();
        if (!isInstanceId(id)) {
            throw new IdentityFileUnusable(idFile, idFile + " does not hold an instance id (a lower-case UUID)."
                    + " Restore it from a backup of this instance's home.", null);
        }
        return id;
    }

    private static OctetKeyPair readKeyPair(Path keyFile) {
        String json = read(keyFile);
        try {
            OctetKeyPair keyPair = OctetKeyPair.parse(json);
            if (!Curve.Ed25519.equals(keyPair.getCurve())) {
                throw corruptKey(keyFile, "its curve is " + keyPair.getCurve() + ", not Ed25519", null);
            }
            if (!keyPair.isPrivate()) {
                throw corruptKey(keyFile, "it holds only a public key", null);
            }
            if (!halvesMatch(keyPair)) {
                throw corruptKey(keyFile, "its private and public halves do not belong together", null);
            }
            return keyPair;
        } catch (ParseException | JOSEException e) {
            throw corruptKey(keyFile, e.getMessage(), e);
        }
    }

    private static IdentityFileUnusable corruptKey(Path keyFile, String problem, Exception cause) {
        return new IdentityFileUnusable(keyFile, keyFile + " is not a usable Ed25519 private key: " + problem + "."
                + " Restore it from a backup of this instance's home. Only if there is none, move " + keyFile
                + " and " + keyFile.resolveSibling(ID_FILE) + " away so that a new identity is created;"
                + " instances that know this one must then authorize it again.", cause);
    }

    private static boolean halvesMatch(OctetKeyPair keyPair) throws JOSEException {
        JWSObject probe = new JWSObject(new JWSHeader(JWSAlgorithm.EdDSA), new Payload("probe"));
        probe.sign(new Ed25519Signer(keyPair));
        return probe.verify(new Ed25519Verifier(keyPair.toPublicJWK()));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IdentityFileUnusable(file, "Cannot read " + file + " (" + describe(e) + ")."
                    + " Make it a file readable by the user that runs Facet, for example: chmod 600 " + file, e);
        }
    }

    private static boolean exists(Path file) {
        if (Files.exists(file)) {
            return true;
        }
        if (Files.notExists(file)) {
            return false;
        }
        throw new IdentityFileUnusable(file, "Cannot tell whether " + file + " exists: its directory is not"
                + " accessible. Make " + file.toAbsolutePath().getParent()
                + " accessible to the user that runs Facet, for example: chmod 700 it.", null);
    }

    private static List<String> permissionProblems(Path keysDirectory, Path keyFile) {
        List<String> problems = new ArrayList<>();
        if (!hasPosixPermissions(keysDirectory)) {
            return problems;
        }
        looseness(keysDirectory, "holds this instance's private key", "700").ifPresent(problems::add);
        looseness(keyFile, "is this instance's private key", "600").ifPresent(problems::add);
        return problems;
    }

    private static Optional<String> looseness(Path path, String what, String mode) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
            if (permissions.stream().noneMatch(GROUP_AND_OTHERS::contains)) {
                return Optional.empty();
            }
            return Optional.of(path + " " + what + " but group or others have access ("
                    + PosixFilePermissions.toString(permissions) + "); fix: chmod " + mode + " " + path);
        } catch (IOException e) {
            return Optional.of("Cannot read the permissions of " + path + " (" + describe(e) + ").");
        }
    }

    private static boolean hasPosixPermissions(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
