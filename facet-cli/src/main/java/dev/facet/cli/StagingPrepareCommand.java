package dev.facet.cli;

import dev.facet.core.file.Directories;
import dev.facet.core.identity.InstanceIdentity;
import dev.facet.primary.StagingPreparation;
import dev.facet.store.JdbcStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code facet staging-prepare}: makes a copied primary home safe to run as staging. */
@Command(name = "staging-prepare", mixinStandardHelpOptions = true,
        description = "Turn a copy of a primary's home into a staging instance: new instance id, keys and SSH host keys, "
                + "mirror registrations and requests removed, base URL replaced. Run it on a stopped copy.")
final class StagingPrepareCommand implements Callable<Integer> {
    @Option(names = "--home", required = true, description = "The copied home.")
    Path home;

    @Option(names = "--base-url", required = true, description = "The staging instance's own URL.")
    String baseUrl;

    @Override
    public Integer call() throws IOException {
        Map<String, String> flags = new HashMap<>();
        flags.put(RawSettings.BASE_URL, baseUrl);
        PrimarySettings settings = PrimarySettings.load(home, flags, System.getenv());
        if (!Files.isDirectory(settings.home().resolve("keys"))) {
            throw new SettingsError(settings.home() + " has no keys/ directory: it is not a primary's home.");
        }
        String previousId = InstanceIdentity.loadOrCreate(settings.home().resolve("keys")).id();
        StagingPreparation.Outcome outcome;
        try (JdbcStore store = JdbcStore.open(settings.database())) {
            Path keys = settings.home().resolve("keys");
            Directories.deleteTree(keys);
            InstanceIdentity fresh = InstanceHome.identity(settings.home());
            outcome = new StagingPreparation(store, Clock.systemUTC()).prepare(settings.web().baseUrl(), fresh.id());
            System.out.println("Prepared " + settings.home() + " as a staging instance:");
            System.out.println("  instance id: " + previousId + " -> " + fresh.id() + " (new key pair in " + keys + ")");
            // The host keys sat in keys/ too: without them gone, the copy would pass for production to every SSH client.
            System.out.println("  SSH host keys: removed; new ones are made at the first start, so clients that "
                    + "trust production's host key refuse this copy");
            System.out.println("  mirror registrations removed: " + outcome.mirrorsForgotten());
            System.out.println("  farm nodes removed: " + outcome.farmNodesForgotten());
            System.out.println("  authorization requests removed: " + outcome.requestsForgotten());
            System.out.println("  webhooks switched off: " + outcome.webhooksSwitchedOff());
            System.out.println("  base URL: " + outcome.previousBaseUrl().orElse("(none recorded)") + " -> "
                    + settings.web().baseUrl());
        }
        Files.writeString(settings.home().resolve("facet.properties"), upsert(settings.home().resolve("facet.properties"),
                RawSettings.BASE_URL, settings.web().baseUrl()));
        System.out.println("  facet.properties: " + RawSettings.BASE_URL + "=" + settings.web().baseUrl());
        return 0;
    }

    private static String upsert(Path file, String key, String value) throws IOException {
        StringBuilder out = new StringBuilder();
        boolean replaced = false;
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                if (line.strip().startsWith(key + "=") || line.strip().startsWith(key + " ")) {
                    out.append(key).append('=').append(value).append('\n');
                    replaced = true;
                } else {
                    out.append(line).append('\n');
                }
            }
        }
        if (!replaced) {
            out.append(key).append('=').append(value).append('\n');
        }
        return out.toString();
    }

}
