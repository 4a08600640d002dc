package dev.facet.core.store;

import java.time.Instant;

/**
 * An SSH public key registered to a user: it lets its holder use Git over SSH as that user.
 *
 * @param label the user's name for it, or null
 */
public record SshKey(long id, long userId, String text, String label, String algorithmType, int bitLength,
                     String fingerprint, Instant createdAt) {
}
