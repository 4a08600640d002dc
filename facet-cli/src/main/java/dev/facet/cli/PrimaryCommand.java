package dev.facet.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code facet primary}: runs the primary until it is sent SIGTERM or SIGINT. */
@Command(name = "primary", mixinStandardHelpOptions = true,
        description = "Run a primary: the Git server that owns repositories, users and permissions.")
final class PrimaryCommand implements Callable<Integer> {
    @Option(names = "--home", required = true, description = "The instance's home directory (created when missing).")
    Path home;

    @Option(names = "--port", description = "HTTP port; 0 picks a free one (default: facet.port, else 7990).")
    Integer port;

    @Option(names = "--tls-certificate", description = "Serve HTTPS with this PEM certificate (its chain after it); "
            + "needs --tls-private-key. Reloaded when the file changes (or facet.tls.certificate).")
    Path tlsCertificate;

    @Option(names = "--tls-private-key", description = "The PEM PKCS#8 private key of --tls-certificate "
            + "(or facet.tls.private-key).")
    Path tlsPrivateKey;

    @Option(names = "--ssh-port", description = "Git over SSH port; 0 picks a free one (default: facet.ssh.port, "
            + "else 7999; facet.ssh.enabled=false turns SSH off).")
    Integer sshPort;

    @Option(names = "--base-url", description = "The URL users reach this server at (default http://localhost:PORT).")
    String baseUrl;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> flags = new HashMap<>();
        flags.put(RawSettings.PORT, port == null ? null : port.toString());
        flags.put(RawSettings.BASE_URL, baseUrl);
        flags.put(RawSettings.SSH_PORT, sshPort == null ? null : sshPort.toString());
        flags.put(RawSettings.TLS_CERTIFICATE, tlsCertificate == null ? null : tlsCertificate.toAbsolutePath().toString());
        flags.put(RawSettings.TLS_PRIVATE_KEY, tlsPrivateKey == null ? null : tlsPrivateKey.toAbsolutePath().toString());
        PrimarySettings settings = PrimarySettings.load(home, flags, System.getenv());
        InstanceHome.secure(settings.home());
        LogFiles.writeTo(settings.home().resolve("log"));
        PrimaryInstance primary = PrimaryInstance.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            primary.close();
            stopped.countDown();
        }, "facet-shutdown"));
        System.out.println("Facet primary ready at " + primary.baseUrl()
                + primary.sshBaseUrl().map(ssh -> " (Git over SSH at " + ssh + ")").orElse(""));
        System.out.flush();
        stopped.await();
        return 0;
    }
}
