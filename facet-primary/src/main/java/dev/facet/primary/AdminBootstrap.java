package dev.facet.primary;

import dev.facet.core.access.GlobalRole;
import dev.facet.core.name.Username;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/** Creates the first administrator on an instance that has no users yet. */
public final class AdminBootstrap {
    public static final Username ADMIN = new Username("admin");

    private final UserService users;
    private final SecureRandom random;

    public AdminBootstrap(UserService users, SecureRandom random) {
        this.users = users;
        this.random = random;
    }

    /**
     * Creates {@code admin} when no user exists. Without a given password one is generated and
     * written to {@code passwordFile}, readable by the owner alone.
     *
     * @return a sentence saying what was done, when something was
     */
    public Optional<String> ensureAdmin(Optional<String> givenPassword, Path passwordFile) {
        if (users.hasAnyUser()) {
            return Optional.empty();
        }
        if (givenPassword.isPresent()) {
            users.create(ADMIN, givenPassword.get(), "Administrator", null, GlobalRole.SYS_ADMIN);
            return Optional.of("Created user admin with the password from FACET_ADMIN_PASSWORD.");
        }
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        writeOwnerOnly(passwordFile, password + "\n");
        users.create(ADMIN, password, "Administrator", null, GlobalRole.SYS_ADMIN);
        return Optional.of("Created user admin; its password is in " + passwordFile + ".");
    }

    private static void writeOwnerOnly(Path file, String content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the admin password to " + file, e);
        }
    }
}
