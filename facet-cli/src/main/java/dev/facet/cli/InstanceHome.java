package dev.facet.cli;

import dev.facet.core.identity.InstanceIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every instance's home holds, whatever its role: its identity and its repositories. */
final class InstanceHome {
    private static final Logger log = LoggerFactory.getLogger(InstanceHome.class);

    private InstanceHome() {
    }

    /**
     * The home, created when missing, owner-only, and this process set to create everything in it
     * owner-only: the first thing an instance or a server command does.
     */
    static Path secure(Path home) {
        return OwnerOnlyFiles.secureHome(home);
    }

    /** The role a home belongs to, as written at the instance's first start (tools read it). */
    enum Role { PRIMARY, MIRROR }

    static void markRole(Path home, Role role) {
        Path file = home.resolve("role");
        try {
            if (!Files.exists(file)) {
                Files.writeString(file, role.name().toLowerCase(java.util.Locale.ROOT) + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    static java.util.Optional<Role> role(Path home) {
        try {
            Path file = home.resolve("role");
            return Files.exists(file) ? java.util.Optional.of(Role.valueOf(
                    Files.readString(file).strip().toUpperCase(java.util.Locale.ROOT))) : java.util.Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    /** {@code HOME/data/repositories}, created when missing. */
    /** Where Git LFS objects are kept: {@code data/lfs} (objects by oid, and uploads in progress). */
    static Path lfs(Path home) {
        return home.resolve("data").resolve("lfs");
    }

    static Path repositories(Path home) {
        Path directory = home.resolve("data").resolve("repositories");
        try {
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + directory, e);
        }
    }

    /** The instance's id and key pair in {@code HOME/keys}, created at first start; loose permissions are warned about. */
    static InstanceIdentity identity(Path home) {
        InstanceIdentity identity = InstanceIdentity.loadOrCreate(home.resolve("keys"));
        identity.permissionProblems().forEach(problem -> log.warn("{}", problem));
        return identity;
    }
}
