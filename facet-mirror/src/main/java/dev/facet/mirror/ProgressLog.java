package dev.facet.mirror;

import java.time.Duration;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the sync progress to the log while repositories are behind, every time it is run (the wiring runs it
 * every few seconds), and once more when the last one caught up: an administrator who starts a mirror of many
 * repositories sees how far it got, how fast it goes and about how long is left, without opening its page.
 */
public final class ProgressLog implements Runnable {
    private static final Logger log = LoggerFactory.getLogger("facet.sync");
    public static final Duration INTERVAL = Duration.ofSeconds(10);

    private final MirrorStatus status;
    private final IntSupplier fetchLimit;
    private boolean wasBehind;

    /** @param fetchLimit how many fetches may run at once now, shown beside the rate */
    public ProgressLog(MirrorStatus status, IntSupplier fetchLimit) {
        this.status = status;
        this.fetchLimit = fetchLimit;
    }

    @Override
    public void run() {
        try {
            MirrorStatus.Progress progress = status.progress();
            if (progress.behind() > 0) {
                wasBehind = true;
                log.info("synchronizing: {} of {} repositories in sync, {} a second, {} ({} fetches at once)",
                        progress.inSync(), progress.total(), String.format("%.1f", progress.syncsPerSecond()),
                        progress.timeLeft().map(left -> "about " + left.toSeconds() + " s left")
                                .orElse("time left unknown"), fetchLimit.getAsInt());
            } else if (wasBehind) {
                wasBehind = false;
                log.info("synchronized: all {} repositories in sync", progress.total());
            }
        } catch (RuntimeException e) {
            log.warn("could not read the sync progress: {}", e.toString());
        }
    }
}
