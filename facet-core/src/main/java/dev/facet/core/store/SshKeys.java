package dev.facet.core.store;

import dev.facet.core.access.SshPublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The SSH keys table. A key belongs to one user only: its fingerprint is unique. */
public interface SshKeys {
    /** @throws dev.facet.core.error.AlreadyExists when this key is already registered, to anyone */
    SshKey create(long userId, SshPublicKey key, String label, Instant createdAt);

    /** A user's keys, oldest first. */
    List<SshKey> listForUser(long userId);

    Optional<SshKey> find(long id);

    Optional<SshKey> findByFingerprint(String fingerprint);

    /** @return whether a key with this id existed */
    boolean delete(long id);

    /** @return how many keys the user had */
    int deleteForUser(long userId);
}
