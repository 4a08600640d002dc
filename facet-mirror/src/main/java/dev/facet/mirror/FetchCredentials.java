package dev.facet.mirror;

import dev.facet.core.mirror.protocol.FetchToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** The bearer token the mirror's fetches carry, renewed before it expires or when the upstream refuses it. */
final class FetchCredentials {
    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofSeconds(30);

    private final Supplier<FetchToken> issuer;
    private final Clock clock;
    private String token;
    private Instant expiresAt = Instant.MIN;

    FetchCredentials(Supplier<FetchToken> issuer, Clock clock) {
        this.issuer = issuer;
        this.clock = clock;
    }

    synchronized String current() {
        if (token == null || clock.instant().plus(RENEW_BEFORE_EXPIRY).isAfter(expiresAt)) {
            FetchToken fresh = issuer.get();
            token = fresh.token();
            expiresAt = clock.instant().plusSeconds(fresh.expiresInSeconds());
        }
        return token;
    }

    synchronized void forget() {
        token = null;
    }
}
