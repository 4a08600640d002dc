package dev.facet.web;

import dev.facet.core.access.Caller;
import dev.facet.core.name.Username;
import io.javalin.http.Context;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What a browser carries for pages: a session after sign-in (Git and REST keep using Basic and
 * Bearer) and a CSRF token every form sends back. Password guessing on the sign-in form is slowed
 * down where every other credential check is, in the user service.
 * Sessions live in memory: a restart signs everyone out.
 */
final class BrowserSessions {
    static final String CSRF_FIELD = "csrf";
    static final Duration SESSION_LIFETIME = Duration.ofHours(8);

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final boolean secureCookies;
    private final String sessionCookie;
    private final String csrfCookie;
    private final Function<Username, Optional<Caller>> currentUser;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    /** A signed-in browser: the user's name, looked up again on every request, so a deleted user is signed out. */
    private record Session(Username user, Instant expiresAt) {
    }

    /**
     * @param cookiePrefix  the role's cookie names start with it: a mirror on the primary's host name must not
     *                      receive the primary's session (browsers send cookies to every port of a host)
     * @param secureCookies whether the base URL is https, so that cookies never travel in clear
     * @param currentUser   who a user is now (role included), or empty when they no longer exist
     */
    BrowserSessions(Clock clock, String cookiePrefix, boolean secureCookies,
                    Function<Username, Optional<Caller>> currentUser) {
        this.clock = clock;
        this.secureCookies = secureCookies;
        this.sessionCookie = cookiePrefix + "-session";
        this.csrfCookie = cookiePrefix + "-csrf";
        this.currentUser = currentUser;
    }

    String sessionCookie() {
        return sessionCookie;
    }

    Optional<Caller> caller(Context ctx) {
        String id = ctx.cookie(sessionCookie);
        if (id == null) {
            return Optional.empty();
        }
        Session session = sessions.get(id);
        if (session == null || session.expiresAt().isBefore(clock.instant())) {
            sessions.remove(id);
            return Optional.empty();
        }
        Optional<Caller> caller = currentUser.apply(session.user());
        if (caller.isEmpty()) {
            sessions.remove(id);
        }
        return caller;
    }

    void signIn(Context ctx, Caller caller) {
        String previous = ctx.cookie(sessionCookie);
        if (previous != null) {
            sessions.remove(previous);
        }
        Instant now = clock.instant();
        sessions.values().removeIf(session -> session.expiresAt().isBefore(now));
        String id = newToken();
        sessions.put(id, new Session(caller.name(), now.plus(SESSION_LIFETIME)));
        setCookie(ctx, sessionCookie, id, SESSION_LIFETIME.toSeconds());
    }

    void signOut(Context ctx) {
        String id = ctx.cookie(sessionCookie);
        if (id != null) {
            sessions.remove(id);
        }
        setCookie(ctx, sessionCookie, "", 0);
    }

    /** The token forms carry; the same value sits in a cookie only this site's pages can send back. */
    String csrfToken(Context ctx) {
        String token = ctx.cookie(csrfCookie);
        if (token == null || token.length() < 20) {
            token = newToken();
            setCookie(ctx, csrfCookie, token, -1);
        }
        return token;
    }

    /** Whether a form carries the token its browser holds; each page says in its own words when it does not. */
    boolean csrfMatches(Context ctx) {
        String cookie = ctx.cookie(csrfCookie);
        String field = ctx.formParam(CSRF_FIELD);
        return cookie != null && field != null && MessageDigest.isEqual(cookie.getBytes(), field.getBytes());
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
