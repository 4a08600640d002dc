package dev.facet.mirror;

import dev.facet.core.identity.RequestTokens;
import java.time.Duration;
import java.util.Optional;

/** Whether this machine's clock and the upstream's differ enough to say so, before signed requests start failing. */
public final class ClockCheck {
    /** The upstream's Date header has whole seconds; past this, the clocks really differ. */
    static final Duration NOTABLE_SKEW = Duration.ofSeconds(2);
    public static final String FIX = "Synchronize both machines' clocks with NTP (for example: timedatectl set-ntp true).";

    private ClockCheck() {
    }

    /** @param upstreamAhead how far the upstream's clock is ahead of this machine's (negative: behind) */
    public static Optional<String> problem(Optional<Duration> upstreamAhead, String upstreamUrl) {
        return upstreamAhead.filter(skew -> skew.abs().compareTo(NOTABLE_SKEW) > 0).map(skew ->
                "This machine's clock is " + skew.abs().toSeconds() + " s " + (skew.isNegative() ? "ahead of" : "behind")
                        + " the upstream's (" + upstreamUrl + "); signed requests are refused beyond "
                        + RequestTokens.CLOCK_TOLERANCE.toSeconds() + " s.");
    }
}
