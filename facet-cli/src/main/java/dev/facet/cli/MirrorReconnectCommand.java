package dev.facet.cli;

import dev.facet.mirror.StoppedMirror;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code facet mirror reconnect}: a removed or rejected mirror asks its upstream again at its next start. */
@Command(name = "reconnect", mixinStandardHelpOptions = true,
        description = "Add a REMOVED or REJECTED mirror back to the same upstream: at its next start it sends a "
                + "new authorization request, keeping its id, key and data. (A running mirror: "
                + "POST /rest/mirroring/latest/upstreamServer/reconnect.)")
final class MirrorReconnectCommand implements Callable<Integer> {
    @Option(names = "--home", required = true, description = "The mirror's home (the mirror must be stopped).")
    Path home;

    @Override
    public Integer call() {
        try (var store = StoppedMirrorHome.openStopped(home)) {
            String upstream = new StoppedMirror(store, Clock.systemUTC()).reconnect("facet mirror reconnect");
            System.out.println("The mirror will send a new authorization request to " + upstream
                    + " when it starts; an administrator accepts it there.");
            return 0;
        } catch (IllegalStateException e) {
            System.err.println("facet: " + e.getMessage());
            return 1;
        }
    }
}
