package dev.facet.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/** Renders the precompiled page templates; a page never shows a stack trace, errors come as plain words. */
final class Pages {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Pages() {
    }

    static void render(Context ctx, String template, Object model) {
        StringOutput out = new StringOutput();
        ENGINE.render(template, model, out);
        String nonce = newNonce();
        ctx.header("Cache-Control", "no-store");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Content-Security-Policy", contentSecurityPolicy(nonce));
        ctx.html(withNonce(out.toString(), nonce));
    }

    /**
     * What a page may load and run: its own inline scripts (by nonce) and styles, requests to this site only,
     * forms posted here only, and no framing. Inline {@code style} attributes stay allowed: the templates use a few.
     */
    static String contentSecurityPolicy(String nonce) {
        return "default-src 'none'; script-src 'nonce-" + nonce + "'; style-src 'self' 'unsafe-inline'; "
                + "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                + "base-uri 'none'";
    }

    /**
     * Gives the templates' own script tags this answer's nonce. jte escapes every value it writes into a page, so a
     * bare {@code <script>} in the output can only come from a template, never from a user's input; this keeps the
     * templates (several helpers edit them) free of nonce plumbing.
     */
    static String withNonce(String html, String nonce) {
        return html.replace("<script>", "<script nonce=\"" + nonce + "\">");
    }

    private static String newNonce() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    static String when(Instant instant) {
        return instant == null ? "never" : WHEN.format(instant);
    }

    /** "12 s ago", "3 min ago": how long since, in the largest unit that reads well. */
    static String ago(Instant instant, Instant now) {
        if (instant == null) {
            return "never";
        }
        return duration(Duration.between(instant, now)) + " ago";
    }

    /** A byte count as people read it: 0 B, 812 B, 4.2 KiB, 31.0 MiB, 2.5 GiB. */
    static String bytes(long count) {
        if (count < 1024) {
            return count + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = count;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    static String duration(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 7200) {
            return seconds / 60 + " min";
        }
        if (seconds < 2 * 86400) {
            return seconds / 3600 + " h";
        }
        return seconds / 86400 + " days";
    }
}
