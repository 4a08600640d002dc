package dev.facet.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.access.GitRequestAuthorizer;
import dev.facet.core.error.Conflict;
import dev.facet.core.error.NotFound;
import dev.facet.core.error.PermissionDenied;
import dev.facet.core.error.Unavailable;
import dev.facet.core.identity.InstancePublicKey;
import dev.facet.core.identity.KeyFingerprint;
import dev.facet.core.mirror.UpstreamAlert;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.git.AdvertisedRefsCache;
import dev.facet.git.AuthorizedRepositoryResolver;
import dev.facet.git.ClonePackCache;
import dev.facet.git.GitOperationObserver;
import dev.facet.git.PushSizeLimit;
import dev.facet.git.HostedUploadPackFactory;
import dev.facet.git.HttpGitSessions;
import dev.facet.git.UploadPackErrors;
import dev.facet.git.RepositoryStore;
import dev.facet.mirror.FarmMembership;
import dev.facet.mirror.MirrorNode;
import dev.facet.mirror.MirrorStatus;
import dev.facet.mirror.PeerReads;
import dev.facet.mirror.PreAuthorizedReads;
import dev.facet.core.mirror.PreAuthorizedLinks;
import dev.facet.core.mirror.protocol.Heartbeat;
import dev.facet.mirror.Readiness;
import dev.facet.mirror.UpstreamLfs;
import dev.facet.mirror.UpstreamUnavailable;
import io.javalin.config.RoutesConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.transport.resolver.ServiceNotEnabledException;

/**
 * A mirror's HTTP server: Git reads and Git LFS downloads served from its own disk, pushes, LFS
 * uploads and LFS locks forwarded to the primary,
 * and the status endpoints load balancers and admins read. Nothing here lets another server
 * change the mirror's state.
 */
public final class MirrorWebServer {
    private static final String API = "/rest/mirroring/latest";

    private final HttpServer server;

    /** The mirror's view of its upstream, as {@code GET upstreamServer} shows it. */
    record UpstreamServerJson(String id, String baseUrl, String state, String requestId, String pinnedInstanceId,
                              String pinnedKeyFingerprint, String reviewUrl, List<AlertJson> alerts) {
        static UpstreamServerJson of(UpstreamLink link, List<UpstreamAlert> alerts) {
            boolean installed = link.state() == UpstreamState.INSTALLED;
            return new UpstreamServerJson(link.upstreamInstanceId(), link.upstreamUrl(), link.state().name(),
                    link.requestId(), installed ? link.upstreamInstanceId() : null,
                    installed && link.upstreamPublicKey() != null
                            ? new InstancePublicKey(link.upstreamPublicKey()).fingerprint() : null,
                    link.requestId() == null ? null : link.upstreamUrl() + "/admin/mirrors?request=" + link.requestId(),
                    alerts.stream().map(AlertJson::of).toList());
        }
    }

    /** An open alert as the mirror shows it, with the step that resolves it. */
    record AlertJson(String kind, long raisedDate, String details, String resolution) {
        static AlertJson of(UpstreamAlert alert) {
            return new AlertJson(alert.kind().name(), alert.raisedAt().toEpochMilli(), alert.details(),
                    alert.kind().resolution());
        }
    }

    /**
     * The body of {@code POST upstreamServer/accept-upstream}, optional: the key fingerprint an
     * administrator read on the primary, needed only when the upstream presents another identity.
     */
    record AcceptUpstreamJson(String keyFingerprint) {
        Optional<KeyFingerprint> typed() {
            return Optional.ofNullable(keyFingerprint).map(KeyFingerprint::new);
        }
    }

    /**
     * One node of {@code GET farmNodes}, in Bitbucket's shape: its id, name, the address its peers
     * reach it at, whether it is the node answering, and the version it runs.
     */
    record FarmNodeJson(String id, String name, AddressJson address, boolean local, String buildVersion) {
        static FarmNodeJson of(FarmMembership.Member member) {
            return new FarmNodeJson(member.id(), member.name(), new AddressJson(member.hostName(), member.port()),
                    member.local(), member.buildVersion());
        }
    }

    record AddressJson(String hostName, int port) {
    }

    /**
     * What {@code /status} answers: the sync state, the open alerts if any, a farm node's member count, and
     * the counts {@code progress} gives.
     */
    record StatusJson(String state, List<AlertJson> alerts,
                      @JsonInclude(JsonInclude.Include.NON_NULL) Integer memberCount, boolean discovering,
                      int syncedRepos, int totalRepos) {
    }

    /**
     * What {@code progress} answers: Bitbucket's sync progress ({@code discovering}, {@code syncedRepos},
     * {@code totalRepos}) and Facet's counts, with the worst lags named for administrators only.
     */
    record ProgressJson(boolean discovering, int syncedRepos, int totalRepos, String state, int total, int inSync,
                        int behind, long worstLagMillis, List<Heartbeat.Lag> worstLags, double syncsPerSecond,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Long secondsLeft) {
        static ProgressJson of(MirrorStatus.Progress progress) {
            return new ProgressJson(progress.discovering(), progress.inSync(), progress.total(), progress.state(),
                    progress.total(), progress.inSync(), progress.behind(), progress.worstLagMillis(),
                    progress.worstLags(), Math.round(progress.syncsPerSecond() * 10) / 10.0,
                    progress.timeLeft().map(Duration::toSeconds).orElse(null));
        }
    }

    /**
     * The mirror's view of one of the primary's repositories ({@code mirrorRepos/{id}}), in Bitbucket's
     * shape: whether it serves it, and the URLs to clone it from here ({@code links.clone} and
     * {@code cloneUrls} alike); pushes sent here are forwarded to the primary, so they share the URL.
     */
    record MirroredRepositoryJson(boolean available, String status, String repositoryId, String mirrorName,
                                  Long lastUpdated, Map<String, List<RestJson.Link>> links,
                                  List<RestJson.Link> cloneUrls, List<RestJson.Link> pushUrls) {
        static MirroredRepositoryJson of(PreAuthorizedReads.View view) {
            List<RestJson.Link> urls = view.cloneUrl() == null ? List.of()
                    : view.sshCloneUrl() == null ? List.of(new RestJson.Link(view.cloneUrl(), "http"))
                    : List.of(new RestJson.Link(view.cloneUrl(), "http"), new RestJson.Link(view.sshCloneUrl(), "ssh"));
            return new MirroredRepositoryJson(view.available(), view.status().name(),
                    Long.toString(view.repositoryId()), view.mirrorName(),
                    view.lastUpdated() == null ? null : view.lastUpdated().toEpochMilli(), Map.of("clone", urls), urls,
                    urls);
        }
    }

    /**
     * @param lfs   the Git LFS API as this mirror serves it: downloads from its own disk, fetched once from the
     *              primary; {@code upstreamLfs} takes uploads and lock requests on to the primary
     * @param peers who may fetch this node's copies at the peer endpoint ({@link PeerGitFilter}): a farm's members,
     *              or nobody ({@link PeerReads#NONE})
     * @param advertisedRefs the refs advertised to readers, clients and peers alike
     */
    public MirrorWebServer(WebSettings settings, MirrorNode node, RepositoryStore repositories,
                           AdvertisedRefsCache advertisedRefs,
                           ClonePackCache clonePackCache, long maxPushBytes, FacetMetrics metrics,
                           MirrorMetrics mirrorMetrics, PeerReads peers, PreAuthorizedReads preAuthorized, LfsApi lfs,
                           UpstreamLfs upstreamLfs) {
        GitServlet git = readOnlyGit(repositories, advertisedRefs,
                GitOperationObserver.both(metrics, node.status().offload()));
        GitServlet peerGit = readOnlyGit(repositories, advertisedRefs, mirrorMetrics.peerUploads());
        ObjectMapper json = new ObjectMapper();
        mirrorMetrics.watchAlerts(() -> node.guard().open().size());

        // Git LFS requests may carry the credentials git-lfs-authenticate handed out over SSH as well as Git's.
        GitRequestAuthorizer lfsAuthorizer = lfs.authorizer(node.authorizer());
        this.server = new HttpServer(settings, json, metrics,
                List.of(new LfsForwardingFilter(lfsAuthorizer, upstreamLfs, node.status().offload(), this::baseUrl,
                                json),
                        new LfsFilter(lfsAuthorizer, lfs.objects(), lfs.locks(), lfs.tokens(), lfs.maxObjectBytes(),
                                this::baseUrl, json, LfsAnswerSigning.NONE),
                        new GitAccessFilter(node.authorizer()), new ReadGateFilter(node.readGate()),
                        new PushSizeLimit(maxPushBytes), node.pushForwarder(), clonePackCache), git,
                List.of(new HttpServer.GitMount(PeerGitFilter.MOUNT + "/*", List.of(new PeerGitFilter(peers)),
                        peerGit)),
                routes -> register(routes, node, metrics, mirrorMetrics, settings.isHttps(), json, preAuthorized));
    }

    /** Git reads from this node's disk, counted by {@code observer}; a push here is forwarded, never received. */
    private static GitServlet readOnlyGit(RepositoryStore repositories, AdvertisedRefsCache advertisedRefs,
                                          GitOperationObserver observer) {
        GitServlet git = new GitServlet();
        git.setRepositoryResolver(HttpGitSessions.resolver(new AuthorizedRepositoryResolver(repositories)));
        git.setUploadPackFactory(HttpGitSessions.uploadPacks(new HostedUploadPackFactory(observer, advertisedRefs)));
        git.setUploadPackErrorHandler(new UploadPackErrors());
        git.setReceivePackFactory((request, repository) -> {
            throw new ServiceNotEnabledException("Pushes to a mirror are forwarded to the primary.");
        });
        return git;
    }

    /**
     * Sends a new authorization request for an administrator of the primary, checked there: an
     * anonymous caller must not be able to make the mirror ask again (and so choose when it does).
     *
     * @param clientAddress where the credentials came from, named in the audit trail
     * @return the administrator's name
     * @throws Conflict when the mirror is installed or already waiting for a decision
     */
    static String reconnect(MirrorNode node, String authorization, String clientAddress, String how) {
        String admin = node.authorizer().requireUpstreamAdmin(authorization, clientAddress);
        try {
            node.reconnect(admin + " (" + how + ", from " + clientAddress + ")");
        } catch (IllegalStateException e) {
            throw new Conflict("state", e.getMessage());
        }
        return admin;
    }

    private void register(RoutesConfig routes, MirrorNode node, FacetMetrics metrics, MirrorMetrics mirrorMetrics,
                          boolean https, ObjectMapper json, PreAuthorizedReads preAuthorized) {
        CrossSiteRequests.register(routes);
        MirrorStatus status = node.status();
        routes.get("/status", ctx -> {
            Readiness.Report readiness = node.readiness().report();
            MirrorStatus.Progress progress = status.progress();
            ctx.status(readiness.ready() ? 200 : 503).json(new StatusJson(readiness.state(),
                    node.guard().open().stream().map(AlertJson::of).toList(), readiness.memberCount(),
                    progress.discovering(), progress.inSync(), progress.total()));
        });
        // No credentials: the primary's signed link is the permission, for this one repository and a minute.
        routes.get(API + "/mirrorRepos/{repositoryId}", ctx -> ctx.json(MirroredRepositoryJson.of(preAuthorized.read(
                linkToken(ctx), QueryParameters.pathId(ctx, "repositoryId")))));
        routes.get(API + "/farmNodes", ctx -> {
            requireUpstreamAdmin(node, status, ctx.header("Authorization"), ctx.ip());
            ctx.json(node.farmNodes().stream().map(FarmNodeJson::of).toList());
        });
        routes.get(API + "/upstreamServer", ctx -> ctx.json(UpstreamServerJson.of(status.link(), node.guard().open())));
        routes.get(API + "/progress", ctx -> ctx.json(ProgressJson.of(namesShownTo(ctx, node) ? status.progress()
                : status.progress().withoutNames())));
        routes.post(API + "/upstreamServer/reconnect", ctx -> {
            reconnect(node, ctx.header("Authorization"), ctx.ip(), "REST");
            ctx.status(202).json(UpstreamServerJson.of(status.link(), node.guard().open()));
        });
        new MirrorPages(node, https).register(routes);
        routes.post(API + "/upstreamServer/accept-upstream", ctx -> {
            String admin = node.authorizer().requireUpstreamAdmin(ctx.header("Authorization"), ctx.ip());
            Optional<KeyFingerprint> typed = ctx.body().isBlank() ? Optional.empty()
                    : PrimaryRoutes.body(json, ctx, AcceptUpstreamJson.class).typed();
            try {
                node.acceptUpstream(admin + " (REST, from " + ctx.ip() + ")", typed);
            } catch (UpstreamUnavailable e) {
                throw new Unavailable("The upstream's identity could not be read, so nothing was changed: "
                        + e.getMessage());
            }
            ctx.json(UpstreamServerJson.of(status.link(), node.guard().open()));
        });
        routes.get(API + "/audit", ctx -> {
            node.authorizer().requireUpstreamAdmin(ctx.header("Authorization"), ctx.ip());
            ctx.json(node.audit(intParam(ctx, "start", 0), Math.min(1000, Math.max(1, intParam(ctx, "limit", 25))))
                    .stream().map(MirroringJson.AuditJson::of).toList());
        });
        routes.get("/metrics", ctx -> {
            mirrorMetrics.showProgress(status.progress());
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
        });
    }

    /**
     * Lets through only an administrator of the primary, which only an installed mirror can ask.
     * Node ids and farm-network addresses are for administrators: anyone else would learn where to
     * reach the cluster behind the balancer. Before installation there is nobody to ask, so the
     * answer is Bitbucket's "no upstream" 404; {@code /status} gives the member count meanwhile.
     */
    private static void requireUpstreamAdmin(MirrorNode node, MirrorStatus status, String authorization,
                                             String clientAddress) {
        if (status.link().state() != UpstreamState.INSTALLED) {
            throw new NotFound(null, "This mirror is not installed on an upstream, so no administrator can be "
                    + "checked; GET /status shows how many nodes have joined.");
        }
        node.authorizer().requireUpstreamAdmin(authorization, clientAddress);
    }

    /**
     * Whether this caller may read the names of the repositories the mirror carries: only an
     * administrator of the primary, checked there. Anyone else sees counts; wrong credentials get 401.
     */
    private static boolean namesShownTo(io.javalin.http.Context ctx, MirrorNode node) {
        String authorization = ctx.header("Authorization");
        if (authorization == null) {
            return false;
        }
        try {
            node.authorizer().requireUpstreamAdmin(authorization, ctx.ip());
            return true;
        } catch (PermissionDenied signedInButNotAnAdministrator) {
            return false;
        }
    }

    /** The token of a pre-authorized link: in the link, as the primary wrote it, or as a bearer token. */
    private static String linkToken(io.javalin.http.Context ctx) {
        String inLink = ctx.queryParam(PreAuthorizedLinks.TOKEN_PARAMETER);
        if (inLink != null) {
            return inLink;
        }
        String authorization = ctx.header("Authorization");
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).strip() : null;
    }

    private static int intParam(io.javalin.http.Context ctx, String name, int fallback) {
        String raw = ctx.queryParam(name);
        try {
            return raw == null ? fallback : Math.max(0, Integer.parseInt(raw));
        } catch (NumberFormatException e) {
            throw new dev.facet.core.error.InvalidInput(name, "'" + name + "' must be a whole number.");
        }
    }

    public void start() {
        server.start();
    }

    public void stop() {
        server.stop();
    }

    public int port() {
        return server.port();
    }

    public String baseUrl() {
        return server.baseUrl();
    }
}
