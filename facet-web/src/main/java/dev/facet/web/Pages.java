package dev.facet.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Renders the precompiled page templates; a page never shows a stack trace, errors come as plain words. */
final class Pages {
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Pages() {
    }

    static void render(Context ctx, String template, Object model) {
        StringOutput out = new StringOutput();
        ENGINE.render(template, model, out);
        ctx.header("Cache-Control", "no-store");
        ctx.header("X-Frame-Options", "DENY");
        ctx.html(out.toString());
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
