package dev.facet.cli;

import dev.facet.mirror.StoppedMirror;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code facet mirror accept-upstream}: accept the upstream as it now is, resolving the mirror's alerts. */
@Command(name = "accept-upstream", mixinStandardHelpOptions = true,
        description = "After an upstream alert (another identity, a history that went back or forked), accept the "
                + "upstream as it now is: the mirror pins it anew at its next start and follows it, deletions included. "
                + "(A running mirror: POST /rest/mirroring/latest/upstreamServer/accept-upstream.)")
final class MirrorAcceptUpstreamCommand implements Callable<Integer> {
    @Option(names = "--home", required = true, description = "The mirror's home (the mirror must be stopped).")
    Path home;

    @Override
    public Integer call() {
        try (var store = StoppedMirrorHome.openStopped(home)) {
            int resolved = new StoppedMirror(store, Clock.systemUTC()).acceptUpstream("facet mirror accept-upstream");
            System.out.println(resolved + " alert(s) resolved. At its next start the mirror pins its upstream as it "
                    + "presents itself then and follows it, deletions included.");
            return 0;
        } catch (IllegalStateException e) {
            System.err.println("facet: " + e.getMessage());
            return 1;
        }
    }
}
