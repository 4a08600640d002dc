package dev.facet.web;

import dev.facet.core.access.GitRequestAuthorizer;
import dev.facet.core.lfs.LfsLocks;
import dev.facet.core.lfs.LfsObjects;
import dev.facet.core.lfs.LfsSshCredentials;
import dev.facet.core.lfs.LfsTransferTokens;
import java.util.Optional;

/**
 * What a server's Git LFS API is made of: where objects come from and where uploads go, who holds
 * which lock, the transfer tokens, the largest object taken ({@code facet.lfs.max-object-bytes}), and
 * the credentials its SSH server hands out with git-lfs-authenticate, when it does.
 * The primary and a mirror pass in their own parts; the API itself is the same.
 */
public record LfsApi(LfsObjects objects, LfsLocks locks, LfsTransferTokens tokens, long maxObjectBytes,
                     Optional<LfsSshCredentials> sshCredentials) {
    public LfsApi {
        if (maxObjectBytes <= 0) {
            throw new IllegalArgumentException("The largest LFS object must be positive");
        }
    }

    /** An API that takes Git's credentials only (no git-lfs-authenticate over SSH). */
    public LfsApi(LfsObjects objects, LfsLocks locks, LfsTransferTokens tokens, long maxObjectBytes) {
        this(objects, locks, tokens, maxObjectBytes, Optional.empty());
    }

    /** Who may make batch and lock requests: Git's authorizer, taking the SSH-issued credentials too. */
    GitRequestAuthorizer authorizer(GitRequestAuthorizer git) {
        return sshCredentials.map(credentials -> credentials.acceptedBy(git)).orElse(git);
    }
}
