package dev.facet.web;

import dev.facet.core.error.FacetException;
import dev.facet.core.identity.InstancePublicKey;
import dev.facet.core.mirror.UpstreamAlert;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.mirror.ClockCheck;
import dev.facet.mirror.MirrorIdentity;
import dev.facet.mirror.MirrorNode;
import dev.facet.mirror.MirrorStatus;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The mirror's own page: its id and key (to compare with the primary's console), its state in
 * words, the upstream it belongs to, the way to the pending request on the primary, Reconnect
 * when it was removed or rejected, alerts and sync progress. It needs no sign-in and shows no
 * secret, like {@code /status}; the one thing on it that changes the mirror, Reconnect, asks for
 * the credentials of an administrator of the primary and checks them there.
 */
final class MirrorPages {
    private final MirrorNode node;
    /** Nobody signs in on a mirror; the sessions give its forms their token, under cookie names of the mirror's own. */
    private final BrowserSessions sessions;

    MirrorPages(MirrorNode node, boolean https) {
        this.sessions = new BrowserSessions(Clock.systemUTC(), "facet-mirror", https, name -> Optional.empty());
        this.node = node;
    }

    void register(RoutesConfig routes) {
        routes.get("/", ctx -> ctx.redirect("/mirror"));
        routes.get("/mirror", ctx -> page(ctx, 200, null));
        routes.get("/mirror/state.json", ctx -> ctx.json(model(ctx, null)));
        routes.post("/mirror/reconnect", ctx -> {
            if (!sessions.csrfMatches(ctx)) {
                page(ctx, 403, "This form's security token is missing or stale, so nothing was sent; reload the page "
                        + "and press Reconnect again.");
                return;
            }
            String username = Optional.ofNullable(ctx.formParam("username")).orElse("").strip();
            String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
            if (username.isEmpty() || password.isEmpty()) {
                page(ctx, 400, "Enter the username and password of an administrator of the primary.");
                return;
            }
            try {
                // The credentials are checked by the primary and not kept here.
                MirrorWebServer.reconnect(node, "Basic " + Base64.getEncoder().encodeToString(
                        (username + ":" + password).getBytes(StandardCharsets.UTF_8)), ctx.ip(), "mirror page");
            } catch (FacetException e) {
                page(ctx, ErrorMapping.status(e), e.getMessage());
                return;
            }
            ctx.redirect("/mirror");
        });
    }

    private void page(Context ctx, int status, String message) {
        ctx.status(status);
        Pages.render(ctx, "mirror.jte", model(ctx, message));
    }

    private PageModels.MirrorPage model(Context ctx, String message) {
        MirrorStatus status = node.status();
        UpstreamLink link = status.link();
        MirrorStatus.Progress progress = status.progress();
        boolean askedToReconnect = "1".equals(ctx.queryParam("reconnect"));
        boolean canReconnect = link.state() == UpstreamState.REMOVED || link.state() == UpstreamState.REJECTED
                || askedToReconnect && link.state() != UpstreamState.PENDING;
        String primaryLink = link.state() == UpstreamState.PENDING && link.requestId() != null
                ? link.upstreamUrl() + "/admin/mirrors?request=" + link.requestId() : null;
        List<PageModels.Alert> alerts = new java.util.ArrayList<>(node.guard().open().stream().map(MirrorPages::alert)
                .toList());
        ClockCheck.problem(node.upstreamClockSkew(), link.upstreamUrl())
                .ifPresent(problem -> alerts.add(new PageModels.Alert("CLOCK_SKEW", problem, ClockCheck.FIX)));
        boolean identityChanged = node.guard().open().stream()
                .anyMatch(alert -> alert.kind() == UpstreamAlert.Kind.IDENTITY_CHANGED);
        Optional<MirrorIdentity> self = node.identity();
        return new PageModels.MirrorPage(PageModels.Frame.mirror("Mirror", sessions.csrfToken(ctx)),
                self.map(MirrorIdentity::id).orElse(""),
                self.map(identity -> new InstancePublicKey(identity.publicKey()).shortFingerprint()).orElse(""),
                upstreamState(link.state()), link.upstreamUrl(), pinned(link), identityChanged ? presented() : null,
                primaryLink, canReconnect, syncState(progress.state()),
                progress.total(), progress.inSync(), progress.behind(), pace(progress), worstLag(progress), alerts,
                message);
    }

    private static PageModels.UpstreamIdentityRow pinned(UpstreamLink link) {
        return link.upstreamPublicKey() == null ? null : new PageModels.UpstreamIdentityRow(link.upstreamInstanceId(),
                MirroringJson.fingerprint(link.upstreamPublicKey()));
    }

    private PageModels.UpstreamIdentityRow presented() {
        return node.lastPresentedUpstream().map(identity -> new PageModels.UpstreamIdentityRow(identity.id(),
                String.valueOf(MirroringJson.fingerprint(identity.publicKey())))).orElse(null);
    }

    private static PageModels.Alert alert(UpstreamAlert alert) {
        return new PageModels.Alert(alert.kind().name(), alert.details(), alert.kind().resolution());
    }

    static PageModels.State upstreamState(UpstreamState state) {
        return switch (state) {
            case UNCONFIGURED -> new PageModels.State(state.name(), "Not registered yet", "state-off");
            case PENDING -> new PageModels.State(state.name(), "Waiting for authorization", "state-pending");
            case INSTALLED -> new PageModels.State(state.name(), "Installed", "state-ok");
            case REMOVED -> new PageModels.State(state.name(), "Removed by the upstream", "state-bad");
            case REJECTED -> new PageModels.State(state.name(), "Rejected by the upstream", "state-bad");
        };
    }

    private static PageModels.State syncState(String state) {
        return switch (state) {
            case "SYNCHRONIZED" -> new PageModels.State(state, "Synchronized", "state-ok");
            case "SYNCHRONIZING" -> new PageModels.State(state, "Synchronizing", "state-busy");
            case "LAGGING" -> new PageModels.State(state, "Lagging", "state-warn");
            default -> new PageModels.State(state, "Not synchronizing", "state-off");
        };
    }

    /**
     * The worst lag without the repository's name: the page needs no sign-in, and which private
     * repositories exist is not for everyone. Administrators of the primary read the names from
     * {@code GET /rest/mirroring/latest/progress} with their credentials.
     */
    /** The recent sync rate and the time left while repositories are behind; empty otherwise. */
    private static String pace(MirrorStatus.Progress progress) {
        if (progress.behind() == 0 || progress.syncsPerSecond() <= 0) {
            return "";
        }
        return String.format(java.util.Locale.ROOT, "%.1f a second, about %s left", progress.syncsPerSecond(),
                Pages.duration(progress.timeLeft().orElseThrow()));
    }

    private static String worstLag(MirrorStatus.Progress progress) {
        return progress.behind() == 0 ? "" : Pages.duration(Duration.ofMillis(progress.worstLagMillis()));
    }
}
