package dev.facet.primary;

import dev.facet.core.access.Authenticator;
import dev.facet.core.access.Caller;
import dev.facet.core.error.AuthenticationRequired;

/** Credentials on the primary: users' passwords, access tokens and SSH keys, and the fetch tokens of registered mirrors. */
public final class PrimaryAuthenticator implements Authenticator {
    private final UserService users;
    private final MirrorFetchTokens fetchTokens;
    private final SshKeyService sshKeys;

    public PrimaryAuthenticator(UserService users, MirrorFetchTokens fetchTokens, SshKeyService sshKeys) {
        this.users = users;
        this.fetchTokens = fetchTokens;
        this.sshKeys = sshKeys;
    }

    @Override
    public Caller authenticateKey(String fingerprint, String clientAddress) {
        return sshKeys.callerOf(fingerprint).orElseThrow(() -> new AuthenticationRequired(
                "This SSH key is not registered to any active user of this server."));
    }

    @Override
    public Caller authenticate(String username, String secret, String clientAddress) {
        return users.authenticate(username, secret, clientAddress);
    }

    @Override
    public Caller authenticateToken(String token, String clientAddress) {
        return token != null && token.startsWith(MirrorFetchTokens.PREFIX)
                ? fetchTokens.caller(token) : users.authenticateToken(token, clientAddress);
    }
}
