package dev.facet.web;

import dev.facet.core.lfs.LfsLocks;
import dev.facet.core.lfs.LfsObjects;
import dev.facet.core.lfs.LfsTransferTokens;

/**
 * What a server's Git LFS API is made of: where objects come from and where uploads go, who holds
 * which lock, the transfer tokens, and the largest object taken ({@code facet.lfs.max-object-bytes}).
 * The primary and a mirror pass in their own parts; the API itself is the same.
 */
public record LfsApi(LfsObjects objects, LfsLocks locks, LfsTransferTokens tokens, long maxObjectBytes) {
    public LfsApi {
        if (maxObjectBytes <= 0) {
            throw new IllegalArgumentException("The largest LFS object must be positive");
        }
    }
}
