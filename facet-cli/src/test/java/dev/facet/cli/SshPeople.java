package dev.facet.cli;

import java.nio.file.Path;

/**
 * Who the SSH tests sign in as, each with a key made by ssh-keygen: a writer and a reader of one
 * project, a registered user without access to it, and a key nobody registered.
 */
record SshPeople(SshKeyPair writer, SshKeyPair reader, SshKeyPair stranger, SshKeyPair unregistered) {
    /** Creates the users on {@code primary}, grants them {@code project}, and registers their keys there. */
    static SshPeople on(TestPrimary primary, String project, Path keys) {
        primary.createUser("writer", "writer-pass-1");
        primary.createUser("reader", "reader-pass-1");
        primary.createUser("stranger", "stranger-pass-1");
        primary.grantProject(project, "writer", "PROJECT_WRITE");
        primary.grantProject(project, "reader", "PROJECT_READ");
        return new SshPeople(SshKeyPair.registered(primary, keys, "writer", "writer-pass-1", "ed25519"),
                SshKeyPair.registered(primary, keys, "reader", "reader-pass-1", "ecdsa"),
                SshKeyPair.registered(primary, keys, "stranger", "stranger-pass-1", "ed25519"),
                SshKeyPair.generate(keys, "unregistered", "-t", "ed25519"));
    }
}
