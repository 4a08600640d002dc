package dev.facet.primary;

import dev.facet.core.access.Authenticator;
import dev.facet.core.access.Caller;
import dev.facet.core.access.GlobalRole;
import dev.facet.core.access.TokenScope;
import dev.facet.core.access.Permission;
import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.error.NotFound;
import dev.facet.core.event.EventType;
import dev.facet.core.mirror.AuditAction;
import dev.facet.core.error.PermissionDenied;
import dev.facet.core.name.Username;
import dev.facet.core.store.AccessToken;
import dev.facet.core.store.Store;
import dev.facet.core.store.StoreTransaction;
import dev.facet.core.store.User;
import dev.facet.core.digest.Sha256;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Users, their passwords and access tokens, and the authentication of requests. A password
 * check costs tens of milliseconds by design, and a Git clone sends several requests, so a
 * successful check is remembered for a short time under a keyed digest of the credentials.
 */
public final class UserService implements Authenticator {
    /** Every token starts with this, so leaked tokens are easy to find in logs and code. */
    public static final String TOKEN_PREFIX = "fct_";
    static final int MIN_PASSWORD_LENGTH = 8;
    static final int MAX_PASSWORD_LENGTH = 256;
    private static final Duration VERIFIED_CREDENTIALS_TTL = Duration.ofSeconds(60);
    private static final int VERIFIED_CREDENTIALS_MAX = 10_000;
    /** The longest expiry a token may be given, as Bitbucket allows. */
    static final int MAX_TOKEN_EXPIRY_DAYS = 3650;
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    private final Store store;
    private final PasswordHasher hasher;
    private final SecureRandom random;
    private final Clock clock;
    private final byte[] cacheKey = new byte[32];
    private final Map<String, Verified> verifiedCredentials = new ConcurrentHashMap<>();
    private final CredentialThrottle throttle;

    private record Verified(long userId, Instant until) {
    }

    public UserService(Store store, PasswordHasher hasher, SecureRandom random, Clock clock) {
        this.throttle = new CredentialThrottle(clock);
        this.store = store;
        this.hasher = hasher;
        this.random = random;
        this.clock = clock;
        random.nextBytes(cacheKey);
    }

    public User createUser(Caller caller, Username name, String password, String displayName, String emailAddress,
                           GlobalRole role) {
        AccessRules.requireAdmin(caller);
        if (role == GlobalRole.SYS_ADMIN && caller.role() != GlobalRole.SYS_ADMIN) {
            throw AccessRules.denied(caller, "Only system administrators may create system administrators.");
        }
        User created = create(name, password, displayName, emailAddress, role);
        audit(caller.toString(), AuditAction.USER_CREATE, "user " + name + " (" + role + ")");
        return created;
    }

    /** Creates a user without a caller: the first administrator, at first start. */
    User create(Username name, String password, String displayName, String emailAddress, GlobalRole role) {
        requirePassword(password);
        String display = displayName == null || displayName.isBlank() ? name.value()
                : ProjectService.requireText("displayName", "A display name", displayName, 255);
        String email = emailAddress == null || emailAddress.isBlank() ? null : requireEmail(emailAddress);
        String hash = hasher.hash(password);
        return store.inTransaction(tx -> tx.users().create(name, display, email, role, hash));
    }

    public boolean hasAnyUser() {
        return store.inTransaction(tx -> tx.users().count() > 0);
    }

    public Optional<User> user(Username name) {
        return store.inTransaction(tx -> tx.users().find(name));
    }

    /** A new token for {@code owner} that never expires; the secret is returned once and only its digest is kept. */
    public CreatedToken createToken(Caller caller, Username owner, String name, Set<Permission> permissions) {
        return createToken(caller, owner, name, permissions, null);
    }

    /**
     * A new token for {@code owner}; the secret is returned once and only its digest is kept.
     *
     * @param expiryDays after how many days it stops working; null for never
     */
    public CreatedToken createToken(Caller caller, Username owner, String name, Set<Permission> permissions,
                                    Integer expiryDays) {
        AccessRules.requireWholeAccount(caller, "create access tokens");
        if (!caller.name().equals(owner)) {
            // Bitbucket's rule too: a token acts as its owner, so only the owner may mint one, administrators included.
            throw new PermissionDenied("Access tokens are created by their owner only: sign in as " + owner
                    + " to create one for that account.");
        }
        String tokenName = ProjectService.requireText("name", "A token name", name, 255);
        if (permissions == null || permissions.isEmpty()) {
            throw new InvalidInput("permissions", "A token needs at least one permission, such as REPO_READ.");
        }
        checkExpiryDays(expiryDays);
        Instant createdAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant expiresAt = expiryDays == null ? null : createdAt.plus(Duration.ofDays(expiryDays));
        byte[] secretBytes = new byte[32];
        random.nextBytes(secretBytes);
        String secret = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        byte[] idBytes = new byte[6];
        random.nextBytes(idBytes);
        String id = HexFormat.of().formatHex(idBytes);
        AccessToken token = store.inTransaction(tx -> {
            User user = tx.users().find(owner).orElseThrow(
                    () -> new NotFound("name", "User '" + owner + "' does not exist."));
            AccessToken created = tx.accessTokens().create(id, user.id(), tokenName, permissions, Sha256.hex(secret),
                    createdAt, expiresAt);
            tx.audit().record(createdAt, caller.toString(), AuditAction.TOKEN_CREATE, null, null,
                    "token " + tokenName + " (" + id + ") for " + owner + ", " + permissions
                            + (expiresAt == null ? "" : ", expires " + expiresAt));
            return created;
        });
        return new CreatedToken(token, secret);
    }

    /** A token as shown once, right after it was created. */
    public record CreatedToken(AccessToken token, String secret) {
    }

    /**
     * Checks a password (or an access token given as one) for a user, throttled by account and by the
     * client's address; see {@link CredentialThrottle}.
     *
     * @throws dev.facet.core.error.TooManyAttempts while a back-off window is open for this account or address
     */
    @Override
    public Caller authenticate(String username, String secret, String clientAddress) {
        String address = knownOrUnknown(clientAddress);
        String account = username == null || username.isBlank() ? null : username;
        Optional<Caller> remembered = remembered(username, secret);
        if (remembered.isPresent()) {
            // Proven moments ago: a Git clone's later requests do not count against anyone.
            return remembered.get();
        }
        throttle.beforeAttempt(account, address);
        Caller caller;
        try {
            caller = checkPasswordOrToken(username, secret);
        } catch (AuthenticationRequired e) {
            throttle.failed(account, address);
            throw e;
        }
        throttle.succeeded(account, address);
        return caller;
    }

    /**
     * Checks a bearer access token, throttled by the client's address.
     *
     * @throws dev.facet.core.error.TooManyAttempts while a back-off window is open for this address
     */
    @Override
    public Caller authenticateToken(String secret, String clientAddress) {
        String address = knownOrUnknown(clientAddress);
        throttle.beforeAttempt(null, address);
        try {
            return checkToken(secret);
        } catch (AuthenticationRequired e) {
            throttle.failed(null, address);
            throw e;
        }
    }

    private Caller checkPasswordOrToken(String username, String secret) {
        Username name = null;
        try {
            name = username == null || username.isEmpty() ? null : Username.of(username);
        } catch (InvalidInput e) {
            // Not a name anyone can have: refused below at the cost of a real check.
        }
        if (secret != null && secret.startsWith(TOKEN_PREFIX)) {
            Caller caller = checkToken(secret);
            if (!caller.name().equals(name)) {
                throw wrongCredentials();
            }
            return caller;
        }
        Username known = name;
        User user = known == null ? null : store.inTransaction(tx -> tx.users().find(known)).orElse(null);
        if (user == null || secret == null) {
            // The same work as for a known name, so the time of the answer does not tell which names exist.
            hasher.matchesNothing(secret == null ? "" : secret);
            throw wrongCredentials();
        }
        if (!hasher.matches(secret, user.passwordHash()) || !user.active()) {
            throw wrongCredentials();
        }
        remember(user, secret);
        return store.inTransaction(tx -> callerOf(tx, user, TokenScope.PASSWORD));
    }

    /** The caller a signed-in browser session of an active user acts as, with the role their groups give them too. */
    public Optional<Caller> sessionCaller(Username name) {
        return store.inTransaction(tx -> tx.users().find(name).filter(User::active)
                .map(user -> callerOf(tx, user, TokenScope.PASSWORD)));
    }

    /** A user as a caller: their role is the highest of their own and their groups'. */
    static Caller callerOf(StoreTransaction tx, User user, TokenScope scope) {
        return Caller.user(user.id(), user.name(), roleOf(tx, user), scope);
    }

    static GlobalRole roleOf(StoreTransaction tx, User user) {
        return GlobalRole.max(user.role(), tx.groups().roleThroughGroups(user.id()).orElse(null));
    }

    /** A password this instance verified for the user within the last minute. */
    private Optional<Caller> remembered(String username, String secret) {
        if (username == null || secret == null || secret.startsWith(TOKEN_PREFIX)) {
            return Optional.empty();
        }
        Username name;
        try {
            name = Username.of(username);
        } catch (InvalidInput e) {
            return Optional.empty();
        }
        Verified verified = verifiedCredentials.get(digest(name.value() + "\u0000" + secret));
        if (verified == null || !verified.until().isAfter(clock.instant())) {
            return Optional.empty();
        }
        return store.inTransaction(tx -> tx.users().findById(verified.userId()).filter(User::active)
                .map(user -> callerOf(tx, user, TokenScope.PASSWORD)));
    }

    private void remember(User user, String secret) {
        Instant now = clock.instant();
        if (verifiedCredentials.size() >= VERIFIED_CREDENTIALS_MAX) {
            verifiedCredentials.values().removeIf(v -> !v.until().isAfter(now));
            if (verifiedCredentials.size() >= VERIFIED_CREDENTIALS_MAX) {
                verifiedCredentials.clear();
            }
        }
        verifiedCredentials.put(digest(user.name().value() + "\u0000" + secret),
                new Verified(user.id(), now.plus(VERIFIED_CREDENTIALS_TTL)));
    }

    private Caller checkToken(String secret) {
        if (secret == null || !secret.startsWith(TOKEN_PREFIX)) {
            throw wrongCredentials();
        }
        return store.inTransaction(tx -> {
            AccessToken token = tx.accessTokens().findBySecretHash(Sha256.hex(secret)).orElseThrow(UserService::wrongCredentials);
            User user = tx.users().findById(token.userId()).orElseThrow(UserService::wrongCredentials);
            if (!stillValid(tx, token, user)) {
                throw wrongCredentials();
            }
            return callerOf(tx, user, TokenScope.of(token.permissions()));
        });
    }

    /**
     * Whether a token found by its secret may still be used: not expired, its user not disabled. A valid one is
     * marked used, at most once a minute, so that its list shows when it last worked without a write per request.
     */
    private boolean stillValid(StoreTransaction tx, AccessToken token, User user) {
        Instant now = clock.instant();
        if (token.isExpired(now) || !user.active()) {
            return false;
        }
        if (token.lastUsedAt() == null || token.lastUsedAt().plus(LAST_USED_RESOLUTION).isBefore(now)) {
            tx.accessTokens().markUsed(token.id(), now.truncatedTo(ChronoUnit.MILLIS));
        }
        return true;
    }

    /** A user's tokens, newest first: their own, or anyone's for an administrator. */
    public List<AccessToken> tokens(Caller caller, Username owner) {
        return store.inTransaction(tx -> tx.accessTokens().listForUser(ownOrAdministered(tx, caller, owner).id()));
    }

    /** One of a user's tokens: their own, or anyone's for an administrator. */
    public AccessToken token(Caller caller, Username owner, String tokenId) {
        return store.inTransaction(tx -> tx.accessTokens().find(ownOrAdministered(tx, caller, owner).id(), tokenId)
                .orElseThrow(() -> noSuchToken(owner, tokenId)));
    }

    /**
     * Changes what the caller's own token is called, what it may do and when it expires; a field left null stays
     * as it is. Only the owner may, signed in with the password, since raising a token's permissions is minting
     * a stronger one. The token's expiry counts from its creation, so an update cannot make a token outlive the
     * longest expiry. Mirrors forget what they remembered of the owner's credentials.
     */
    public AccessToken updateToken(Caller caller, Username owner, String tokenId, String name,
                                   Set<Permission> permissions, Integer expiryDays) {
        AccessRules.requireWholeAccount(caller, "change access tokens");
        if (!caller.name().equals(owner)) {
            throw new PermissionDenied("Access tokens are changed by their owner only: sign in as " + owner
                    + " to change one of that account's.");
        }
        String tokenName = name == null ? null : ProjectService.requireText("name", "A token name", name, 255);
        if (permissions != null && permissions.isEmpty()) {
            throw new InvalidInput("permissions", "A token needs at least one permission, such as REPO_READ.");
        }
        checkExpiryDays(expiryDays);
        return store.inTransaction(tx -> {
            User user = ownOrAdministered(tx, caller, owner);
            AccessToken before = tx.accessTokens().find(user.id(), tokenId)
                    .orElseThrow(() -> noSuchToken(owner, tokenId));
            AccessToken after = before.changedTo(tokenName, permissions, expiryDays, clock.instant());
            tx.accessTokens().update(after);
            tx.audit().record(clock.instant(), caller.toString(), AuditAction.TOKEN_UPDATE, null, null,
                    "token " + after.name() + " (" + after.id() + ") of " + owner + ", " + after.permissions()
                            + (after.expiresAt() == null ? "" : ", expires " + after.expiresAt()));
            tx.events().append(EventType.PERMISSIONS_CHANGED, null, EventPayloads.accountChanged(owner),
                    clock.instant());
            return after;
        });
    }

    private static NotFound noSuchToken(Username owner, String tokenId) {
        return new NotFound("tokenId", "User '" + owner + "' has no token '" + tokenId + "'.");
    }

    /** Any token's expiry: a user's, a project's or a repository's. */
    static void checkExpiryDays(Integer expiryDays) {
        if (expiryDays != null && (expiryDays < 1 || expiryDays > MAX_TOKEN_EXPIRY_DAYS)) {
            throw new InvalidInput("expiryDays", "A token's expiryDays must be from 1 to " + MAX_TOKEN_EXPIRY_DAYS
                    + ", or left out for a token that does not expire.");
        }
    }

    /** Revokes a token at once: the next request that carries it is refused. Its owner or an administrator may. */
    public void revokeToken(Caller caller, Username owner, String tokenId) {
        AccessRules.requireWholeAccount(caller, "revoke access tokens");
        store.useTransaction(tx -> {
            User user = ownOrAdministered(tx, caller, owner);
            AccessToken token = tx.accessTokens().find(user.id(), tokenId)
                    .orElseThrow(() -> noSuchToken(owner, tokenId));
            tx.accessTokens().delete(user.id(), token.id());
            tx.audit().record(clock.instant(), caller.toString(), AuditAction.TOKEN_REVOKE, null, null,
                    "token " + token.name() + " (" + token.id() + ") of " + owner);
            tx.events().append(EventType.PERMISSIONS_CHANGED, null, EventPayloads.accountChanged(owner), clock.instant());
        });
    }

    /**
     * Changes the caller's own password, which they must know; their other credentials stop being
     * remembered. The current password is checked like any other, throttled, so that a stolen
     * session cannot be used to guess it.
     *
     * @throws dev.facet.core.error.TooManyAttempts while a back-off window is open for this account or address
     */
    public void changeOwnPassword(Caller caller, String oldPassword, String password, String passwordConfirm,
                                  String clientAddress) {
        AccessRules.requireWholeAccount(caller, "change a password");
        User user = store.inTransaction(tx -> tx.users().findById(caller.userId())).filter(User::active)
                .orElseThrow(UserService::wrongCredentials);
        InvalidInput wrong = new InvalidInput("oldPassword", "The current password is wrong.");
        if (oldPassword == null || oldPassword.startsWith(TOKEN_PREFIX)) {
            throw wrong;
        }
        try {
            authenticate(user.name().value(), oldPassword, clientAddress);
        } catch (AuthenticationRequired e) {
            throw wrong;
        }
        setPassword(caller, user, password, passwordConfirm);
    }

    /** An administrator sets another user's password (SYS_ADMIN accounts only by a SYS_ADMIN). */
    public void changePassword(Caller caller, Username name, String password, String passwordConfirm) {
        AccessRules.requireAdmin(caller);
        User user = store.inTransaction(tx -> administered(tx, caller, name));
        setPassword(caller, user, password, passwordConfirm);
    }

    /** Disables or enables an account; a disabled one's sessions, tokens and passwords stop working at once. */
    public void setActive(Caller caller, Username name, boolean active) {
        AccessRules.requireAdmin(caller);
        store.useTransaction(tx -> {
            User user = administered(tx, caller, name);
            if (!active && user.id() == caller.userId()) {
                throw new InvalidInput("name", "You cannot disable your own account.");
            }
            tx.users().setActive(user.id(), active);
            tx.audit().record(clock.instant(), caller.toString(), active ? AuditAction.USER_ENABLE
                    : AuditAction.USER_DISABLE, null, null, "user " + name);
            tx.events().append(EventType.PERMISSIONS_CHANGED, null, EventPayloads.accountChanged(name), clock.instant());
            forgetCredentials(user.id());
        });
    }

    /** Deletes an account with its tokens and permissions; what it pushed stays. */
    public void deleteUser(Caller caller, Username name) {
        AccessRules.requireAdmin(caller);
        store.useTransaction(tx -> {
            User user = administered(tx, caller, name);
            if (user.id() == caller.userId()) {
                throw new InvalidInput("name", "You cannot delete your own account.");
            }
            tx.users().delete(user.id());
            tx.audit().record(clock.instant(), caller.toString(), AuditAction.USER_DELETE, null, null, "user " + name);
            tx.events().append(EventType.PERMISSIONS_CHANGED, null, EventPayloads.accountChanged(name), clock.instant());
            forgetCredentials(user.id());
        });
    }

    /** Changes a user's display name and email address; null leaves one as it is. */
    public User updateDetails(Caller caller, Username name, String displayName, String emailAddress) {
        AccessRules.requireAdmin(caller);
        String display = displayName == null ? null
                : ProjectService.requireText("displayName", "A display name", displayName, 255);
        String email = emailAddress == null ? null : emailAddress.isBlank() ? "" : requireEmail(emailAddress);
        return store.inTransaction(tx -> {
            User user = administered(tx, caller, name);
            tx.users().setDetails(user.id(), display == null ? user.displayName() : display,
                    email == null ? user.emailAddress() : email.isEmpty() ? null : email);
            return tx.users().findById(user.id()).orElseThrow();
        });
    }

    /** Users whose name, display name or email holds {@code filter}, for anyone signed in (Bitbucket's user picker). */
    public Page<User> findUsers(Caller caller, String filter, int start, int limit) {
        AccessRules.requireSignedIn(caller);
        return store.inTransaction(tx -> Page.of(tx.users().list(filter, start, limit + 1), start, limit));
    }

    /** One user by name (a user's slug is their name), for anyone signed in. */
    public User findUser(Caller caller, Username name) {
        AccessRules.requireSignedIn(caller);
        return user(name).orElseThrow(() -> new NotFound("userSlug", "User '" + name + "' does not exist."));
    }

    /** Every user, by name, for administrators. */
    public Page<User> users(Caller caller, int start, int limit) {
        return users(caller, null, start, limit);
    }

    /** Users whose name, display name or email holds {@code filter}, by name, for administrators. */
    public Page<User> users(Caller caller, String filter, int start, int limit) {
        AccessRules.requireAdmin(caller);
        return store.inTransaction(tx -> Page.of(tx.users().list(filter, start, limit + 1), start, limit));
    }

    /** Records a sign-in through the web form, or a failed one, with where it came from. */
    public void recordSignIn(String username, boolean succeeded, String clientAddress) {
        String name = username.length() > 64 ? username.substring(0, 64) + "…" : username;
        audit(succeeded ? name : "anonymous", succeeded ? AuditAction.SIGN_IN : AuditAction.SIGN_IN_FAILED,
                (succeeded ? "" : "as '" + name + "' ") + "from " + clientAddress);
    }

    private void setPassword(Caller caller, User user, String password, String passwordConfirm) {
        requirePassword(password);
        if (!password.equals(passwordConfirm)) {
            throw new InvalidInput("passwordConfirm", "The password and its confirmation differ.");
        }
        String hash = hasher.hash(password);
        store.useTransaction(tx -> {
            tx.users().setPasswordHash(user.id(), hash);
            tx.audit().record(clock.instant(), caller.toString(), AuditAction.PASSWORD_CHANGE, null, null,
                    "user " + user.name());
            tx.events().append(EventType.PERMISSIONS_CHANGED, null, EventPayloads.accountChanged(user.name()),
                    clock.instant());
        });
        forgetCredentials(user.id());
    }

    /** The owner themselves, or any user for an administrator; others are told the user does not exist. */
    static User ownOrAdministered(StoreTransaction tx, Caller caller, Username owner) {
        if (caller.isAnonymous()) {
            throw new AuthenticationRequired("Authentication required.");
        }
        if (caller.isUser() && caller.name().equals(owner)) {
            return tx.users().findById(caller.userId()).orElseThrow(UserService::wrongCredentials);
        }
        AccessRules.requireAdmin(caller);
        return tx.users().find(owner).orElseThrow(() -> new NotFound("name", "User '" + owner + "' does not exist."));
    }

    /**
     * The owner themselves, or a user an administrator may change (system administrators only by a system
     * administrator): what gives an account a new way in, such as an SSH key, is a change of it.
     */
    static User ownOrChangeable(StoreTransaction tx, Caller caller, Username owner) {
        User user = ownOrAdministered(tx, caller, owner);
        return caller.isUser() && caller.userId() == user.id() ? user : administered(tx, caller, owner);
    }

    /** A user an administrator may change: system administrators only by a system administrator. */
    static User administered(StoreTransaction tx, Caller caller, Username name) {
        User user = tx.users().find(name).orElseThrow(() -> new NotFound("name", "User '" + name + "' does not exist."));
        if (roleOf(tx, user) == GlobalRole.SYS_ADMIN && caller.role() != GlobalRole.SYS_ADMIN) {
            throw AccessRules.denied(caller, "Only system administrators may change system administrators.");
        }
        return user;
    }

    /** Drops remembered password checks of a user, so that a changed or disabled account is checked afresh. */
    private void forgetCredentials(long userId) {
        verifiedCredentials.values().removeIf(verified -> verified.userId() == userId);
    }

    private void audit(String actor, AuditAction action, String details) {
        store.useTransaction(tx -> tx.audit().record(clock.instant(), actor, action, null, null, details));
    }

    private static String knownOrUnknown(String clientAddress) {
        return clientAddress == null || clientAddress.isBlank() ? "unknown" : clientAddress;
    }

    private static AuthenticationRequired wrongCredentials() {
        return new AuthenticationRequired("The user name, password or token is wrong.");
    }

    private String digest(String text) {
        MessageDigest keyed = Sha256.newDigest();
        keyed.update(cacheKey);
        return Sha256.hex(keyed, text);
    }

    private static void requirePassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new InvalidInput("password", "A password must be at least " + MIN_PASSWORD_LENGTH + " characters long.");
        }
        if (password.length() > MAX_PASSWORD_LENGTH) {
            throw new InvalidInput("password", "A password must be at most " + MAX_PASSWORD_LENGTH + " characters long.");
        }
    }

    private static String requireEmail(String email) {
        String value = ProjectService.requireText("emailAddress", "An email address", email, 255);
        if (!value.matches("[^@\\s]+@[^@\\s]+")) {
            throw new InvalidInput("emailAddress", "'" + value + "' is not an email address.");
        }
        return value;
    }
}
