package dev.facet.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceIdentityTest {
    @TempDir
    Path home;

    private Path keys;
    private Path idFile;
    private Path keyFile;

    @BeforeEach
    void keysDirectory() {
        keys = home.resolve("keys");
        idFile = keys.resolve("instance-id");
        keyFile = keys.resolve("instance.jwk");
    }

    @Test
    void createsAnIdAndAnEd25519KeyPairOnFirstUse() throws IOException {
        InstanceIdentity identity = InstanceIdentity.loadOrCreate(keys);

        assertThat(UUID.fromString(identity.id()).toString()).isEqualTo(identity.id());
        assertThat(Files.readString(idFile)).isEqualTo(identity.id() + "\n");
        assertThat(Files.readString(keyFile)).contains("\"d\":", "\"crv\":\"Ed25519\"");
        assertThat(identity.publicKeyJwk()).contains("\"crv\":\"Ed25519\"", "\"kty\":\"OKP\"").doesNotContain("\"d\"");
    }

    @Test
    void returnsTheSameIdAndKeyOnEveryLaterUse() {
        InstanceIdentity first = InstanceIdentity.loadOrCreate(keys);
        InstanceIdentity second = InstanceIdentity.loadOrCreate(keys);

        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.publicKey()).isEqualTo(first.publicKey());
        // the private half too: what the reloaded identity signs, the first one's public key verifies
        Clock clock = Clock.systemUTC();
        RequestTokens tokens = new RequestTokens(clock, new SecureRandom(), new ReplayGuard(clock, 10));
        String receiver = UUID.randomUUID().toString();
        RequestBinding request = RequestBinding.of("GET", "/rest/mirroring/latest/events?after=0", null);
        String token = tokens.sign(second, receiver, Duration.ofSeconds(30), request);
        assertThat(tokens.verify(token, receiver, id -> Optional.of(first.publicKeyJwk()), request).issuer())
                .isEqualTo(first.id());
    }

    @Test
    void keepsItsFilesOwnerOnly() throws IOException {
        assumePosixPermissions();
        Path nested = home.resolve("new-home").resolve("keys");

        InstanceIdentity identity = InstanceIdentity.loadOrCreate(nested);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested.resolve("instance-id"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested.resolve("instance.jwk"))))
                .isEqualTo("rw-------");
        assertThat(identity.permissionProblems()).isEmpty();
        try (var files = Files.list(nested)) {
            assertThat(files.map(path -> path.getFileName().toString()))
                    .as("no temporary files left behind").containsExactlyInAnyOrder("instance-id", "instance.jwk");
        }
    }

    @Test
    void stillLoadsAKeyOthersCanReadButSaysHowToFixIt() throws IOException {
        assumePosixPermissions();
        String id = InstanceIdentity.loadOrCreate(keys).id();
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));

        InstanceIdentity identity = InstanceIdentity.loadOrCreate(keys);

        assertThat(identity.id()).isEqualTo(id);
        assertThat(identity.permissionProblems()).containsExactly(
                keys + " holds this instance's private key but group or others have access (rwxr-xr-x);"
                        + " fix: chmod 700 " + keys,
                keyFile + " is this instance's private key but group or others have access (rw-r--r--);"
                        + " fix: chmod 600 " + keyFile);
    }

    @Test
    void refusesACorruptKeyFileNamingItAndWhatToDo() throws IOException {
        InstanceIdentity.loadOrCreate(keys);
        Files.writeString(keyFile, "{\"kty\":\"OKP\",");

        assertThatExceptionOfType(IdentityFileUnusable.class).isThrownBy(() -> InstanceIdentity.loadOrCreate(keys))
                .satisfies(e -> assertThat(e.file()).isEqualTo(keyFile))
                .withMessageStartingWith(keyFile + " is not a usable Ed25519 private key")
                .withMessageContaining("Restore it from a backup");
    }

    @Test
    void refusesAKeyWhosePrivateAndPublicHalvesDoNotMatch() throws IOException {
        InstanceIdentity.loadOrCreate(keys);
        String otherX = InstanceIdentity.generate(new SecureRandom()).keyPair().getX().toString();
        String jwk = Files.readString(keyFile).replaceAll("\"x\":\"[^\"]+\"", "\"x\":\"" + otherX + "\"");
        Files.writeString(keyFile, jwk);

        assertThatExceptionOfType(IdentityFileUnusable.class).isThrownBy(() -> InstanceIdentity.loadOrCreate(keys))
                .withMessageContaining("its private and public halves do not belong together");
    }

    @Test
    void refusesAnInstanceIdThatIsNotAUuid() throws IOException {
        InstanceIdentity.loadOrCreate(keys);
        Files.writeString(idFile, "staging\n");

        assertThatExceptionOfType(IdentityFileUnusable.class).isThrownBy(() -> InstanceIdentity.loadOrCreate(keys))
                .satisfies(e -> assertThat(e.file()).isEqualTo(idFile))
                .withMessage(idFile + " does not hold an instance id (a lower-case UUID)."
                        + " Restore it from a backup of this instance's home.");
    }

    @Test
    void refusesAKeyFileItCannotRead() throws IOException {
        InstanceIdentity.loadOrCreate(keys);
        Files.delete(keyFile);
        Files.createDirectory(keyFile); // unreadable as a file, even for root

        assertThatExceptionOfType(IdentityFileUnusable.class).isThrownBy(() -> InstanceIdentity.loadOrCreate(keys))
                .satisfies(e -> assertThat(e.file()).isEqualTo(keyFile))
                .withMessageStartingWith("Cannot read " + keyFile)
                .withMessageContaining("chmod 600 " + keyFile);
    }

    @Test
    void refusesToGuessWhenOnlyOneOfItsTwoFilesExists() throws IOException {
        InstanceIdentity.loadOrCreate(keys);
        Files.delete(idFile);

        assertThatExceptionOfType(IdentityFileUnusable.class).isThrownBy(() -> InstanceIdentity.loadOrCreate(keys))
                .satisfies(e -> assertThat(e.file()).isEqualTo(idFile))
                .withMessageStartingWith(idFile + " is missing, but " + keyFile + " exists.");
        assertThat(idFile).as("no new identity was made").doesNotExist();
    }

    @Test
    void neverShowsItsPrivateKeyInToString() {
        InstanceIdentity identity = InstanceIdentity.loadOrCreate(keys);

        assertThat(identity.toString())
                .isEqualTo("InstanceIdentity[id=" + identity.id() + ", publicKey=" + identity.publicKey().fingerprint() + "]")
                .doesNotContain(identity.keyPair().getD().toString());
    }

    @Test
    void drawsItsIdAndKeyFromTheRandomnessItIsGiven() throws Exception {
        InstanceIdentity one = InstanceIdentity.generate(seeded(42));
        InstanceIdentity same = InstanceIdentity.generate(seeded(42));
        InstanceIdentity other = InstanceIdentity.generate(seeded(43));

        assertThat(same.id()).isEqualTo(one.id());
        assertThat(same.publicKey()).isEqualTo(one.publicKey());
        assertThat(other.id()).isNotEqualTo(one.id());
        assertThat(other.publicKey()).isNotEqualTo(one.publicKey());
    }

    private static SecureRandom seeded(long seed) throws Exception {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(seed);
        return random;
    }

    private void assumePosixPermissions() {
        assumeThat(home.getFileSystem().supportedFileAttributeViews()).contains("posix");
    }
}
