package dev.facet.web;

import dev.facet.core.access.Caller;
import dev.facet.core.error.PermissionDenied;
import io.javalin.http.Context;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a browser carries for pages: a session after sign-in (Git and REST keep using Basic and
 * Bearer), a CSRF token every form sends back, and the throttle that slows down password guessing.
 * Sessions live in memory: a restart signs everyone out.
 */
final class BrowserSessions {
    static final String SESSION_COOKIE = "facet-session";
    static final String CSRF_COOKIE = "facet-csrf";
    static final String CSRF_FIELD = "csrf";
    static final Duration SESSION_LIFETIME = Duration.ofHours(8);
    /** After this many wrong passwords for one user name, sign-ins for it wait {@link #LOCKOUT}. */
    static final int FAILURES_BEFORE_LOCKOUT = 5;
    static final Duration LOCKOUT = Duration.ofSeconds(60);

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final boolean secureCookies;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    private record Session(Caller caller, Instant expiresAt) {
    }

    private record Failures(int count, Instant lockedUntil) {
    }

    /** @param secureCookies whether the base URL is https, so that cookies never travel in clear */
    BrowserSessions(Clock clock, boolean secureCookies) {
        this.clock = clock;
        this.secureCookies = secureCookies;
    }

    Optional<Caller> caller(Context ctx) {
        String id = ctx.cookie(SESSION_COOKIE);
        if (id == null) {
            return Optional.empty();
        }
        Session session = sessions.get(id);
        if (session == null || session.expiresAt().isBefore(clock.instant())) {
            sessions.remove(id);
            return Optional.empty();
        }
        return Optional.of(session.caller());
    }

    void signIn(Context ctx, Caller caller) {
        String previous = ctx.cookie(SESSION_COOKIE);
        if (previous != null) {
            sessions.remove(previous);
        }
        String id = newToken();
        sessions.put(id, new Session(caller, clock.instant().plus(SESSION_LIFETIME)));
        setCookie(ctx, SESSION_COOKIE, id, SESSION_LIFETIME.toSeconds());
        failures.remove(key(caller.name().value()));
    }

    void signOut(Context ctx) {
        String id = ctx.cookie(SESSION_COOKIE);
        if (id != null) {
            sessions.remove(id);
        }
        setCookie(ctx, SESSION_COOKIE, "", 0);
    }

    /** The token forms carry; the same value sits in a cookie only this site's pages can send back. */
    String csrfToken(Context ctx) {
        String token = ctx.cookie(CSRF_COOKIE);
        if (token == null || token.length() < 20) {
            token = newToken();
            setCookie(ctx, CSRF_COOKIE, token, -1);
        }
        return token;
    }

    /** Refuses a form whose token is missing or is not the one its browser holds. */
    void requireCsrf(Context ctx) {
        String cookie = ctx.cookie(CSRF_COOKIE);
        String field = ctx.formParam(CSRF_FIELD);
        if (cookie == null || field == null || !MessageDigest.isEqual(cookie.getBytes(), field.getBytes())) {
            throw new PermissionDenied("This form's security token is missing or stale; reload the page and send it again.");
        }
    }

    /** How long sign-ins for this user name must wait, when too many passwords were wrong. */
    Optional<Duration> lockedFor(String username) {
        Failures current = failures.get(key(username));
        if (current == null || current.lockedUntil() == null) {
            return Optional.empty();
        }
        Duration left = Duration.between(clock.instant(), current.lockedUntil());
        return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
    }

    void failedSignIn(String username) {
        failures.compute(key(username), (name, current) -> {
            int count = current == null ? 1 : current.count() + 1;
            return count >= FAILURES_BEFORE_LOCKOUT ? new Failures(0, clock.instant().plus(LOCKOUT))
                    : new Failures(count, current == null ? null : current.lockedUntil());
        });
    }

    private static String key(String username) {
        return username.strip().toLowerCase(Locale.ROOT);
    }

    private String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void setCookie(Context ctx, String name, String value, long maxAgeSeconds) {
        ctx.res().addHeader("Set-Cookie", name + "=" + value + "; Path=/; HttpOnly; SameSite=Lax"
                + (maxAgeSeconds >= 0 ? "; Max-Age=" + maxAgeSeconds : "") + (secureCookies ? "; Secure" : ""));
    }
}
