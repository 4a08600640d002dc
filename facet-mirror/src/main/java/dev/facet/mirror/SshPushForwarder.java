package dev.facet.mirror;

import dev.facet.core.access.SshLoginProof;
import dev.facet.core.identity.BodyDigest;
import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.mirror.protocol.ForwardedPushResult;
import dev.facet.core.mirror.protocol.ForwardedSshLogin;
import dev.facet.core.store.MirrorStore;
import dev.facet.git.GitSession;
import dev.facet.git.KeptRefs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.resolver.ReceivePackFactory;
import org.eclipse.jgit.transport.resolver.ServiceNotEnabledException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a push an SSH client sends to this mirror and has the primary decide it. JGit's
 * {@link ReceivePack} speaks Git with the client over this mirror's own refs and receives the pack
 * into this mirror's object store (objects without refs until the sync brings them; nothing a
 * reader sees). Instead of updating refs here, its pre-receive step sends the commands and a pack
 * of the new objects to the primary, with what the client signed to log in to this mirror, in one
 * request this mirror signs; the primary checks that signature with the user's registered key and
 * decides as for any push. Each command then ends as the primary said, with its messages, so the
 * client sees the primary's answer; when the primary took anything, the answer waits until this
 * mirror serves it. When the primary cannot be reached every command is refused saying so, and
 * nothing changes anywhere.
 */
public final class SshPushForwarder implements ReceivePackFactory<GitSession> {
    private static final Logger log = LoggerFactory.getLogger(SshPushForwarder.class);

    private final UpstreamSession upstream;
    private final MirrorStore store;
    private final PushForwarder readYourWrites;
    private final OffloadCounts offload;

    /** Waits for the mirror's sync after a push as {@code readYourWrites} does over HTTP, and counts in {@code offload}. */
    public SshPushForwarder(UpstreamSession upstream, MirrorStore store, PushForwarder readYourWrites,
                            OffloadCounts offload) {
        this.upstream = upstream;
        this.store = store;
        this.readYourWrites = readYourWrites;
        this.offload = offload;
    }

    @Override
    public ReceivePack create(GitSession session, Repository repository) throws ServiceNotEnabledException {
        SshLoginProof login = session.sshLogin();
        MirroredRepository carried = store.inTransaction(tx -> tx.repositories().find(session.repositoryId()))
                .orElse(null);
        if (login == null || carried == null) {
            throw new ServiceNotEnabledException("This mirror forwards pushes over SSH only; push to the primary: git push "
                    + upstream.client().upstreamUrl());
        }
        ReceivePack receivePack = new ReceivePack(repository);
        // The client sees the refs a reader sees: what the mirror keeps aside from the primary is its own.
        receivePack.setRefFilter(KeptRefs.HIDDEN);
        // Every rule is the primary's: nothing is refused here that the primary might take.
        receivePack.setAllowCreates(true);
        receivePack.setAllowDeletes(true);
        receivePack.setAllowNonFastForwards(true);
        // An atomic push cannot be promised across two servers' answers; Git says so to a client that asks.
        receivePack.setAtomic(false);
        receivePack.setPreReceiveHook((pack, commands) -> forward(pack, commands, login, carried));
        return receivePack;
    }

    private void forward(ReceivePack pack, Collection<ReceiveCommand> commands, SshLoginProof login,
                         MirroredRepository carried) {
        if (commands.isEmpty()) {
            return;
        }
        String project = carried.projectKey().value();
        String slug = carried.slug().value();
        ForwardedPushResult answer;
        Path body = null;
        try {
            body = Files.createTempFile("facet-ssh-push-", ".req");
            BodyDigest digest = ForwardedPushRequest.write(body, pack.getRepository(), commands,
                    advertisedTips(pack), ForwardedSshLogin.of(login, null));
            long size = Files.size(body);
            answer = upstream.client().forwardSshPush(upstream.upstreamId(), project, slug, body, digest);
            offload.onPushForwarded(size);
        } catch (UpstreamUnavailable e) {
            boolean unreachable = e.status() == 0 || e.status() == 502 || e.status() == 503 || e.status() == 504;
            String reason = unreachable ? "the primary " + upstream.client().upstreamUrl() + " cannot be reached; "
                    + "nothing was pushed, try again later" : "the primary refused: " + primaryReason(e);
            log.info("push over SSH to {}/{} not forwarded: {}", project, slug, e.getMessage());
            refuseAll(commands, reason);
            return;
        } catch (IOException | RuntimeException e) {
            log.warn("push over SSH to {}/{} could not be forwarded", project, slug, e);
            refuseAll(commands, "this mirror could not forward the push; its log has the details");
            return;
        } finally {
            deleteQuietly(body);
        }
        if (answer.messages() != null && !answer.messages().isBlank()) {
            answer.messages().lines().forEach(pack::sendMessage);
        }
        Map<String, ForwardedPushResult.RefResult> results = new HashMap<>();
        if (answer.refs() != null) {
            answer.refs().forEach(result -> results.put(result.ref(), result));
        }
        boolean taken = false;
        for (ReceiveCommand command : commands) {
            ForwardedPushResult.RefResult result = results.get(command.getRefName());
            ReceiveCommand.Result outcome = result == null ? null : outcome(result.result());
            if (outcome == null) {
                command.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, "ok".equals(answer.unpack())
                        ? "the primary did not say" : "unpacker error on the primary: " + answer.unpack());
            } else if (outcome == ReceiveCommand.Result.OK) {
                // Marked done here so JGit leaves this mirror's ref alone: the sync moves it, as it moves every ref.
                command.setResult(ReceiveCommand.Result.OK);
                taken = true;
            } else {
                command.setResult(outcome, result.message());
            }
        }
        if (taken) {
            readYourWrites.awaitSync(carried);
        }
    }

    /**
     * The tips of the branches and tags this mirror advertised: the primary's, as last synced, so the pack
     * leaves out what they already hold.
     */
    private static Set<ObjectId> advertisedTips(ReceivePack pack) {
        Set<ObjectId> haves = new HashSet<>();
        Map<String, Ref> advertised = pack.getAdvertisedRefs();
        if (advertised != null) {
            for (Ref ref : advertised.values()) {
                String name = ref.getName();
                if ((name.startsWith(Constants.R_HEADS) || name.startsWith(Constants.R_TAGS)) && ref.getObjectId() != null) {
                    haves.add(ref.getObjectId());
                }
            }
        }
        return haves;
    }

    private static ReceiveCommand.Result outcome(String name) {
        try {
            ReceiveCommand.Result result = ReceiveCommand.Result.valueOf(name.toUpperCase(Locale.ROOT));
            return result == ReceiveCommand.Result.NOT_ATTEMPTED ? null : result;
        } catch (IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    private static void refuseAll(Collection<ReceiveCommand> commands, String reason) {
        for (ReceiveCommand command : commands) {
            command.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, reason);
        }
    }

    /** The primary's own words from a refusal, without the request line the exception adds. */
    private static String primaryReason(UpstreamUnavailable e) {
        String message = e.getMessage();
        int colon = message.indexOf(": ", message.indexOf(" answered "));
        return colon < 0 ? message : message.substring(colon + 2);
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Called from a finally: throwing here would hide the push's own outcome or failure.
            log.warn("Could not delete the forwarded push's temporary pack {}: {}", file, e.toString());
        }
    }
}
