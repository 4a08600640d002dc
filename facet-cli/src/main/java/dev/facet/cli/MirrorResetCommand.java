package dev.facet.cli;

import dev.facet.git.LocalDiskRepositoryStore;
import dev.facet.mirror.StoppedMirror;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code facet mirror reset}: forget the upstream registration, to register the mirror anew. */
@Command(name = "reset", mixinStandardHelpOptions = true,
        description = "Forget this mirror's upstream registration so it can be registered anew (it keeps its "
                + "id and key). Repositories are kept for a delta sync unless --wipe-data is given.")
final class MirrorResetCommand implements Callable<Integer> {
    @Option(names = "--home", required = true, description = "The mirror's home (the mirror must be stopped).")
    Path home;

    @Option(names = "--wipe-data", description = "Also delete every mirrored repository.")
    boolean wipeData;

    @Override
    public Integer call() {
        try (var store = StoppedMirrorHome.openStopped(home)) {
            int wiped = new StoppedMirror(store, Clock.systemUTC()).reset(
                    new LocalDiskRepositoryStore(InstanceHome.repositories(home.toAbsolutePath())), wipeData,
                    "facet mirror reset");
            System.out.println("The upstream registration is forgotten"
                    + (wipeData ? "; " + wiped + " repositories deleted." : "; repositories kept.")
                    + " Start the mirror with --upstream URL to register it again.");
            return 0;
        }
    }
}
