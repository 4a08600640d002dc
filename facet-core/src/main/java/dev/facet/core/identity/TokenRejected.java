package dev.facet.core.identity;

import dev.facet.core.error.AuthenticationRequired;

/**
 * A signed request whose bearer token was refused. The web layer answers 401 with the message,
 * which says what is wrong and what to do; {@link #reason()} is for logs, metrics and
 * {@code facet doctor}. Messages never contain the token.
 */
public class TokenRejected extends AuthenticationRequired {
    private static final long serialVersionUID = 1L;

    /** Why a token was refused. */
    public enum Reason {
        /** Not a compact JWT, or a claim is missing or has the wrong form. */
        MALFORMED,
        /** Signed with anything but EdDSA, or not signed at all ({@code alg: none}). */
        WRONG_ALGORITHM,
        /** The issuer is not an instance registered here. */
        UNKNOWN_KEY,
        /** The signature does not match the key registered for the issuer, or the token was changed. */
        BAD_SIGNATURE,
        /** The token is addressed to another instance. */
        WRONG_AUDIENCE,
        /** The token claims a validity longer than {@link RequestTokens#MAX_VALIDITY}. */
        TOO_LONG,
        /** The token was issued in the future, beyond {@link RequestTokens#CLOCK_TOLERANCE}. */
        CLOCK_SKEW,
        /** The token's expiry has passed, beyond {@link RequestTokens#CLOCK_TOLERANCE}. */
        EXPIRED,
        /**
         * The token is genuine but was signed for another request (method, target or body), or an
         * answer for another status or body, than the one it came with: it was changed on the way.
         */
        ALTERED,
        /** The token's one-time id was seen before. */
        REPLAYED,
        /** Too many unexpired tokens to remember; refused so that none can be replayed. */
        REPLAY_GUARD_FULL
    }

    private final Reason reason;

    public TokenRejected(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
