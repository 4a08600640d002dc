package dev.facet.cli;

import picocli.CommandLine.Command;

/** The {@code facet} command: one distribution, a subcommand per role or operation. */
@Command(name = "facet", mixinStandardHelpOptions = true, version = "Facet 0.1.0",
        description = "A self-hosted Git server with smart mirrors.",
        subcommands = {PrimaryCommand.class, MirrorCommand.class, DemoCommand.class, StagingPrepareCommand.class,
            DoctorCommand.class, BackupCommand.class, RestoreCommand.class},
        commandListHeading = "%nCommands:%n")
final class FacetCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }
}
