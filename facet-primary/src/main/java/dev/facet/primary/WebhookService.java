package dev.facet.primary;

import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.Caller;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.error.NotFound;
import dev.facet.core.error.Unavailable;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.store.Project;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.Store;
import dev.facet.core.store.StoreTransaction;
import dev.facet.core.webhook.Webhook;
import dev.facet.core.webhook.WebhookDelivery;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Webhooks of a project or of a repository, as their administrators manage them: only a project's admins reach
 * its hooks, only a repository's admins (a project's admins among them) reach the repository's. A new hook starts at
 * the outbox's head: it hears of what happens after it was made.
 */
public final class WebhookService {
    private static final Pattern EVENT_KEY = Pattern.compile("[a-z_]{1,32}:[a-z_]{1,48}");
    private static final int MAX_HOOKS_PER_SCOPE = 100;

    /** Where a hook lives: a project, or one of its repositories ({@code slug} non-null). */
    public record Scope(ProjectKey project, RepositorySlug slug) {
        public static Scope project(ProjectKey project) {
            return new Scope(project, null);
        }

        public static Scope repository(ProjectKey project, RepositorySlug slug) {
            return new Scope(project, slug);
        }
    }

    /** What an administrator sets on a hook; a field left null on an update keeps its value. */
    public record Definition(String name, String url, String secret, List<String> events, Boolean active) {
    }

    private final Store store;
    private final WebhookUrlPolicy policy;
    private final WebhookDeliveries deliveries;
    private final Clock clock;

    public WebhookService(Store store, WebhookUrlPolicy policy, WebhookDeliveries deliveries, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.deliveries = deliveries;
        this.clock = clock;
    }

    public Page<Webhook> list(Caller caller, Scope scope, String eventKey, int start, int limit) {
        return store.inTransaction(tx -> {
            Target target = target(tx, caller, scope);
            List<Webhook> hooks = tx.webhooks().of(target.projectId(), target.repositoryId()).stream()
                    .filter(hook -> eventKey == null || hook.subscribes(eventKey)).toList();
            return Page.within(hooks, start, limit);
        });
    }

    public Webhook create(Caller caller, Scope scope, Definition definition) {
        // Who asks is checked before the URL is resolved: nobody else may make the primary look names up.
        store.useTransaction(tx -> target(tx, caller, scope));
        String name = name(definition.name());
        String url = definition.url() == null ? null : definition.url().strip();
        policy.check(url);
        String secret = secret(definition.secret());
        List<String> events = events(definition.events());
        Webhook created = store.inTransaction(tx -> {
            Target target = target(tx, caller, scope);
            if (tx.webhooks().of(target.projectId(), target.repositoryId()).size() >= MAX_HOOKS_PER_SCOPE) {
                throw new InvalidInput(null, "A project or repository has at most " + MAX_HOOKS_PER_SCOPE
                        + " webhooks.");
            }
            Instant now = clock.instant();
            return tx.webhooks().create(new Webhook(0, target.projectId(), target.repositoryId(), name, url, secret,
                    events, definition.active() == null || definition.active(), now, now, tx.events().head().sequence(),
                    0, null));
        });
        deliveries.poke();
        return created;
    }

    public Webhook get(Caller caller, Scope scope, long id) {
        return store.inTransaction(tx -> find(tx, caller, scope, id));
    }

    public Webhook update(Caller caller, Scope scope, long id, Definition definition) {
        // Checked before the transaction: resolving a name may take seconds, and holds no connection meanwhile.
        store.useTransaction(tx -> find(tx, caller, scope, id));
        if (definition.url() != null) {
            policy.check(definition.url().strip());
        }
        Webhook updated = store.inTransaction(tx -> {
            Webhook hook = find(tx, caller, scope, id);
            String url = definition.url() == null ? hook.url() : definition.url().strip();
            Webhook changed = hook.withSettings(definition.name() == null ? hook.name() : name(definition.name()), url,
                    definition.secret() == null ? hook.secret() : secret(definition.secret()),
                    definition.events() == null ? hook.events() : events(definition.events()),
                    definition.active() == null ? hook.active() : definition.active(), clock.instant());
            tx.webhooks().update(changed);
            return changed;
        });
        deliveries.poke();
        return updated;
    }

    public void delete(Caller caller, Scope scope, long id) {
        store.useTransaction(tx -> tx.webhooks().delete(find(tx, caller, scope, id).id()));
    }

    /** The hook's latest attempt, optionally of one event key or one outcome. */
    public Optional<WebhookDelivery> latest(Caller caller, Scope scope, long id, String eventKey,
                                            WebhookDelivery.Outcome outcome) {
        return store.inTransaction(tx -> tx.webhooks().deliveries(find(tx, caller, scope, id).id(), eventKey, outcome,
                0, 1).stream().findFirst());
    }

    /** The hook's attempts, newest first. */
    public Page<WebhookDelivery> deliveries(Caller caller, Scope scope, long id, int start, int limit) {
        return store.inTransaction(tx -> Page.of(tx.webhooks().deliveries(find(tx, caller, scope, id).id(), null, null,
                start, limit + 1), start, limit));
    }

    /**
     * Bitbucket's connectivity test: pings {@code url} (or, without one, the URL of hook {@code webhookId}) now and
     * tells what came back. The URL meets the same rules as a hook's.
     */
    public WebhookSender.Result test(Caller caller, Scope scope, String url, Long webhookId) {
        String target;
        String secret;
        if (url != null && !url.isBlank()) {
            store.useTransaction(tx -> target(tx, caller, scope));
            target = url.strip();
            secret = null;
        } else if (webhookId != null) {
            Webhook hook = store.inTransaction(tx -> find(tx, caller, scope, webhookId));
            target = hook.url();
            secret = hook.secret();
        } else {
            store.useTransaction(tx -> target(tx, caller, scope));
            throw new InvalidInput("url", "Give the url to test, or the webhookId of a webhook.");
        }
        policy.check(target);
        try {
            WebhookSender.Result result = deliveries.ping(target, secret);
            // Why a connection failed (refused, timed out, no route) would map the primary's network for anyone who
            // administers a repository; only a system-wide administrator is told.
            return caller.isAdmin() || result.outcome() == WebhookDelivery.Outcome.SUCCESS ? result
                    : new WebhookSender.Result(result.outcome(), result.statusCode(), result.statusCode() == null
                            ? "No HTTP answer from the URL." : "The URL answered HTTP " + result.statusCode() + ".");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("The primary is stopping.");
        }
    }

    private record Target(long projectId, Long repositoryId) {
    }

    private static Target target(StoreTransaction tx, Caller caller, Scope scope) {
        if (scope.slug() == null) {
            Project project = AccessRules.requireProject(tx, caller, scope.project(), AccessLevel.ADMIN);
            return new Target(project.id(), null);
        }
        RepositoryRecord repository = tx.repositories().find(scope.project(), scope.slug())
                .orElseThrow(() -> AccessRules.notFound(caller, "Repository " + scope.project() + "/" + scope.slug()
                        + " does not exist."));
        AccessRules.requireRepository(tx, caller, repository, AccessLevel.ADMIN);
        return new Target(repository.projectId(), repository.id());
    }

    private static Webhook find(StoreTransaction tx, Caller caller, Scope scope, long id) {
        Target target = target(tx, caller, scope);
        return tx.webhooks().find(id)
                .filter(hook -> hook.projectId() == target.projectId()
                        && Objects.equals(hook.repositoryId(), target.repositoryId()))
                .orElseThrow(() -> new NotFound(null, "Webhook " + id + " does not exist here."));
    }

    private static String name(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidInput("name", "A webhook needs a name.");
        }
        if (name.strip().length() > 255) {
            throw new InvalidInput("name", "A webhook's name has at most 255 characters.");
        }
        return name.strip();
    }

    private static String secret(String secret) {
        if (secret == null || secret.isEmpty()) {
            return null;
        }
        if (secret.length() > 255) {
            throw new InvalidInput("configuration.secret", "A webhook secret has at most 255 characters.");
        }
        return secret;
    }

    private static List<String> events(List<String> events) {
        if (events == null || events.isEmpty()) {
            throw new InvalidInput("events", "A webhook subscribes to at least one event, such as "
                    + String.join(", ", WebhookPayloads.DELIVERED) + ".");
        }
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        for (String event : events) {
            if (event == null || !EVENT_KEY.matcher(event).matches()) {
                throw new InvalidInput("events", "'" + event + "' is not an event key like repo:refs_changed.");
            }
            keys.add(event);
        }
        if (String.join(",", keys).length() > 2000) {
            throw new InvalidInput("events", "A webhook subscribes to fewer events than that.");
        }
        return new ArrayList<>(keys);
    }
}
