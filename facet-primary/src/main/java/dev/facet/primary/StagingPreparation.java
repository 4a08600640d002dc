package dev.facet.primary;

import dev.facet.core.mirror.AuditAction;
import dev.facet.core.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a copy of a production primary's database into a staging one: it forgets every mirror
 * registration, farm node and authorization request (they belong to production) and records the staging
 * base URL. The instance's new identity is made by whoever owns the home's key files.
 */
public final class StagingPreparation {
    /** The instance setting holding the base URL the primary last ran with. */
    public static final String BASE_URL = "instance.base-url";

    private final Store store;
    private final Clock clock;

    /** What was changed, to be told to the admin. */
    public record Outcome(int mirrorsForgotten, int farmNodesForgotten, int requestsForgotten, int webhooksSwitchedOff,
                          Optional<String> previousBaseUrl) {
    }

    public StagingPreparation(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Outcome prepare(String stagingBaseUrl, String newInstanceId) {
        return store.inTransaction(tx -> {
            Optional<String> previous = tx.instanceSettings().get(BASE_URL);
            // Counted apart before their farms go: each node's key is a registration of its own.
            int nodes = tx.farmNodes().deleteAll();
            int mirrors = tx.mirrorServers().deleteAll();
            int requests = tx.mirrorRequests().deleteAll();
            // Webhooks are outgoing calls too: a copy's pushes must not reach production's CI. Kept, switched off.
            int webhooks = tx.webhooks().deactivateAll();
            tx.instanceSettings().put(BASE_URL, stagingBaseUrl);
            tx.audit().record(clock.instant(), "facet staging-prepare", AuditAction.PURGE, newInstanceId, stagingBaseUrl,
                    "staging copy prepared: " + mirrors + " mirror registrations, " + nodes + " farm nodes and " + requests
                            + " authorization requests forgotten, " + webhooks + " webhooks switched off; base URL was "
                            + previous.orElse("unknown"));
            return new Outcome(mirrors, nodes, requests, webhooks, previous);
        });
    }

    /**
     * A warning when a primary starts at another base URL than the one its database recorded and
     * still holds mirror registrations or switched-on webhooks: it may be a copy of another primary, about
     * to call receivers on production's behalf.
     */
    public static Optional<String> copyWarning(Store store, String baseUrl) {
        return store.inTransaction(tx -> {
            Optional<String> recorded = tx.instanceSettings().get(BASE_URL);
            int mirrors = tx.mirrorServers().list(0, 1000).size();
            int webhooks = tx.webhooks().active().size();
            if (recorded.isEmpty() || recorded.get().equals(baseUrl) || mirrors == 0 && webhooks == 0) {
                return Optional.empty();
            }
            List<String> holds = new ArrayList<>();
            List<String> consequences = new ArrayList<>();
            if (mirrors > 0) {
                holds.add(mirrors + " mirror(s)");
                consequences.add("Mirrors only ever call the primary they were registered with, so this copy cannot "
                        + "reach them.");
            }
            if (webhooks > 0) {
                holds.add(webhooks + " enabled webhook(s)");
                consequences.add("Its webhooks deliver what the original still owed and announce this copy's pushes "
                        + "to the original's receivers (CI, chat) until it is prepared.");
            }
            return Optional.of("This primary runs at " + baseUrl + " but its database was last used at "
                    + recorded.get() + " and lists " + String.join(" and ", holds) + ". If it is a copy (staging, a "
                    + "restored backup), these belong to the original: stop it and run "
                    + "'facet staging-prepare --home <home> --base-url " + baseUrl + "'. "
                    + String.join(" ", consequences));
        });
    }
}
