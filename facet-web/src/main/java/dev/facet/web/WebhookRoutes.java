package dev.facet.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.error.NotFound;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.webhook.Webhook;
import dev.facet.core.webhook.WebhookDelivery;
import dev.facet.primary.WebhookSender;
import dev.facet.primary.WebhookService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Project and repository webhooks at Bitbucket's paths and in its shapes ({@code RestWebhook},
 * {@code RestDetailedInvocation}); {@code …/deliveries} (every kept attempt, newest first) is Facet's own.
 */
final class WebhookRoutes {
    private static final String PROJECT = "/rest/api/latest/projects/{key}/webhooks";
    private static final String REPOSITORY = "/rest/api/latest/projects/{key}/repos/{slug}/webhooks";

    private final WebhookService webhooks;
    private final ObjectMapper json;

    WebhookRoutes(WebhookService webhooks, ObjectMapper json) {
        this.webhooks = webhooks;
        this.json = json;
    }

    /** A webhook as Bitbucket shows it; its secret is never shown back. */
    record WebhookJson(long id, String name, long createdDate, long updatedDate, List<String> events,
                       Map<String, String> configuration, String url, boolean active, String scopeType,
                       boolean sslVerificationRequired) {
        static WebhookJson of(Webhook hook) {
            return new WebhookJson(hook.id(), hook.name(), hook.createdAt().toEpochMilli(),
                    hook.updatedAt().toEpochMilli(), hook.events(), Map.of(), hook.url(), hook.active(),
                    hook.isProjectWide() ? "project" : "repository", true);
        }
    }

    /** What a client sends to create or update a webhook. */
    record WebhookBody(String name, String url, List<String> events, Boolean active, Map<String, String> configuration,
                       Map<String, String> credentials, Boolean sslVerificationRequired) {
        WebhookService.Definition definition() {
            if (credentials != null && credentials.values().stream().anyMatch(v -> v != null && !v.isEmpty())) {
                throw new InvalidInput("credentials", "Facet sends no credentials with webhooks; give the hook a "
                        + "secret (configuration.secret) and check X-Hub-Signature instead.");
            }
            if (Boolean.FALSE.equals(sslVerificationRequired)) {
                throw new InvalidInput("sslVerificationRequired", "Facet always verifies a receiver's certificate.");
            }
            return new WebhookService.Definition(name, url, configuration == null ? null : configuration.get("secret"),
                    events, active);
        }
    }

    /** One attempt, as Bitbucket's {@code RestDetailedInvocation}, with Facet's request id, event and attempt. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record InvocationJson(long id, String event, Map<String, String> eventScope, long start, long finish,
                          long duration, Map<String, Object> request, Map<String, Object> result, String requestId,
                          Long eventSequence, int attempt) {
        static InvocationJson of(WebhookDelivery delivery, Webhook hook) {
            Map<String, Object> result = delivery.statusCode() == null
                    ? Map.of("outcome", delivery.outcome().name(), "description", delivery.description())
                    : Map.of("outcome", delivery.outcome().name(), "description", delivery.description(),
                            "statusCode", delivery.statusCode());
            return new InvocationJson(delivery.id(), delivery.eventKey(), Map.of(
                    "id", String.valueOf(hook.isProjectWide() ? hook.projectId() : hook.repositoryId()),
                    "type", hook.isProjectWide() ? "project" : "repository"),
                    delivery.startedAt().toEpochMilli(), delivery.finishedAt().toEpochMilli(),
                    delivery.finishedAt().toEpochMilli() - delivery.startedAt().toEpochMilli(),
                    Map.of("url", delivery.url(), "method", "POST"), result, delivery.requestId(),
                    delivery.eventSequence(), delivery.attempt());
        }
    }

    /** Bitbucket's {@code RestWebhookRequestResponse}, with the outcome in Facet's words. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TestJson(Map<String, String> request, Map<String, Integer> response, String outcome, String description) {
        static TestJson of(String url, WebhookSender.Result result) {
            return new TestJson(Map.of("url", url == null ? "" : url, "method", "POST"),
                    result.statusCode() == null ? null : Map.of("statusCode", result.statusCode()),
                    result.outcome().name(), result.description());
        }
    }

    void register(RoutesConfig routes) {
        for (String base : List.of(PROJECT, REPOSITORY)) {
            routes.get(base, ctx -> ctx.json(RestJson.Paged.of(webhooks.list(PrimaryRoutes.caller(ctx), scope(ctx),
                    blankToNull(ctx.queryParam("event")), PrimaryRoutes.start(ctx), PrimaryRoutes.limit(ctx)),
                    WebhookJson::of)));
            routes.post(base, ctx -> ctx.status(201).json(WebhookJson.of(webhooks.create(PrimaryRoutes.caller(ctx),
                    scope(ctx), PrimaryRoutes.body(json, ctx, WebhookBody.class).definition()))));
            routes.post(base + "/test", ctx -> {
                String url = blankToNull(ctx.queryParam("url"));
                Long webhookId = ctx.queryParam("webhookId") == null ? null
                        : QueryParameters.wholeNumber(ctx, "webhookId", 0, 1, Long.MAX_VALUE);
                ctx.json(TestJson.of(url, webhooks.test(PrimaryRoutes.caller(ctx), scope(ctx), url, webhookId)));
            });
            routes.get(base + "/{id}", ctx ->
                    ctx.json(WebhookJson.of(webhooks.get(PrimaryRoutes.caller(ctx), scope(ctx), id(ctx)))));
            routes.put(base + "/{id}", ctx -> ctx.json(WebhookJson.of(webhooks.update(PrimaryRoutes.caller(ctx),
                    scope(ctx), id(ctx), PrimaryRoutes.body(json, ctx, WebhookBody.class).definition()))));
            routes.delete(base + "/{id}", ctx -> {
                webhooks.delete(PrimaryRoutes.caller(ctx), scope(ctx), id(ctx));
                ctx.status(204);
            });
            routes.get(base + "/{id}/latest", ctx -> {
                WebhookService.Scope scope = scope(ctx);
                long id = id(ctx);
                Webhook hook = webhooks.get(PrimaryRoutes.caller(ctx), scope, id);
                webhooks.latest(PrimaryRoutes.caller(ctx), scope, id, blankToNull(ctx.queryParam("event")),
                                outcome(ctx))
                        .ifPresentOrElse(delivery -> ctx.json(InvocationJson.of(delivery, hook)), () -> ctx.status(204));
            });
            routes.get(base + "/{id}/deliveries", ctx -> {
                WebhookService.Scope scope = scope(ctx);
                long id = id(ctx);
                Webhook hook = webhooks.get(PrimaryRoutes.caller(ctx), scope, id);
                ctx.json(RestJson.Paged.of(webhooks.deliveries(PrimaryRoutes.caller(ctx), scope, id,
                        PrimaryRoutes.start(ctx), PrimaryRoutes.limit(ctx)), d -> InvocationJson.of(d, hook)));
            });
        }
    }

    private static WebhookService.Scope scope(Context ctx) {
        ProjectKey project = ProjectKey.of(ctx.pathParam("key"));
        return ctx.pathParamMap().containsKey("slug")
                ? WebhookService.Scope.repository(project, RepositorySlug.of(ctx.pathParam("slug")))
                : WebhookService.Scope.project(project);
    }

    private static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new NotFound(null, "Webhook " + ctx.pathParam("id") + " does not exist here.");
        }
    }

    private static WebhookDelivery.Outcome outcome(Context ctx) {
        String raw = blankToNull(ctx.queryParam("outcome"));
        if (raw == null) {
            return null;
        }
        try {
            return WebhookDelivery.Outcome.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("outcome", "Unknown outcome '" + raw + "'; use SUCCESS, FAILURE or ERROR.");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
