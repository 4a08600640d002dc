package dev.facet.ssh;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.Credentials;
import dev.facet.core.access.GitRequestAuthorizer;
import dev.facet.core.access.SshLoginProof;
import dev.facet.core.error.FacetException;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.lfs.LfsSshAuthentication;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.git.ClonePackCache;
import dev.facet.git.GitSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.resolver.ReceivePackFactory;
import org.eclipse.jgit.transport.resolver.RepositoryResolver;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;
import org.eclipse.jgit.transport.resolver.ServiceNotEnabledException;
import org.eclipse.jgit.transport.resolver.UploadPackFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one Git command an SSH client sent: the same authorizer HTTP asks decides who may read
 * or write which repository, and the same resolver and factories then serve it from a
 * {@link GitSession}. A refusal is one line on the client's standard error and a failing exit
 * status, which Git shows its user as it is.
 */
final class GitCommandRunner implements Command {
    private static final Logger log = LoggerFactory.getLogger(GitCommandRunner.class);
    private static final int REFUSED = 128;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What every command shares: the decision, the Git seams, and the threads the commands run on. */
    record Seams(GitRequestAuthorizer authorizer, RepositoryResolver<GitSession> repositories,
                 UploadPackFactory<GitSession> uploadPacks, ReceivePackFactory<GitSession> receivePacks,
                 LfsSshAuthentication lfs, ClonePackCache clones, ExecutorService workers) {
    }

    private final Seams seams;
    private final String commandLine;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;

    GitCommandRunner(Seams seams, String commandLine) {
        this.seams = seams;
        this.commandLine = commandLine;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback exit) {
        this.exit = exit;
    }

    @Override
    public void start(ChannelSession channel, Environment environment) {
        String fingerprint = channel.getSession().getAttribute(GitSshServer.KEY_FINGERPRINT);
        String address = addressOf(channel.getSession().getClientAddress());
        String gitProtocol = environment.getEnv().get("GIT_PROTOCOL");
        SshLoginProof login = channel.getSession().getAttribute(ProvenKeyLogins.LOGIN_PROOF);
        try {
            seams.workers().execute(() -> exit.onExit(run(fingerprint, login, address, gitProtocol)));
        } catch (RejectedExecutionException e) {
            exit.onExit(refuse("the server is running as many Git commands as it may; try again shortly"));
        }
    }

    private int run(String fingerprint, SshLoginProof login, String address, String gitProtocol) {
        Optional<LfsAuthenticateCommand> lfs = LfsAuthenticateCommand.parse(commandLine);
        if (lfs.isPresent()) {
            return authenticateLfs(lfs.get(), fingerprint, address);
        }
        GitSshCommand command = GitSshCommand.parse(commandLine).orElse(null);
        if (command == null) {
            return refuse(commandLine != null && commandLine.startsWith("git-lfs-transfer ")
                    ? "Facet answers git-lfs-authenticate, not git-lfs-transfer." : GitSshCommand.EXPECTED);
        }
        GitSession session;
        try {
            GitRequestAuthorizer.AuthorizedGitRequest authorized = authorize(fingerprint, address, command.project(),
                    command.repository(), command.isPush() ? AccessLevel.WRITE : AccessLevel.READ);
            session = new GitSession(authorized.repositoryId(), authorized.caller(), gitProtocol, login);
        } catch (RuntimeException e) {
            return refusedAccess(e);
        }
        try (Repository repository = seams.repositories().open(session, command.repository())) {
            if (command.isPush()) {
                ReceivePack receivePack = seams.receivePacks().create(session, repository);
                receivePack.receive(in, out, err);
            } else if (command.isArchive()) {
                // The upload side's factory decides what a reader sees (its gate, its ref filter): an archive shows no more.
                Map<String, Ref> visible;
                try (UploadPack uploadPack = seams.uploadPacks().create(session, repository)) {
                    visible = uploadPack.getRefFilter().filter(repository.getRefDatabase().getRefs().stream()
                            .collect(Collectors.toMap(Ref::getName, ref -> ref, (a, b) -> a)));
                }
                new UploadArchive(repository, visible).serve(in, out);
            } else {
                new UploadPackSession(seams.uploadPacks(), seams.clones()).serve(session, repository, in, out, err);
            }
            out.flush();
            return 0;
        } catch (ServiceNotEnabledException e) {
            return refuse(e.getMessage());
        } catch (ServiceNotAuthorizedException e) {
            return refuse("Authentication required.");
        } catch (org.eclipse.jgit.errors.RepositoryNotFoundException e) {
            return refuse("Repository " + command.project() + "/" + command.repository() + " does not exist.");
        } catch (UploadPackSession.NotGitProtocol e) {
            log.info("Git over SSH: '{}' from {} refused: {}", commandLine, address, e.getMessage());
            return refuse("Git protocol error: " + e.getMessage() + ".");
        } catch (IOException e) {
            // A client that hangs up or speaks something else than Git: nothing on this side to fix.
            log.info("Git over SSH: '{}' from {} ended: {}", commandLine, address, e.toString());
            return REFUSED;
        } catch (RuntimeException e) {
            log.error("Git over SSH: '{}' from {} failed", commandLine, address, e);
            return refuse("Facet failed to serve this command; the server log has the details.");
        }
    }

    /**
     * Answers git-lfs-authenticate: the same authorizer as for Git decides whether the key may download (READ)
     * or upload (WRITE), and the answer is the JSON git-lfs reads, on standard output.
     */
    private int authenticateLfs(LfsAuthenticateCommand command, String fingerprint, String address) {
        LfsSshAuthentication.Answer answer;
        try {
            GitRequestAuthorizer.AuthorizedGitRequest authorized = authorize(fingerprint, address, command.project(),
                    command.repository(), command.level());
            answer = seams.lfs().answer(fingerprint, authorized, ProjectKey.of(command.project()),
                    RepositorySlug.of(command.repository()), command.level());
        } catch (RuntimeException e) {
            return refusedAccess(e);
        }
        try {
            out.write(JSON.writeValueAsBytes(Map.of("href", answer.href(), "header", answer.header(),
                    "expires_in", answer.expiresIn(), "expires_at", answer.expiresAt().toString())));
            out.write('\n');
            out.flush();
            return 0;
        } catch (IOException e) {
            log.info("Git over SSH: '{}' from {} ended: {}", commandLine, address, e.toString());
            return REFUSED;
        }
    }

    /** What the authorizer allows the key on the repository a command names, once the names are found valid. */
    private GitRequestAuthorizer.AuthorizedGitRequest authorize(String fingerprint, String address, String project,
                                                                String repository, AccessLevel needed) {
        return seams.authorizer().authorize(Optional.ofNullable(fingerprint).map(Credentials::publicKey), address,
                ProjectKey.of(project), RepositorySlug.of(repository), needed);
    }

    /** Why a command was refused before it ran: bad names, the authorizer's answer, or a failure of ours. */
    private int refusedAccess(RuntimeException failure) {
        if (failure instanceof InvalidInput) {
            return refuse("Repository not found: " + failure.getMessage());
        } else if (failure instanceof FacetException) {
            return refuse(failure.getMessage());
        }
        log.error("Git over SSH: access check for '{}' failed", commandLine, failure);
        return refuse("Facet could not check access to this repository; the server log has the details.");
    }

    private int refuse(String message) {
        try {
            err.write(("facet: " + message + "\n").getBytes(StandardCharsets.UTF_8));
            err.flush();
        } catch (IOException e) {
            log.debug("could not tell the SSH client why its command was refused", e);
        }
        return REFUSED;
    }

    static String addressOf(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : String.valueOf(address);
    }

    @Override
    public void destroy(ChannelSession channel) {
    }
}
