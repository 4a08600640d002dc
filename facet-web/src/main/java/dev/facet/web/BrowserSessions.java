package dev.facet.web;

import dev.facet.core.access.Caller;
import dev.facet.core.name.Username;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
    /** Keys the CSRF tokens; new at every start, which is fine since sessions do not survive a restart either. */
    private final byte[] csrfKey = new byte[32];
    private final Clock clock;
    private final boolean secureCookies;
    private final String sessionCookie;
    private final String csrfCookie;
    private final Function<Username, Optional<Caller>> currentUser;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    /**
     * A signed-in browser: the user's name, looked up again on every request, so a deleted user is
     * signed out, and their id, so a new account given a deleted one's name does not inherit its sessions.
     */
    private record Session(Username user, Long userId, Instant expiresAt) {
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
        random.nextBytes(csrfKey);
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
        Optional<Caller> caller = currentUser.apply(session.user())
                .filter(current -> Objects.equals(current.userId(), session.userId()));
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
        sessions.put(id, new Session(caller.name(), caller.userId(), now.plus(SESSION_LIFETIME)));
        setCookie(ctx, sessionCookie, id, SESSION_LIFETIME.toSeconds());
    }

    void signOut(Context ctx) {
        String id = ctx.cookie(sessionCookie);
        if (id != null) {
            sessions.remove(id);
        }
        setCookie(ctx, sessionCookie, "", 0);
    }

    /**
     * The token this browser's forms carry. It is bound to the session: a keyed digest of the session id, which
     * only this browser holds (an HttpOnly cookie) and which changes at every sign-in, so a token seen before
     * signing in, taken from another session, or planted with a cookie of the attacker's choosing does not
     * work. Before sign-in (the sign-in form itself) it is bound the same way to a random visitor cookie.
     */
    String csrfToken(Context ctx) {
        return liveSession(ctx).map(id -> keyedDigest("session\u0000" + id)).orElseGet(() -> visitorBinding(ctx, true));
    }

    /** Whether a form carries the token bound to this browser's session; each page says in its own words when not. */
    boolean csrfMatches(Context ctx) {
        return matches(ctx, liveSession(ctx).map(id -> keyedDigest("session\u0000" + id))
                .orElseGet(() -> visitorBinding(ctx, false)));
    }

    /** The sign-in form's token: it belongs to no session (signing in starts one), so it is bound to the visitor. */
    String signInCsrfToken(Context ctx) {
        return visitorBinding(ctx, true);
    }

    boolean signInCsrfMatches(Context ctx) {
        return matches(ctx, visitorBinding(ctx, false));
    }

    private static boolean matches(Context ctx, String expected) {
        String field = ctx.formParam(CSRF_FIELD);
        return expected != null && field != null
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), field.getBytes(StandardCharsets.UTF_8));
    }

    private Optional<String> liveSession(Context ctx) {
        String sessionId = ctx.cookie(sessionCookie);
        Session session = sessionId == null ? null : sessions.get(sessionId);
        return session != null && session.expiresAt().isAfter(clock.instant()) ? Optional.of(sessionId) : Optional.empty();
    }

    /** The keyed digest of the visitor cookie (set when {@code create} and missing), or null. */
    private String visitorBinding(Context ctx, boolean create) {
        String visitor = ctx.cookie(csrfCookie);
        if (visitor == null || visitor.length() < 20) {
            if (!create) {
                return null;
            }
            visitor = newToken();
            setCookie(ctx, csrfCookie, visitor, -1);
        }
        return keyedDigest("visitor\u0000" + visitor);
    }

    private String keyedDigest(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(csrfKey, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
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
