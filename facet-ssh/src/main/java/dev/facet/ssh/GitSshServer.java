package dev.facet.ssh;

import dev.facet.core.error.FacetException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.eclipse.jgit.transport.resolver.ReceivePackFactory;
import org.eclipse.jgit.transport.resolver.RepositoryResolver;
import org.eclipse.jgit.transport.resolver.UploadPackFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.facet.git.ClonePackCache;
import dev.facet.git.GitSession;
import dev.facet.ssh.cipher.OpenSshChaCha20Poly1305;
import dev.facet.core.access.GitRequestAuthorizer;
import dev.facet.core.lfs.LfsSshAuthentication;

/**
 * Git over SSH: public-key login against the keys users registered, then only Git's own
 * commands on {@code PROJECT/repository.git} and git-lfs's {@code git-lfs-authenticate}. No
 * password login, no shell, no port or agent forwarding, no SFTP. Each command goes through the
 * same authorizer and Git seams as HTTP.
 * Owns its listener and worker threads: {@link #start()} and {@link #stop()}.
 */
public final class GitSshServer {
    private static final Logger log = LoggerFactory.getLogger(GitSshServer.class);
    static final AttributeKey<String> KEY_FINGERPRINT = new AttributeKey<>();
    private static final String NO_SHELL = "You are signed in to Facet, which serves Git over SSH only; there is no "
            + "shell. Clone with: git clone ssh://git@HOST:PORT/PROJECT/repository.git";

    private final SshServer server;
    private final ExecutorService workers;

    /**
     * @param host          the address to listen on, null for all
     * @param port          0 picks a free one
     * @param keysDirectory where the host keys are kept (made on the first start)
     * @param logins        checks that a key belongs to an active user, before any command runs
     * @param lfs           what answers git-lfs-authenticate, once the authorizer has allowed the key
     * @param clones        the clone cache HTTP uses too: full clones in protocol v2 are answered from it
     * @param maxCommands   how many Git commands run at once, as HTTP's limit on Git requests; one more is refused
     */
    public GitSshServer(String host, int port, Path keysDirectory, KeyLogins logins,
                        GitRequestAuthorizer authorizer, RepositoryResolver<GitSession> repositories,
                        UploadPackFactory<GitSession> uploadPacks, ReceivePackFactory<GitSession> receivePacks,
                        LfsSshAuthentication lfs, ClonePackCache clones, int maxCommands) {
        AtomicInteger threads = new AtomicInteger();
        // No queue: a command past the limit is refused at once, with a message, rather than left to wait unseen.
        this.workers = new ThreadPoolExecutor(0, maxCommands, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "facet-ssh-git-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        GitCommandRunner.Seams seams = new GitCommandRunner.Seams(authorizer, repositories, uploadPacks, receivePacks,
                lfs, clones, workers);
        this.server = SshServer.setUpDefaultServer();
        server.setHost(host);
        server.setPort(port);
        server.setKeyPairProvider(SshHostKeys.in(keysDirectory));
        server.setCipherFactories(OpenSshChaCha20Poly1305.inPlaceOfSshds(server.getCipherFactories()));
        server.setUserAuthFactories(List.of(new ProvenKeyLogins()));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setGSSAuthenticator(null);
        server.setHostBasedAuthenticator(null);
        server.setPublickeyAuthenticator((username, key, session) -> {
            String fingerprint = KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
            String address = GitCommandRunner.addressOf(session.getClientAddress());
            try {
                logins.requireKnown(fingerprint, address);
            } catch (FacetException e) {
                log.info("SSH login from {} with key {} refused: {}", address, fingerprint, e.getMessage());
                return false;
            }
            session.setAttribute(KEY_FINGERPRINT, fingerprint);
            return true;
        });
        server.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        server.setAgentFactory(null);
        server.setSubsystemFactories(List.of());
        server.setCommandFactory((channel, command) -> new GitCommandRunner(seams, command));
        server.setShellFactory(channel -> new NoShell());
    }

    public void start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not listen for SSH on port " + server.getPort() + " ("
                    + e.getMessage() + "); choose another with facet.ssh.port or --ssh-port, or turn SSH off with "
                    + "facet.ssh.enabled=false", e);
        }
    }

    public void stop() {
        try {
            server.stop(false);
        } catch (IOException e) {
            log.warn("stopping the SSH server failed", e);
        } finally {
            workers.shutdownNow();
            try {
                workers.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The port it listens on, once started (the one picked when it was given 0). */
    public int port() {
        return server.getPort();
    }

    /** The ciphers offered, in the order offered. */
    List<NamedFactory<Cipher>> ciphers() {
        return server.getCipherFactories();
    }

    /** What a shell request gets: a line saying what this server is for, and the end of the session. */
    private static final class NoShell implements Command {
        private java.io.OutputStream err;
        private org.apache.sshd.server.ExitCallback exit;

        @Override
        public void setInputStream(java.io.InputStream in) {
        }

        @Override
        public void setOutputStream(java.io.OutputStream out) {
        }

        @Override
        public void setErrorStream(java.io.OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(org.apache.sshd.server.ExitCallback exit) {
            this.exit = exit;
        }

        @Override
        public void start(org.apache.sshd.server.channel.ChannelSession channel,
                          org.apache.sshd.server.Environment environment) throws IOException {
            err.write((NO_SHELL + "\n").getBytes(StandardCharsets.UTF_8));
            err.flush();
            exit.onExit(1);
        }

        @Override
        public void destroy(org.apache.sshd.server.channel.ChannelSession channel) {
        }
    }
}
