package dev.facet.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.access.Caller;
import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.FacetException;
import dev.facet.core.error.TooManyAttempts;
import dev.facet.core.identity.InstancePublicKey;
import dev.facet.core.mirror.MirrorRequest;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.mirror.MirrorServer;
import dev.facet.core.mirror.MirrorServerState;
import dev.facet.core.mirror.MirrorType;
import dev.facet.core.mirror.RequestState;
import dev.facet.core.mirror.MirrorOffload;
import dev.facet.primary.LagHistory;
import dev.facet.primary.MirrorAdmission;
import dev.facet.primary.MirrorRegistry;
import dev.facet.primary.UserService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The primary's pages: sign-in, and the admin's mirror console. */
final class PrimaryPages {
    private static final String MIRRORS = "/admin/mirrors";
    private static final int LIST_LIMIT = 500;
    private static final int AUDIT_LIMIT = 500;

    private final UserService users;
    private final MirrorRegistry registry;
    private final MirrorAdmission admission;
    private final BrowserSessions sessions;
    private final PageAccess access;
    private final Clock clock;
    private final ObjectMapper json;
    private final String keyFingerprint;

    PrimaryPages(UserService users, MirrorRegistry registry, MirrorAdmission admission, PageAccess access, Clock clock,
                 ObjectMapper json, String publicKeyJwk) {
        this.keyFingerprint = new InstancePublicKey(publicKeyJwk).fingerprint();
        this.users = users;
        this.admission = admission;
        this.registry = registry;
        this.access = access;
        this.sessions = access.sessions();
        this.clock = clock;
        this.json = json;
    }

    void register(RoutesConfig routes) {
        routes.get("/", ctx -> ctx.redirect(home(access.viewer(ctx))));
        routes.get("/login", ctx -> {
            Optional<Caller> signedIn = sessions.caller(ctx);
            if (signedIn.isPresent()) {
                ctx.redirect(safeNext(ctx.queryParam("next")).orElse(home(signedIn.get())));
                return;
            }
            login(ctx, 200, "", ctx.queryParam("next"), null);
        });
        routes.post("/login", this::signIn);
        routes.post("/logout", ctx -> {
            if (access.csrfRefused(ctx)) {
                return;
            }
            sessions.signOut(ctx);
            ctx.redirect("/login");
        });
        routes.get(MIRRORS, ctx -> access.admin(ctx, MIRRORS).ifPresent(caller -> mirrors(ctx, caller, 200, null)));
        routes.get(MIRRORS + "/state.json", ctx -> {
            Optional<Caller> caller = sessions.caller(ctx);
            if (caller.isEmpty() || !caller.get().isAdmin()) {
                ErrorMapping.respond(ctx, 401, "Sign in as an administrator to see the mirrors.", null,
                        "AuthenticationRequired");
                return;
            }
            PageModels.AdminMirrorsPage page = mirrorsPage(ctx, caller.get(), null);
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("signature", page.signature());
            state.put("mirrors", page.mirrors());
            ctx.json(state);
        });
        action(routes, MIRRORS + "/requests/{id}/accept", (caller, ctx) -> admission.accept(caller, ctx.pathParam("id")));
        action(routes, MIRRORS + "/requests/{id}/reject", (caller, ctx) -> admission.reject(caller, ctx.pathParam("id")));
        action(routes, MIRRORS + "/{id}/delete", (caller, ctx) -> registry.delete(caller, ctx.pathParam("id")));
        action(routes, MIRRORS + "/{id}/restore", (caller, ctx) -> registry.restore(caller, ctx.pathParam("id")));
        action(routes, MIRRORS + "/{id}/nodes/{nodeId}/remove", (caller, ctx) ->
                registry.removeNode(caller, ctx.pathParam("id"), ctx.pathParam("nodeId")));
        action(routes, MIRRORS + "/{id}/projects", (caller, ctx) -> {
            String listed = Optional.ofNullable(ctx.formParam("projects")).orElse("").strip();
            java.util.Set<ProjectKey> projects = new java.util.LinkedHashSet<>();
            for (String key : listed.split("[,\\s]+")) {
                if (!key.isEmpty()) {
                    projects.add(ProjectKey.of(key));
                }
            }
            registry.select(caller, ctx.pathParam("id"), projects.isEmpty(), projects);
        });
        routes.get("/admin/audit", ctx -> access.admin(ctx, "/admin/audit").ifPresent(caller -> {
            Instant now = clock.instant();
            List<PageModels.AuditRow> entries = registry.audit(caller, 0, AUDIT_LIMIT).values().stream()
                    .map(entry -> new PageModels.AuditRow(Pages.when(entry.at()), Pages.ago(entry.at(), now),
                            entry.actor(), entry.action().name(), entry.instanceId(), entry.instanceUrl(),
                            entry.details()))
                    .toList();
            Pages.render(ctx, "audit.jte", new PageModels.AuditPage(access.frame(ctx, "Audit trail"), entries));
        }));
    }

    private interface AdminAction {
        void run(Caller caller, Context ctx);
    }

    /** A button on the mirror console: the form's token is checked, the action done, and the console shown again. */
    private void action(RoutesConfig routes, String path, AdminAction action) {
        routes.post(path, ctx -> {
            if (access.csrfRefused(ctx)) {
                return;
            }
            Optional<Caller> caller = access.admin(ctx, MIRRORS);
            if (caller.isEmpty()) {
                return;
            }
            try {
                action.run(caller.get(), ctx);
            } catch (FacetException e) {
                mirrors(ctx, caller.get(), ErrorMapping.status(e), e.getMessage());
                return;
            }
            ctx.redirect(MIRRORS);
        });
    }

    private void signIn(Context ctx) {
        String username = Optional.ofNullable(ctx.formParam("username")).orElse("").strip();
        String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
        String next = ctx.formParam("next");
        if (!sessions.signInCsrfMatches(ctx)) {
            login(ctx, 403, username, next, "This form's security token is missing or stale; reload the page and sign "
                    + "in again.");
            return;
        }
        if (username.isEmpty() || password.isEmpty()) {
            login(ctx, 400, username, next, "Enter your username and your password.");
            return;
        }
        if (password.startsWith(UserService.TOKEN_PREFIX)) {
            login(ctx, 400, username, next, "Sign in with your password: access tokens are for Git and the REST API.");
            return;
        }
        Caller caller;
        try {
            caller = users.authenticate(username, password, ctx.ip());
        } catch (TooManyAttempts e) {
            ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            login(ctx, 429, username, next, "Too many wrong passwords for " + username + "; try again in "
                    + e.retryAfterSeconds() + " s.");
            return;
        } catch (AuthenticationRequired e) {
            users.recordSignIn(username, false, ctx.ip());
            login(ctx, 401, username, next, "Wrong username or password.");
            return;
        }
        users.recordSignIn(caller.name().value(), true, ctx.ip());
        sessions.signIn(ctx, caller);
        ctx.redirect(safeNext(next).orElse(home(caller)));
    }

    private void login(Context ctx, int status, String username, String next, String error) {
        ctx.status(status);
        Pages.render(ctx, "login.jte", new PageModels.LoginPage(PageModels.Frame.primary("Sign in", null,
                sessions.signInCsrfToken(ctx)), username, next == null ? "" : next, error));
    }

    /** Where to go after signing in: a path on this site only, never another host (no scheme, no "//", nothing a browser strips). */
    static Optional<String> safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//")) {
            return Optional.empty();
        }
        for (int i = 0; i < next.length(); i++) {
            char c = next.charAt(i);
            if (c <= 0x20 || c == '\\' || c == 0x7f) {
                return Optional.empty();
            }
        }
        return Optional.of(next);
    }

    /** The first page for someone: the mirror console for administrators, the projects for everyone else. */
    private static String home(Caller caller) {
        return caller.isAdmin() ? MIRRORS : "/projects";
    }

    private void mirrors(Context ctx, Caller caller, int status, String message) {
        ctx.status(status);
        Pages.render(ctx, "admin-mirrors.jte", mirrorsPage(ctx, caller, message));
    }

    private PageModels.AdminMirrorsPage mirrorsPage(Context ctx, Caller caller, String message) {
        Instant now = clock.instant();
        String highlighted = ctx.queryParam("request");
        List<MirrorRegistry.MirrorServerView> servers = registry.servers(caller, 0, LIST_LIMIT).values();
        Map<String, String> registeredKeys = new java.util.HashMap<>();
        servers.forEach(view -> registeredKeys.put(view.server().id(), shortFingerprint(view.server().publicKey())));
        List<PageModels.RequestRow> requests = new ArrayList<>();
        for (MirrorRequest request : admission.requests(caller, RequestState.PENDING, 0, LIST_LIMIT).values()) {
            String key = shortFingerprint(request.publicKey());
            String registeredKey = registeredKeys.get(request.mirrorId());
            requests.add(new PageModels.RequestRow(request.id(), request.mirrorId(), request.name(), request.baseUrl(),
                    request.type().name(), Pages.ago(request.createdAt(), now), request.id().equals(highlighted), key,
                    registeredKey != null && !registeredKey.equals(key) ? registeredKey : null));
        }
        List<PageModels.MirrorRow> mirrors = new ArrayList<>();
        StringBuilder signature = new StringBuilder();
        requests.forEach(r -> signature.append(r.id()).append(','));
        for (MirrorRegistry.MirrorServerView view : servers) {
            MirrorServer server = view.server();
            PageModels.MirrorRow row = row(view, now);
            mirrors.add(row);
            signature.append('|').append(server.id()).append(row.removed() ? "-removed" : "");
            row.nodes().forEach(node -> signature.append(':').append(node.id()));
        }
        return new PageModels.AdminMirrorsPage(PageModels.Frame.primary("Mirrors", caller.name().value(), sessions.csrfToken(ctx)),
                registry.instanceId(), keyFingerprint,
                requests, mirrors, Integer.toHexString(signature.toString().hashCode()), message);
    }

    private PageModels.MirrorRow row(MirrorRegistry.MirrorServerView view, Instant now) {
        MirrorServer server = view.server();
        MirrorServerState state = view.state();
        String fix = switch (state) {
            case PENDING -> "Authorized; waiting for the mirror's first report. If this lasts, check that the mirror runs.";
            case LAGGING -> "Check the mirror: run facet doctor --home <its home> on it.";
            case OFFLINE -> "Check the mirror: it has not reported for " + Pages.ago(server.lastSeen(), now).replace(" ago", "")
                    + ". Is it running, and can it reach this primary?";
            case REMOVED -> "Restore it before " + Pages.when(server.purgeAfter()) + ", when its removal becomes final; "
                    + "after that, reconnect it from the mirror and authorize it again.";
            default -> null;
        };
        return new PageModels.MirrorRow(server.id(), server.name(), server.baseUrl(), shortFingerprint(server.publicKey()),
                serverState(state), fix,
                Pages.ago(server.lastSeen(), now), server.repositoriesInSync(), server.repositoriesBehind(),
                worstLag(server.report()), server.version() == null ? "" : server.version(),
                server.allProjects() ? "all projects" : String.join(", ", view.projects()),
                Pages.when(server.isRemoved() ? server.purgeAfter() : now.plus(registry.removalGrace())),
                server.isRemoved(), server.type() == MirrorType.FARM,
                server.type() == MirrorType.FARM ? view.nodes().stream().map(node -> nodeRow(node, now)).toList()
                        : List.of(), offload(view.offload()), lagChart(view.lagLastHour(), now));
    }

    static PageModels.Offload offload(MirrorOffload counts) {
        long total = counts.bytesServed() + counts.bytesFetched() + counts.bytesForwarded();
        String share = total == 0 ? "" : Math.round(100.0 * counts.bytesServed() / total) + "%";
        return new PageModels.Offload(counts.clones(), counts.fetches(), Pages.bytes(counts.bytesServed()),
                counts.pushesForwarded(), Pages.bytes(counts.bytesForwarded()), Pages.bytes(counts.bytesFetched()),
                share);
    }

    /** The last hour's lags as a polyline, scaled to the hour's peak (at least a second, so calm stays flat). */
    static PageModels.LagChart lagChart(List<LagHistory.Sample> samples, Instant now) {
        if (samples.isEmpty()) {
            return new PageModels.LagChart("", 0, "", "");
        }
        long peak = samples.stream().mapToLong(LagHistory.Sample::worstLagMillis).max().orElse(0);
        double scale = Math.max(peak, 1000);
        Instant start = now.minus(LagHistory.WINDOW);
        StringBuilder points = new StringBuilder();
        for (LagHistory.Sample sample : samples) {
            double x = PageModels.LagChart.WIDTH * Math.max(0, java.time.Duration.between(start, sample.minute())
                    .toMillis()) / (double) LagHistory.WINDOW.toMillis();
            double y = PageModels.LagChart.HEIGHT - PageModels.LagChart.HEIGHT * sample.worstLagMillis() / scale;
            points.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        return new PageModels.LagChart(points.toString().strip(), samples.size(),
                Pages.duration(java.time.Duration.ofMillis(peak)),
                Pages.duration(java.time.Duration.ofMillis(samples.get(samples.size() - 1).worstLagMillis())));
    }

    private static PageModels.NodeRow nodeRow(MirrorRegistry.NodeView node, Instant now) {
        return new PageModels.NodeRow(node.id(), node.name(), node.url(), shortFingerprint(node.publicKey()),
                serverState(node.state()), Pages.ago(node.lastSeen(), now), node.version() == null ? ""
                        : node.version(), node.vouchedBy());
    }

    /** A key as an administrator compares it with the one a mirror's own page shows. */
    static String shortFingerprint(String publicKeyJwk) {
        try {
            return new InstancePublicKey(publicKeyJwk).shortFingerprint();
        } catch (RuntimeException e) {
            return "(unreadable key)";
        }
    }

    static PageModels.State serverState(MirrorServerState state) {
        return switch (state) {
            case PENDING -> new PageModels.State(state.name(), "Authorized", "state-pending");
            case SYNCHRONIZING -> new PageModels.State(state.name(), "Synchronizing", "state-busy");
            case SYNCHRONIZED -> new PageModels.State(state.name(), "Synchronized", "state-ok");
            case LAGGING -> new PageModels.State(state.name(), "Lagging", "state-warn");
            case OFFLINE -> new PageModels.State(state.name(), "Offline", "state-off");
            case REMOVED -> new PageModels.State(state.name(), "Removed", "state-bad");
        };
    }

    private String worstLag(String report) {
        if (report == null) {
            return "";
        }
        try {
            JsonNode lags = json.readTree(report);
            if (lags.isArray() && !lags.isEmpty()) {
                JsonNode worst = lags.get(0);
                return worst.path("project").asText() + "/" + worst.path("slug").asText() + " "
                        + Pages.duration(java.time.Duration.ofMillis(worst.path("lagMillis").asLong()));
            }
        } catch (IOException e) {
            // a report this version cannot read shows no lag
        }
        return "";
    }
}
