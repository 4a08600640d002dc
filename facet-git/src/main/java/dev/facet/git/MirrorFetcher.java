package dev.facet.git;

import dev.facet.core.ref.RefsHash;
import dev.facet.core.tls.OutboundTrust;
import java.io.IOException;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.PackLock;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.URIish;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a mirror's copy of a repository to the upstream's state in two steps: first the
 * objects (a fetch that moves no ref), then every ref in one atomic batch, so a crash leaves the
 * repository either at its old or at its new state and never with a ref whose objects are missing.
 */
public final class MirrorFetcher {
    private static final Logger log = LoggerFactory.getLogger("facet.sync");
    private static final RefSpec ALL_REFS = new RefSpec("+refs/*:refs/*");

    private final VerifyingHttpConnections connections;
    private final MirrorRefs refs;

    /** Fetches over connections that trust what {@code trust} trusts, and verify every certificate. */
    public MirrorFetcher(OutboundTrust trust) {
        this(trust, Clock.systemUTC());
    }

    /** As above; {@code clock} dates what is kept aside. */
    public MirrorFetcher(OutboundTrust trust, Clock clock) {
        this.connections = new VerifyingHttpConnections(trust);
        this.refs = new MirrorRefs(clock);
    }

    /**
     * What a fetch did.
     *
     * @param advertised the refs hash of what the upstream advertised, which is what the mirror's copy holds when
     *                   every change was applied
     */
    public record Outcome(int refsUpdated, long bytesReceived, String headTarget, RefsHash advertised) {
    }

    /**
     * Decides, once the upstream's refs are known, whether the fetch may delete refs or move them to a commit that
     * does not contain their old one. Git over HTTP is not signed, so the caller compares what was advertised with
     * what the upstream signed before it lets anything be lost.
     */
    @FunctionalInterface
    public interface DestructiveChanges {
        boolean allowedFor(RefsHash advertised);
    }

    /**
     * The Git endpoint answered that the repository is not there (or not for this mirror). The answer is not
     * signed, so it proves nothing: only the upstream's signed state may remove a repository.
     */
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
     * The step between the two: told the refs the repository will hold once their objects are in it
     * (what the source advertised, less the changes held back), it returns whether the refs may move
     * there now (a farm waits here until every node holds them).
     */
    @FunctionalInterface
    public interface BeforeRefsMove {
        BeforeRefsMove NONE = target -> true;

        /**
         * @return true when the refs move to {@code target} now; false when they stay as they are now, because
         *         the repository was brought to another state meanwhile (a farm's published one)
         * @throws IOException when the refs may not move now; none has moved
         */
        boolean objectsHeld(Map<String, ObjectId> target) throws IOException;
    }

    /**
     * @param destructive whether refs may be deleted or moved to a commit that does not contain their old one;
     *                    when not, such changes are left out and the refs keep what they had
     */
    public Outcome fetch(Repository repository, String upstreamGitUrl, String bearerToken, boolean destructive)
            throws IOException, RepositoryGone, CredentialsRefused {
        return fetch(repository, upstreamGitUrl, bearerToken, advertised -> destructive, BeforeRefsMove.NONE);
    }

    /** As {@link #fetch(Repository, String, String, boolean)}, asking {@code destructive} with the hash of the advertised refs. */
    public Outcome fetch(Repository repository, String upstreamGitUrl, String bearerToken, DestructiveChanges destructive)
            throws IOException, RepositoryGone, CredentialsRefused {
        return fetch(repository, upstreamGitUrl, bearerToken, destructive, BeforeRefsMove.NONE);
    }

    /**
     * As {@link #fetch(Repository, String, String, boolean)}, asking {@code destructive} with the hash of the
     * advertised refs, and {@code beforeRefsMove} once the objects are held and before any ref moves.
     */
    public Outcome fetch(Repository repository, String upstreamGitUrl, String bearerToken, DestructiveChanges destructive,
                         BeforeRefsMove beforeRefsMove) throws IOException, RepositoryGone, CredentialsRefused {
        Map<String, ObjectId> wanted;
        String headTarget;
        Collection<PackLock> packLocks = List.of();
        long packBytesBefore = packBytes(repository);
        try (Transport transport = Transport.open(repository, new URIish(upstreamGitUrl))) {
            if (transport instanceof TransportHttp http) {
                http.setHttpConnectionFactory(connections);
                http.setAdditionalHeaders(Map.of("Authorization", "Bearer " + bearerToken));
            }
            // One session lists the refs and HEAD together (protocol v2 lists only the prefixes asked for) and
            // fetches what changed: a repository with nothing new costs one listing, an empty one no fetch.
            try (FetchConnection connection = transport.openFetch(List.of(ALL_REFS), Constants.HEAD)) {
                wanted = advertisedRefs(connection.getRefs());
                headTarget = headTarget(connection.getRef(Constants.HEAD));
                List<Ref> changed = changedRefs(repository, connection.getRefs(), wanted);
                if (!changed.isEmpty()) {
                    // Kept (.keep) until the refs point at the new objects, so no repack drops them meanwhile.
                    connection.setPackLockMessage("facet mirror fetch");
                    connection.fetch(NullProgressMonitor.INSTANCE, changed, Set.of());
                    packLocks = connection.getPackLocks();
                    requireHeld(repository, changed);
                }
            }
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
        try {
            return moveRefs(repository, wanted, destructive, beforeRefsMove, headTarget, packBytesBefore);
        } finally {
            unlock(packLocks);
        }
    }

    /** A .keep left behind only stops a repack from folding that pack in: logged, never hiding the fetch's outcome. */
    private static void unlock(Collection<PackLock> packLocks) {
        for (PackLock lock : packLocks) {
            try {
                lock.unlock();
            } catch (IOException e) {
                log.warn("could not remove a fetched pack's .keep file: {}", e.toString());
            }
        }
    }

    private Outcome moveRefs(Repository repository, Map<String, ObjectId> wanted, DestructiveChanges destructive,
                             BeforeRefsMove beforeRefsMove, String headTarget, long packBytesBefore)
            throws IOException {
        RefsHash advertised = RefsHash.of(wanted);
        // Planned before the wait: if the refs are moved by someone else meanwhile, the batch fails whole.
        MirrorRefs.Move move = refs.plan(repository, wanted, destructive.allowedFor(advertised));
        int updated = beforeRefsMove.objectsHeld(move.target()) ? refs.apply(repository, move) : 0;
        return new Outcome(updated, Math.max(0, packBytes(repository) - packBytesBefore), headTarget, advertised);
    }

    /** The branch the upstream's HEAD names, or null when it names none that exists (an empty repository). */
    private static String headTarget(Ref head) {
        return head != null && head.isSymbolic() ? head.getTarget().getName() : null;
    }

    /**
     * The advertised refs the fetch asks for: those whose value here differs. An object that is here already but
     * not under a ref (a copy from a peer that lacks its history) is still asked for: the upload pack's negotiation
     * then sends what it lacks, since only what the local refs reach counts as held.
     */
    private static List<Ref> changedRefs(Repository repository, Collection<Ref> advertised,
                                         Map<String, ObjectId> wanted) throws IOException {
        Map<String, ObjectId> local = new HashMap<>();
        for (Ref ref : repository.getRefDatabase().getRefsByPrefix(Constants.R_REFS)) {
            local.put(ref.getName(), ref.getObjectId());
        }
        List<Ref> changed = new ArrayList<>();
        for (Ref ref : advertised) {
            ObjectId target = wanted.get(ref.getName());
            if (target != null && !target.equals(local.get(ref.getName()))) {
                changed.add(ref);
            }
        }
        return changed;
    }

    /** A server that sent a pack without some of the objects asked for must not get refs moved to them. */
    private static void requireHeld(Repository repository, List<Ref> fetched) throws IOException {
        for (Ref ref : fetched) {
            if (!repository.getObjectDatabase().has(ref.getObjectId())) {
                throw new TransportException("the upstream's pack lacks " + ref.getObjectId().name() + " for "
                        + ref.getName());
            }
        }
    }

    /** The refs a fully applied fetch leaves in the mirror's copy; the same set the upstream's refs hash covers. */
    private static Map<String, ObjectId> advertisedRefs(Collection<Ref> advertisedRefs) {
        Map<String, ObjectId> wanted = new HashMap<>();
        for (Ref ref : advertisedRefs) {
            if (ref.getName().startsWith(Constants.R_REFS) && !ref.isSymbolic() && ref.getObjectId() != null
                    && !KeptRefs.isKept(ref.getName())) {
                wanted.put(ref.getName(), ref.getObjectId());
            }
        }
        return wanted;
    }

    private static long packBytes(Repository repository) {
        if (repository.getDirectory() == null) {
            return 0; // held in memory: there are no pack files to measure
        }
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
