package dev.facet.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code facet mirror}: runs a mirror node until it is sent SIGTERM or SIGINT. */
@Command(name = "mirror", mixinStandardHelpOptions = true,
        subcommands = {MirrorReconnectCommand.class, MirrorResetCommand.class, MirrorAcceptUpstreamCommand.class},
        description = "Run a mirror: serves clones near its users, forwards pushes, stays in sync with its upstream.")
final class MirrorCommand implements Callable<Integer> {
    @Option(names = "--home", description = "The node's home directory (created when missing).")
    Path home;

    @Option(names = "--upstream", description = "The primary's URL (or facet.upstream.url).")
    String upstream;

    @Option(names = "--port", description = "HTTP port; 0 picks a free one (default: facet.port, else 7991).")
    Integer port;

    @Option(names = "--ssh-port", description = "Git over SSH port; 0 picks a free one (default: facet.ssh.port, "
            + "else 7999; facet.ssh.enabled=false turns SSH off).")
    Integer sshPort;

    @Option(names = "--tls-certificate", description = "Serve HTTPS with this PEM certificate (its chain after it); "
            + "needs --tls-private-key. Reloaded when the file changes (or facet.tls.certificate).")
    Path tlsCertificate;

    @Option(names = "--tls-private-key", description = "The PEM PKCS#8 private key of --tls-certificate "
            + "(or facet.tls.private-key).")
    Path tlsPrivateKey;

    @Option(names = "--base-url", description = "The URL users reach this mirror at (default http://localhost:PORT).")
    String baseUrl;

    @Option(names = "--name", description = "The name the primary's admins see (default: the home's name).")
    String name;

    @Option(names = "--farm", description = "Join the mirror farm of this name (or facet.farm.name): several nodes "
            + "act as one mirror behind a load balancer; --base-url is then the balancer's URL, the same on every node.")
    String farm;

    @Option(names = "--farm-port", description = "The port this farm node listens on for its peers, on the farm's "
            + "private network (or facet.farm.port).")
    Integer farmPort;

    @Option(names = "--farm-members", description = "HOST:PORT,... of the farm's members, this node included or not "
            + "(or facet.farm.members). Set facet.farm.address to the address peers reach this node at, unless every "
            + "member is on this machine.")
    String farmMembers;

    @Override
    public Integer call() throws InterruptedException {
        if (home == null) {
            throw new SettingsError("Missing --home: the mirror's home directory.");
        }
        Map<String, String> flags = new HashMap<>();
        flags.put(RawSettings.PORT, port == null ? null : port.toString());
        flags.put(RawSettings.BASE_URL, baseUrl);
        flags.put(RawSettings.SSH_PORT, sshPort == null ? null : sshPort.toString());
        flags.put(RawSettings.TLS_CERTIFICATE, tlsCertificate == null ? null : tlsCertificate.toAbsolutePath().toString());
        flags.put(RawSettings.TLS_PRIVATE_KEY, tlsPrivateKey == null ? null : tlsPrivateKey.toAbsolutePath().toString());
        flags.put(RawSettings.UPSTREAM_URL, upstream);
        flags.put(RawSettings.MIRROR_NAME, name);
        flags.put(RawSettings.FARM_NAME, farm);
        flags.put(RawSettings.FARM_PORT, farmPort == null ? null : farmPort.toString());
        flags.put(RawSettings.FARM_MEMBERS, farmMembers);
        MirrorSettings settings = MirrorSettings.load(home, flags, System.getenv());
        InstanceHome.secure(settings.home());
        LogFiles.writeTo(settings.home().resolve("log"));
        MirrorInstance mirror = MirrorInstance.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            mirror.close();
            stopped.countDown();
        }, "facet-shutdown"));
        System.out.println("Facet mirror ready at " + mirror.baseUrl()
                + mirror.sshBaseUrl().map(ssh -> " (Git over SSH at " + ssh + ")").orElse(""));
        System.out.flush();
        stopped.await();
        return 0;
    }
}
