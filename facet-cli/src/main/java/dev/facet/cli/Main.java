package dev.facet.cli;

import dev.facet.core.identity.IdentityFileUnusable;
import dev.facet.core.tls.TlsFileUnusable;
import dev.facet.farm.FarmMismatch;
import dev.facet.store.DatabaseUnavailable;
import picocli.CommandLine;

/** Entry point of the distribution. Failures a user can fix print one line naming the problem, not a stack trace. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // Whatever the command, what it writes into a home (or a backup) is for the owner only.
        OwnerOnlyFiles.restrictUmask();
        System.exit(commandLine().execute(args));
    }

    /** The {@code facet} command with the error handling every run gets. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new FacetCommand());
        commandLine.setExecutionExceptionHandler((failure, cmd, parsed) -> {
            if (failure instanceof SettingsError || failure instanceof DatabaseUnavailable
                    || failure instanceof IdentityFileUnusable || failure instanceof TlsFileUnusable
                    || failure instanceof FarmMismatch) {
                cmd.getErr().println("facet: " + failure.getMessage());
                return 2;
            }
            cmd.getErr().println("facet: " + failure);
            throw failure;
        });
        return commandLine;
    }
}
