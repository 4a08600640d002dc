package dev.facet.primary;

import dev.facet.core.access.Caller;
import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.mirror.protocol.FetchToken;
import dev.facet.core.store.Store;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bearer tokens a registered mirror's Git fetches carry: random, valid for a few minutes,
 * kept in memory only, and worth no more than the mirror itself (its selection decides what they
 * read). A token is a credential for Git over HTTP; TLS keeps it off the wire.
 */
public final class MirrorFetchTokens {
    static final Duration VALIDITY = Duration.ofMinutes(5);
    /** Tells a fetch token apart from a user's access token where both arrive as a bearer. */
    public static final String PREFIX = "fmt_";

    private final Store store;
    private final Clock clock;
    private final SecureRandom random;
    private final Map<String, Grant> grants = new ConcurrentHashMap<>();

    private record Grant(String mirrorId, Instant expiresAt) {
    }

    public MirrorFetchTokens(Store store, Clock clock, SecureRandom random) {
        this.store = store;
        this.clock = clock;
        this.random = random;
    }

    /** A new token for a registered, not removed mirror. */
    public FetchToken issue(String mirrorId) {
        store.useTransaction(tx -> MirrorRegistry.requireRegistered(tx, mirrorId));
        Instant now = clock.instant();
        grants.values().removeIf(grant -> grant.expiresAt().isBefore(now));
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        grants.put(token, new Grant(mirrorId, now.plus(VALIDITY)));
        return new FetchToken(token, VALIDITY.toSeconds());
    }

    /** The mirror a fetch token was issued to, while it is valid and the mirror registered. */
    public Caller caller(String token) {
        Grant grant = grants.get(token);
        if (grant == null || grant.expiresAt().isBefore(clock.instant())) {
            throw new AuthenticationRequired("The mirror fetch token is unknown or expired; ask for a new one.");
        }
        boolean registered = store.inTransaction(tx -> tx.mirrorServers().find(grant.mirrorId())
                .filter(server -> !server.isRemoved()).isPresent());
        if (!registered) {
            throw new AuthenticationRequired("Mirror " + grant.mirrorId() + " is not registered here.");
        }
        return Caller.mirror(grant.mirrorId());
    }
}
