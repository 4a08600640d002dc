package dev.facet.primary;

import dev.facet.core.access.Authenticator;
import dev.facet.core.access.Caller;
import dev.facet.core.access.GlobalRole;
import dev.facet.core.access.TokenScope;
import dev.facet.core.access.Permission;
import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.error.NotFound;
import dev.facet.core.error.PermissionDenied;
import dev.facet.core.name.Username;
import dev.facet.core.store.AccessToken;
import dev.facet.core.store.Store;
import dev.facet.core.store.User;
import dev.facet.core.digest.Sha256;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
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
        return create(name, password, displayName, emailAddress, role);
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

    /** A new token for {@code owner}; the secret is returned once and only its digest is kept. */
    public CreatedToken createToken(Caller caller, Username owner, String name, Set<Permission> permissions) {
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
        byte[] secretBytes = new byte[32];
        random.nextBytes(secretBytes);
        String secret = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        byte[] idBytes = new byte[6];
        random.nextBytes(idBytes);
        String id = HexFormat.of().formatHex(idBytes);
        AccessToken token = store.inTransaction(tx -> {
            User user = tx.users().find(owner).orElseThrow(
                    () -> new NotFound("name", "User '" + owner + "' does not exist."));
            return tx.accessTokens().create(id, user.id(), tokenName, permissions, Sha256.hex(secret),
                    clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
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
        if (!hasher.matches(secret, user.passwordHash())) {
            throw wrongCredentials();
        }
        remember(user, secret);
        return Caller.user(user.id(), user.name(), user.role(), TokenScope.PASSWORD);
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
        return store.inTransaction(tx -> tx.users().findById(verified.userId()))
                .map(user -> Caller.user(user.id(), user.name(), user.role(), TokenScope.PASSWORD));
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
            AccessToken token = tx.accessTokens().findBySecretHash(Sha256.hex(secret)).orElseThrow(this::wrongCredentials);
            User user = tx.users().findById(token.userId()).orElseThrow(this::wrongCredentials);
            return Caller.user(user.id(), user.name(), user.role(), TokenScope.of(token.permissions()));
        });
    }

    private static String knownOrUnknown(String clientAddress) {
        return clientAddress == null || clientAddress.isBlank() ? "unknown" : clientAddress;
    }

    private AuthenticationRequired wrongCredentials() {
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
