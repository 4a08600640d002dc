package dev.facet.git;

import dev.facet.core.tls.OutboundTrust;
import java.io.IOException;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.BatchRefUpdate;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.URIish;

/**
 * Brings a mirror's copy of a repository to the upstream's state in two steps: first the
 * objects (a fetch that moves no ref), then every ref in one atomic batch, so a crash leaves the
 * repository either at its old or at its new state and never with a ref whose objects are missing.
 */
public final class MirrorFetcher {
    private static final RefSpec ALL_REFS = new RefSpec("+refs/*:refs/*");

    private final VerifyingHttpConnections connections;

    /** Fetches over connections that trust what {@code trust} trusts, and verify every certificate. */
    public MirrorFetcher(OutboundTrust trust) {
        this.connections = new VerifyingHttpConnections(trust);
    }

    /** What a fetch did. */
    public record Outcome(int refsUpdated, long bytesReceived, String headTarget) {
    }

    /** The upstream answered that the repository is not there (or not for this mirror). */
    public static final class RepositoryGone extends Exception {
        private static final long serialVersionUID = 1L;

        RepositoryGone(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The upstream refused the mirror's credentials. */
    public static final class CredentialsRefused extends Exception {
        private static final long serialVersionUID = 1L;

        CredentialsRefused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The step between the two: told the refs the source advertised once their objects are in the
     * repository, it returns when the refs may move (a farm waits here until every node holds them).
     */
    @FunctionalInterface
    public interface BeforeRefsMove {
        BeforeRefsMove NONE = advertised -> { };

        /** @throws IOException when the refs may not move now; none has moved */
        void objectsHeld(Map<String, ObjectId> advertised) throws IOException;
    }

    /**
     * @param destructive whether refs may be deleted or moved to a commit that does not contain their old one;
     *                    when not, such changes are left out and the refs keep what they had
     */
    public Outcome fetch(Repository repository, String upstreamGitUrl, String bearerToken, boolean destructive)
            throws IOException, RepositoryGone, CredentialsRefused {
        return fetch(repository, upstreamGitUrl, bearerToken, destructive, BeforeRefsMove.NONE);
    }

    /** As {@link #fetch(Repository, String, String, boolean)}, with {@code beforeRefsMove} between objects and refs. */
    public Outcome fetch(Repository repository, String upstreamGitUrl, String bearerToken, boolean destructive,
                         BeforeRefsMove beforeRefsMove) throws IOException, RepositoryGone, CredentialsRefused {
        FetchResult result;
        long packBytesBefore = packBytes(repository);
        try (Transport transport = Transport.open(repository, new URIish(upstreamGitUrl))) {
            if (transport instanceof TransportHttp http) {
                http.setHttpConnectionFactory(connections);
                http.setAdditionalHeaders(Map.of("Authorization", "Bearer " + bearerToken));
            }
            transport.setDryRun(true);
            transport.setRemoveDeletedRefs(false);
            result = transport.fetch(NullProgressMonitor.INSTANCE, List.of(ALL_REFS));
        } catch (URISyntaxException e) {
            throw new IOException("Bad upstream URL " + upstreamGitUrl, e);
        } catch (NoRemoteRepositoryException e) {
            throw new RepositoryGone(e.getMessage(), e);
        } catch (TransportException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("not authorized") || message.contains("Authentication is required")
                    || message.contains("401")) {
                throw new CredentialsRefused(message, e);
            }
            if (message.contains("not found") || message.contains("404")) {
                throw new RepositoryGone(message, e);
            }
            throw e;
        }
        beforeRefsMove.objectsHeld(advertised(result));
        int updated = applyRefs(repository, result, destructive);
        Ref head = result.getAdvertisedRef(Constants.HEAD);
        String headTarget = head != null && head.isSymbolic() ? head.getTarget().getName() : null;
        return new Outcome(updated, Math.max(0, packBytes(repository) - packBytesBefore), headTarget);
    }

    /** The refs under {@code refs/} the source advertised, each with the object it points at. */
    private static Map<String, ObjectId> advertised(FetchResult result) {
        Map<String, ObjectId> advertised = new HashMap<>();
        for (Ref ref : result.getAdvertisedRefs()) {
            if (ref.getName().startsWith(Constants.R_REFS) && !ref.isSymbolic() && ref.getObjectId() != null) {
                advertised.put(ref.getName(), ref.getObjectId());
            }
        }
        return advertised;
    }

    private static int applyRefs(Repository repository, FetchResult result, boolean destructive) throws IOException {
        Map<String, ObjectId> wanted = advertised(result);
        List<ReceiveCommand> commands = new ArrayList<>();
        Map<String, ObjectId> local = new HashMap<>();
        for (Ref ref : repository.getRefDatabase().getRefsByPrefix(Constants.R_REFS)) {
            if (ref.getObjectId() != null && !KeptRefs.isKept(ref.getName())) {
                local.put(ref.getName(), ref.getObjectId());
            }
        }
        java.time.Instant now = java.time.Instant.now();
        try (RevWalk walk = new RevWalk(repository)) {
            for (Map.Entry<String, ObjectId> ref : wanted.entrySet()) {
                ObjectId current = local.get(ref.getKey());
                if (current == null) {
                    commands.add(new ReceiveCommand(ObjectId.zeroId(), ref.getValue(), ref.getKey(),
                            ReceiveCommand.Type.CREATE));
                } else if (!current.equals(ref.getValue())) {
                    boolean fastForward = isFastForward(walk, current, ref.getValue());
                    if (fastForward || destructive) {
                        commands.add(new ReceiveCommand(current, ref.getValue(), ref.getKey(),
                                ReceiveCommand.Type.UPDATE_NONFASTFORWARD));
                    }
                    if (!fastForward && destructive) {
                        commands.add(keep(ref.getKey(), current, now));
                    }
                }
            }
        }
        if (destructive) {
            local.forEach((name, id) -> {
                if (!wanted.containsKey(name)) {
                    commands.add(new ReceiveCommand(id, ObjectId.zeroId(), name, ReceiveCommand.Type.DELETE));
                    commands.add(keep(name, id, now));
                }
            });
        }
        if (commands.isEmpty()) {
            return 0;
        }
        BatchRefUpdate batch = repository.getRefDatabase().newBatchUpdate();
        batch.setAtomic(true);
        batch.setAllowNonFastForwards(true);
        batch.disableRefLog();
        batch.addCommand(commands);
        try (RevWalk walk = new RevWalk(repository)) {
            batch.execute(walk, NullProgressMonitor.INSTANCE);
        }
        for (ReceiveCommand command : commands) {
            if (command.getResult() != ReceiveCommand.Result.OK) {
                throw new IOException("Ref update " + command.getRefName() + " failed: " + command.getResult()
                        + (command.getMessage() == null ? "" : " (" + command.getMessage() + ")"));
            }
        }
        return commands.size();
    }

    /** What the upstream deleted or rewound is kept aside, in the same atomic batch that moves the ref. */
    private static ReceiveCommand keep(String refName, ObjectId old, java.time.Instant at) {
        return new ReceiveCommand(ObjectId.zeroId(), old, KeptRefs.keptName(refName, at), ReceiveCommand.Type.CREATE);
    }

    private static boolean isFastForward(RevWalk walk, ObjectId from, ObjectId to) {
        try {
            return walk.isMergedInto(walk.parseCommit(from), walk.parseCommit(to));
        } catch (IOException e) {
            return false;
        }
    }

    private static long packBytes(Repository repository) {
        java.io.File[] packs = new java.io.File(repository.getDirectory(), "objects/pack").listFiles();
        long total = 0;
        if (packs != null) {
            for (java.io.File pack : packs) {
                total += pack.length();
            }
        }
        return total;
    }
}
