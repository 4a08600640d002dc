package dev.facet.mirror;

import dev.facet.core.identity.InstancePublicKey;
import dev.facet.core.identity.KeyFingerprint;
import dev.facet.core.mirror.UpstreamLink;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one rule for accepting the upstream after an alert, used by the running mirror (REST) and
 * by {@code facet mirror accept-upstream} alike.
 *
 * <p>What the upstream presents at {@code GET /instance} is unsigned: anything between the mirror
 * and its primary can change it. So accepting never takes it on its word. When the upstream still
 * presents the pinned identity, the pin is kept. Only when it presents another one is it pinned,
 * and only if its key has the fingerprint the administrator typed in after reading it on the
 * primary itself.
 */
final class UpstreamAcceptance {
    private UpstreamAcceptance() {
    }

    /** What accepting does to the pin, in words for the audit trail. */
    record Accepted(UpstreamLink link, boolean repinned) {
        String describe() {
            return repinned ? "re-pinned to instance " + link.upstreamInstanceId() + " with key fingerprint "
                    + fingerprint(link.upstreamPublicKey())
                    : "pin kept: instance " + link.upstreamInstanceId() + " with key fingerprint "
                    + fingerprint(link.upstreamPublicKey());
        }
    }

    /**
     * Decides the pin after acceptance and forgets the event position (the next reconciliation
     * takes the upstream's, deletions included).
     *
     * @param typed     the fingerprint the administrator read on the primary, if any
     * @param presented what the server at the upstream URL presents now; asked only once, and an
     *                  upstream that cannot be reached keeps the pin when no fingerprint was typed
     * @throws UpstreamNotAccepted when the presented identity is not the pinned one and its key does
     *                             not have the typed fingerprint (or none was typed)
     */
    static Accepted accept(UpstreamLink link, Optional<KeyFingerprint> typed,
                           Supplier<UpstreamClient.UpstreamIdentity> presented) {
        Optional<InstancePublicKey> pinnedKey = Optional.ofNullable(link.upstreamPublicKey()).map(InstancePublicKey::new);
        UpstreamClient.UpstreamIdentity now;
        try {
            now = presented.get();
        } catch (UpstreamUnavailable e) {
            if (typed.isEmpty() && pinnedKey.isPresent()) {
                // Keeping the pin trusts nothing new; should the upstream differ, the next check says so again.
                return new Accepted(withoutPosition(link, link.upstreamInstanceId(), link.upstreamPublicKey()), false);
            }
            throw e;
        }
        InstancePublicKey presentedKey;
        try {
            presentedKey = new InstancePublicKey(now.publicKey());
        } catch (dev.facet.core.error.InvalidInput e) {
            throw new UpstreamNotAccepted("The server at " + link.upstreamUrl() + " presents instance " + now.id()
                    + " without a valid public key (" + e.getMessage() + "). Nothing was changed.");
        }
        boolean samePin = pinnedKey.isPresent() && pinnedKey.get().equals(presentedKey)
                && now.id().equals(link.upstreamInstanceId());
        if (typed.isPresent() && !typed.get().identifies(presentedKey)) {
            throw new UpstreamNotAccepted("The server at " + link.upstreamUrl() + " presents instance " + now.id()
                    + " with key fingerprint " + presentedKey.fingerprint() + ", not the fingerprint typed in ("
                    + typed.get() + "). Nothing was changed. Read the fingerprint on the primary itself (its mirror "
                    + "console); if it is the one typed in, something between this mirror and the primary presents "
                    + "another identity: take it out of the path.");
        }
        if (samePin) {
            return new Accepted(withoutPosition(link, link.upstreamInstanceId(), link.upstreamPublicKey()), false);
        }
        if (typed.isEmpty()) {
            throw new UpstreamNotAccepted("The server at " + link.upstreamUrl() + " presents instance " + now.id()
                    + " with key fingerprint " + presentedKey.fingerprint() + "; this mirror pinned "
                    + pinnedDescription(link) + ". Nothing was changed. If the primary was restored with new keys, "
                    + "read its key fingerprint on the primary itself (its mirror console) and accept with it: "
                    + "facet mirror accept-upstream --home DIR --fingerprint HEX, or POST "
                    + "/rest/mirroring/latest/upstreamServer/accept-upstream with {\"keyFingerprint\":\"HEX\"}.");
        }
        return new Accepted(withoutPosition(link, now.id(), presentedKey.jwk()), true);
    }

    private static String pinnedDescription(UpstreamLink link) {
        return link.upstreamPublicKey() == null ? "no key" : "instance " + link.upstreamInstanceId()
                + " with key fingerprint " + fingerprint(link.upstreamPublicKey());
    }

    private static String fingerprint(String jwk) {
        return new InstancePublicKey(jwk).fingerprint();
    }

    private static UpstreamLink withoutPosition(UpstreamLink link, String instanceId, String publicKey) {
        return new UpstreamLink(link.upstreamUrl(), link.state(), link.requestId(), instanceId, publicKey, 0, null, 0,
                null);
    }
}
