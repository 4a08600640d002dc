package dev.facet.cli;

import dev.facet.core.doctor.Finding;
import dev.facet.core.identity.IdentityFileUnusable;
import dev.facet.core.identity.InstanceIdentity;
import dev.facet.core.identity.ReplayGuard;
import dev.facet.core.identity.RequestTokens;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.git.LocalDiskLfsObjectStore;
import dev.facet.git.LocalDiskRepositoryStore;
import dev.facet.mirror.FarmCheck;
import dev.facet.mirror.MirrorDoctor;
import dev.facet.mirror.UpstreamClient;
import dev.facet.primary.PrimaryDoctor;
import dev.facet.ssh.SshHostKeys;
import dev.facet.ssh.SshListenerProbe;
import dev.facet.store.DatabaseSettings;
import dev.facet.store.DatabaseUnavailable;
import dev.facet.store.JdbcStore;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code facet doctor}: checks an instance's home, or asks the running instance, and prints each finding with its fix. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check an instance: keys, disk and database; repository files against the database; for a mirror "
                + "its upstream (reachability, TLS, identity, clock), registration, alerts and repositories. A running "
                + "instance is asked for its own view; a stopped one is read from its home. Exit 0 when healthy.")
final class DoctorCommand implements Callable<Integer> {
    private static final long DEFAULT_MIN_FREE_MIB = 1024;

    @Option(names = "--home", required = true, description = "The instance's home.")
    Path home;

    /** The running instance's side of {@code facet doctor}: its checks, made with its live state. */
    static InstanceControl.Handler controlHandler(Supplier<List<Finding>> checks) {
        return (argument, reply) -> {
            for (Finding finding : checks.get()) {
                reply.println("finding\t" + InstanceControl.word(finding.problem()) + "\t"
                        + InstanceControl.word(finding.fix()));
            }
            reply.println("done");
        };
    }

    @Override
    public Integer call() throws IOException {
        Path absolute = home.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new SettingsError(absolute + " does not exist or is not a directory.");
        }
        List<Finding> findings = new ArrayList<>(homeFindings(absolute));
        Optional<InstanceHome.Role> role = InstanceHome.role(absolute);
        Optional<SocketChannel> running = role.isEmpty() ? Optional.empty() : InstanceControl.connect(absolute);
        if (role.isEmpty()) {
            findings.add(new Finding(absolute + " has no role file: no Facet instance has started here.",
                    "Start one: facet primary --home " + absolute + " or facet mirror --home " + absolute
                            + " --upstream <URL>"));
        } else if (running.isPresent()) {
            System.out.println("The " + name(role.get()) + " on " + absolute + " is running; it checks itself.");
            InstanceControl.ask(running.get(), "doctor", "-", words -> {
                if (words[0].equals("finding")) {
                    findings.add(new Finding(words[1], words[2]));
                }
            });
        } else if (role.get() == InstanceHome.Role.MIRROR) {
            findings.addAll(examineStoppedMirror(absolute));
            sshPortTaken(absolute).ifPresent(findings::add);
        } else {
            findings.addAll(examineStoppedPrimary(absolute));
            sshPortTaken(absolute).ifPresent(findings::add);
        }
        if (findings.isEmpty()) {
            System.out.println("Healthy: " + absolute);
            return 0;
        }
        System.out.println(findings.size() + " finding(s) for " + absolute + ":");
        for (Finding finding : findings) {
            System.out.println("- " + finding.problem());
            System.out.println("  fix: " + finding.fix());
        }
        return 1;
    }

    private static String name(InstanceHome.Role role) {
        return role.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** What any home needs, whatever runs on it: its key files, owner-only, and room on its disk. */
    private static List<Finding> homeFindings(Path home) throws IOException {
        List<Finding> findings = new ArrayList<>();
        Path keys = home.resolve("keys");
        try {
            if (!hasIdentity(home)) {
                findings.add(new Finding("The key files are missing (" + keys + ").",
                        "Restore keys/ from a backup of this home (facet restore); a new key pair would make this a "
                                + "new instance."));
            } else {
                InstanceIdentity.loadOrCreate(keys).permissionProblems()
                        .forEach(problem -> findings.add(new Finding(problem, "see above")));
            }
        } catch (IdentityFileUnusable e) {
            findings.add(new Finding(e.getMessage(), "Restore " + e.file() + " from a backup of this home."));
        }
        looseModes(home).ifPresent(findings::add);
        RawSettings settings = RawSettings.load(home, Map.of(), System.getenv());
        if (SshSettings.from(settings).enabled()) {
            findings.addAll(SshHostKeys.problems(keys, InstanceHome.role(home).isPresent()));
        }
        long minimumMib = settings.positiveLong(RawSettings.DOCTOR_MIN_FREE_MIB, DEFAULT_MIN_FREE_MIB);
        long freeMib = Files.getFileStore(home).getUsableSpace() / (1024 * 1024);
        if (freeMib < minimumMib) {
            findings.add(new Finding("Only " + freeMib + " MiB are free on the home's disk, less than the "
                    + minimumMib + " MiB " + RawSettings.DOCTOR_MIN_FREE_MIB + " asks for.",
                    "Free space or move the home: syncs and pushes fail when the disk is full."));
        }
        return findings;
    }

    /** A stopped instance's SSH port held by another program, which would stop the instance from starting. */
    private static Optional<Finding> sshPortTaken(Path home) {
        RawSettings settings = RawSettings.load(home, Map.of(), System.getenv());
        SshSettings ssh = SshSettings.from(settings);
        if (!ssh.enabled() || ssh.port() == 0) {
            return Optional.empty();
        }
        return SshListenerProbe.checkPortFree(settings.text(RawSettings.BIND_ADDRESS).orElse(null), ssh.port());
    }

    /**
     * The running instance's own SSH listener, for its side of {@code facet doctor}: a finding when
     * SSH is on and nothing answers it.
     */
    static List<Finding> withSshListener(List<Finding> findings, String bindAddress, Optional<Integer> sshPort) {
        List<Finding> all = new ArrayList<>(findings);
        sshPort.flatMap(port -> SshListenerProbe.checkListener(bindAddress, port)).ifPresent(all::add);
        return all;
    }

    /** Files and directories in the home that others may read: password hashes, private repositories, keys, logs. */
    private static Optional<Finding> looseModes(Path home) throws IOException {
        List<OwnerOnlyFiles.Loose> loose = OwnerOnlyFiles.loosePaths(home);
        if (loose.isEmpty()) {
            return Optional.empty();
        }
        String examples = loose.stream().limit(5).map(l -> l.path() + " (" + l.mode() + ")")
                .collect(java.util.stream.Collectors.joining(", "));
        return Optional.of(new Finding(loose.size() + " file(s) or directories in the home can be read or entered by "
                + "group or others, which would let other accounts on this machine read password hashes, private "
                + "repositories and logs: " + examples + (loose.size() > 5 ? ", ..." : "") + ".",
                "chmod -R go-rwx " + home + " (Facet creates everything owner-only; files copied in by hand keep "
                        + "their modes)."));
    }

    /** Whether the home has key files; the doctor must not create them, as an instance's first start does. */
    private static boolean hasIdentity(Path home) {
        Path keys = home.resolve("keys");
        return Files.exists(keys.resolve("instance-id")) || Files.exists(keys.resolve("instance.jwk"));
    }

    /** The embedded database's file, which opening would create empty when it is gone: the doctor only looks. */
    private static Optional<Finding> missingDatabase(DatabaseSettings database) {
        return database.embeddedFile().filter(file -> !Files.exists(file)).map(file -> new Finding(
                "The database file " + file + " is missing.", "Restore the home from a backup (facet restore --from "
                + "<file> --home <home> --force); starting the instance would begin with an empty database."));
    }

    private static List<Finding> examineStoppedPrimary(Path home) {
        PrimarySettings settings = PrimarySettings.load(home, Map.of(), System.getenv());
        Optional<Finding> missing = missingDatabase(settings.database());
        if (missing.isPresent()) {
            return List.of(missing.get());
        }
        try (JdbcStore store = JdbcStore.open(settings.database())) {
            return new PrimaryDoctor(store, new LocalDiskRepositoryStore(InstanceHome.repositories(home)),
                    new LocalDiskLfsObjectStore(InstanceHome.lfs(home))).examine();
        } catch (DatabaseUnavailable e) {
            return List.of(databaseFinding(e.getMessage()));
        }
    }

    private static List<Finding> examineStoppedMirror(Path home) {
        InstanceIdentity identity;
        try {
            identity = hasIdentity(home) ? InstanceIdentity.loadOrCreate(home.resolve("keys")) : null;
        } catch (IdentityFileUnusable reportedAlready) {
            identity = null;
        }
        if (identity == null) {
            return List.of();
        }
        if (!Files.isDirectory(home.resolve("data").resolve("db"))) {
            return List.of(new Finding("The database directory " + home.resolve("data").resolve("db") + " is missing.",
                    "Restore the home from a backup (facet restore --from <file> --home <home> --force)."));
        }
        Optional<Finding> missing = missingDatabase(StoppedMirrorHome.database(home));
        if (missing.isPresent()) {
            return List.of(missing.get());
        }
        InstanceIdentity signer = identity;
        try (var store = StoppedMirrorHome.openStopped(home)) {
            Optional<UpstreamLink> link = store.inTransaction(tx -> tx.upstream().get());
            String upstreamUrl = link.map(UpstreamLink::upstreamUrl).orElse(null);
            LocalDiskRepositoryStore repositories = new LocalDiskRepositoryStore(InstanceHome.repositories(home));
            LocalDiskLfsObjectStore lfsObjects = new LocalDiskLfsObjectStore(InstanceHome.lfs(home));
            if (upstreamUrl == null || upstreamUrl.isEmpty()) {
                return new MirrorDoctor(store, repositories, lfsObjects, null, FarmCheck.NONE).examine();
            }
            Clock clock = Clock.systemUTC();
            RequestTokens tokens = new RequestTokens(clock, new SecureRandom(), new ReplayGuard(clock, 1000));
            UpstreamClient client = new UpstreamClient(upstreamUrl,
                    (audience, request) -> tokens.sign(signer, audience, Duration.ofSeconds(30), request),
                    RawSettings.load(home, Map.of(), System.getenv()).outboundTrust());
            Optional<UpstreamClient.Pin> pin = link.filter(l -> l.upstreamInstanceId() != null
                    && l.upstreamPublicKey() != null).map(l -> new UpstreamClient.Pin(l.upstreamInstanceId(),
                    l.upstreamPublicKey()));
            // A stopped mirror's doctor changes nothing: an answer it refuses becomes its finding, not an alert.
            client.checkAnswers(tokens, signer.id(), () -> pin, (kind, details) -> { });
            // A stopped node sees no farm: its members, its lag and the farm's id are checked while it runs.
            return new MirrorDoctor(store, repositories, lfsObjects, client, FarmCheck.NONE).examine();
        } catch (SettingsError e) {
            return List.of(databaseFinding(e.getMessage()));
        }
    }

    private static Finding databaseFinding(String message) {
        return new Finding("The database cannot be opened: " + message,
                "If another process holds it, stop that process; if its files are damaged, restore the home from a "
                        + "backup (facet restore --from <file> --home <home> --force).");
    }
}
