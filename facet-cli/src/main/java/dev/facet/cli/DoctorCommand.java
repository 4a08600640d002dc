package dev.facet.cli;

import dev.facet.core.identity.IdentityFileUnusable;
import dev.facet.core.identity.InstanceIdentity;
import dev.facet.core.identity.ReplayGuard;
import dev.facet.core.identity.RequestTokens;
import dev.facet.git.LocalDiskRepositoryStore;
import dev.facet.mirror.MirrorDoctor;
import dev.facet.mirror.UpstreamClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code facet doctor}: checks an instance's home and prints each finding with its fix. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check an instance's home (keys, disk, database; for a mirror its upstream, registration, pinned "
                + "identity, alerts and repositories) and print each finding with its fix. Exit 0 when healthy.")
final class DoctorCommand implements Callable<Integer> {
    private static final long MIN_FREE_BYTES = 1024L * 1024 * 1024;

    @Option(names = "--home", required = true, description = "The instance's home.")
    Path home;

    @Override
    public Integer call() throws IOException {
        Path absolute = home.toAbsolutePath().normalize();
        List<MirrorDoctor.Finding> findings = new ArrayList<>();
        InstanceIdentity identity = null;
        try {
            if (!Files.isDirectory(absolute.resolve("keys"))) {
                findings.add(new MirrorDoctor.Finding("The key files are missing (" + absolute.resolve("keys") + ").",
                        "Restore keys/ from a backup of this home; a new key pair would make this a new instance."));
            } else {
                identity = InstanceIdentity.loadOrCreate(absolute.resolve("keys"));
                identity.permissionProblems().forEach(p -> findings.add(new MirrorDoctor.Finding(p, "see above")));
            }
        } catch (IdentityFileUnusable e) {
            findings.add(new MirrorDoctor.Finding(e.getMessage(), "Restore " + e.file() + " from a backup of this home."));
        }
        long free = Files.getFileStore(Files.isDirectory(absolute) ? absolute : absolute.getParent()).getUsableSpace();
        if (free < MIN_FREE_BYTES) {
            findings.add(new MirrorDoctor.Finding("Only " + free / (1024 * 1024) + " MiB are free on the home's disk.",
                    "Free space or move the home: syncs and pushes fail when the disk is full."));
        }
        if (identity != null && InstanceHome.role(absolute).orElse(null) == InstanceHome.Role.MIRROR) {
            examineMirror(absolute, identity, findings);
        }
        if (findings.isEmpty()) {
            System.out.println("Healthy: " + absolute);
            return 0;
        }
        System.out.println(findings.size() + " finding(s) for " + absolute + ":");
        for (MirrorDoctor.Finding finding : findings) {
            System.out.println("- " + finding.problem());
            System.out.println("  fix: " + finding.fix());
        }
        return 1;
    }

    private static void examineMirror(Path home, InstanceIdentity identity, List<MirrorDoctor.Finding> findings) {
        try (var store = StoppedMirrorHome.openStopped(home)) {
            String upstreamUrl = store.inTransaction(tx -> tx.upstream().get()).map(l -> l.upstreamUrl()).orElse(null);
            if (upstreamUrl == null || upstreamUrl.isEmpty()) {
                findings.addAll(new MirrorDoctor(store, null, null).examine());
                return;
            }
            Clock clock = Clock.systemUTC();
            RequestTokens tokens = new RequestTokens(clock, new SecureRandom(), new ReplayGuard(clock, 1000));
            UpstreamClient client = new UpstreamClient(upstreamUrl,
                    audience -> tokens.sign(identity, audience, Duration.ofSeconds(30)));
            findings.addAll(new MirrorDoctor(store, new LocalDiskRepositoryStore(InstanceHome.repositories(home)), client)
                    .examine());
        } catch (SettingsError e) {
            findings.add(new MirrorDoctor.Finding("The database cannot be opened: " + e.getMessage(),
                    "If the instance is running, stop it before running facet doctor (it reads a stopped home)."));
        }
    }
}
