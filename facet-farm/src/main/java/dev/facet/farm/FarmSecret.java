package dev.facet.farm;

import com.hazelcast.map.IMap;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A secret every node of a farm holds alike, for keys that must agree across nodes (the digests of
 * users' credentials, the signatures of Git LFS transfer tokens). The first node that needs one
 * offers 32 random bytes on the farm's own cluster map (put-if-absent: whoever offers first wins,
 * every other node reads the same answer). It lives only in the members' memory, travels only
 * between them on the farm's network, and is never written to a home or sent to the primary or a
 * client. The map keeps a backup on another member, so a node that restarts while the others run
 * reads the same secret again; when every node stops, the next start makes a new one. Halves of a
 * split farm that each made one keep a single one when they merge: {@link #following} reads it again.
 */
public final class FarmSecret {
    private static final Logger log = LoggerFactory.getLogger(FarmSecret.class);
    /** The secret under which the digests of users' credentials are taken. */
    static final String CREDENTIALS = "credential-secret";
    /** The key that signs Git LFS transfer tokens, so a download may reach another node than its batch. */
    public static final String LFS_TRANSFER_TOKENS = "lfs-transfer-key";
    /** The key that signs the Git LFS credentials git-lfs-authenticate hands out over SSH, good on every node. */
    public static final String LFS_SSH_CREDENTIALS = "lfs-ssh-key";
    private static final int BYTES = 32;

    private FarmSecret() {
    }

    /**
     * The farm's secret named {@code name}, offered from {@code random} when no node made it yet.
     *
     * @param name what the secret is for, its key on the farm's map; each use has its own, so one key is never
     *             used for two purposes
     */
    public static byte[] agree(FarmCluster cluster, String name, SecureRandom random) {
        return Base64.getDecoder().decode(offer(cluster, name, random));
    }

    /**
     * The farm's secret named {@code name} as the cluster holds it, read again once {@code refreshAfter} has
     * passed since the last read: after split halves merge, every node uses the one secret the merge kept within
     * that time (what was signed with the other fails once, as after a restart). The supplier never calls the
     * cluster itself: it answers the secret last read, and a read past {@code refreshAfter} sets off one refresh
     * on a thread of its own, so that a slow or partitioned member delays the refresh, never a request.
     */
    public static Supplier<byte[]> following(FarmCluster cluster, String name, SecureRandom random, Clock clock,
                                             Duration refreshAfter) {
        AtomicReference<Read> last = new AtomicReference<>(new Read(agree(cluster, name, random), clock.instant()));
        AtomicBoolean refreshing = new AtomicBoolean();
        return () -> {
            Read read = last.get();
            if (clock.instant().isBefore(read.at().plus(refreshAfter)) || !refreshing.compareAndSet(false, true)) {
                return read.secret();
            }
            Thread refresh = new Thread(() -> {
                byte[] secret = read.secret();
                try {
                    String held = cluster.hazelcast().<String, String>getMap(FarmId.MAP).get(name);
                    secret = held != null ? Base64.getDecoder().decode(held) : agree(cluster, name, random);
                } catch (RuntimeException e) {
                    // A member leaving or shutting down: the secret last read is still the farm's best answer.
                    log.warn("The farm's secret {} could not be read again ({}); the one read last stays in use",
                            name, e.toString());
                } finally {
                    last.set(new Read(secret, clock.instant()));
                    refreshing.set(false);
                }
            }, "facet-farm-secret-refresh-" + name);
            refresh.setDaemon(true);
            try {
                refresh.start();
            } catch (OutOfMemoryError | RuntimeException e) {
                // No thread to be had: the next read past refreshAfter tries again.
                refreshing.set(false);
                log.warn("The farm's secret {} could not be read again: no thread to read it on ({})", name,
                        e.toString());
            }
            return read.secret();
        };
    }

    /** A secret as a node last read it. */
    private record Read(byte[] secret, Instant at) {
    }

    private static String offer(FarmCluster cluster, String name, SecureRandom random) {
        byte[] offered = new byte[BYTES];
        random.nextBytes(offered);
        IMap<String, String> farm = cluster.hazelcast().getMap(FarmId.MAP);
        String offeredText = Base64.getEncoder().encodeToString(offered);
        return Optional.ofNullable(farm.putIfAbsent(name, offeredText)).orElse(offeredText);
    }
}
