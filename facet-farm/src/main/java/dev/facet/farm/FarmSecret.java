package dev.facet.farm;

import com.hazelcast.map.IMap;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * A secret every node of a farm holds alike, for keys that must agree across nodes (the digests of
 * users' credentials, the signatures of Git LFS transfer tokens). The first node that needs one
 * offers 32 random bytes on the farm's own cluster map (put-if-absent: whoever offers first wins,
 * every other node reads the same answer). It lives only in the members' memory, travels only
 * between them on the farm's network, and is never written to a home or sent to the primary or a
 * client. The map keeps a backup on another member, so a node that restarts while the others run
 * reads the same secret again; when every node stops, the next start makes a new one.
 */
public final class FarmSecret {
    /** The secret under which the digests of users' credentials are taken. */
    static final String CREDENTIALS = "credential-secret";
    /** The key that signs Git LFS transfer tokens, so a download may reach another node than its batch. */
    public static final String LFS_TRANSFER_TOKENS = "lfs-transfer-key";
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
        byte[] offered = new byte[BYTES];
        random.nextBytes(offered);
        IMap<String, String> farm = cluster.hazelcast().getMap(FarmId.MAP);
        String offeredText = Base64.getEncoder().encodeToString(offered);
        String agreed = Optional.ofNullable(farm.putIfAbsent(name, offeredText)).orElse(offeredText);
        return Base64.getDecoder().decode(agreed);
    }
}
