package dev.facet.web;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.facet.core.access.Authenticator;
import dev.facet.core.access.LocalGitAuthorizer;
import dev.facet.core.identity.InstanceIdentity;
import dev.facet.core.identity.RequestTokens;
import dev.facet.git.ClonePackCache;
import dev.facet.git.GitSeams;
import dev.facet.primary.ForwardedSshPushes;
import dev.facet.git.HttpGitSessions;
import dev.facet.git.UploadPackErrors;
import dev.facet.primary.AccessKeyService;
import dev.facet.primary.MirrorAdmission;
import dev.facet.primary.MirrorEventStream;
import dev.facet.primary.MirrorFetchTokens;
import dev.facet.primary.MirrorRegistry;
import dev.facet.primary.GlobalPermissionService;
import dev.facet.primary.GroupService;
import dev.facet.primary.MirrorSyncReports;
import dev.facet.primary.PermissionService;
import dev.facet.primary.ProjectService;
import dev.facet.primary.ProjectTokenService;
import dev.facet.primary.RefService;
import dev.facet.primary.SshKeyService;
import dev.facet.primary.UserService;
import dev.facet.primary.WebhookService;
import java.util.List;
import org.eclipse.jgit.http.server.GitServlet;

/** The primary's HTTP server: REST API, Git smart HTTP at {@code /scm/*}, status and metrics, in one Jetty. */
public final class PrimaryWebServer {
    private final HttpServer server;

    public PrimaryWebServer(WebSettings settings, ProjectService projects, RefService refs, PermissionService permissions,
                            UserService users, GroupService groups, GlobalPermissionService globalPermissions,
                            ProjectTokenService projectTokens, SshKeyService sshKeys, AccessKeyService accessKeys,
                            Authenticator authenticator,
                            MirrorRegistry mirrors,
                            MirrorAdmission admission, MirrorEventStream mirrorEvents, MirrorFetchTokens fetchTokens,
                            RequestTokens requestTokens, InstanceIdentity identity, GitSeams gitSeams,
                            ClonePackCache clonePackCache, FacetMetrics metrics, WebhookService webhooks,
                            MirrorSyncReports syncReports, java.util.function.Supplier<java.util.Optional<String>> sshBaseUrl,
                            ForwardedSshPushes sshPushes, LfsApi lfs) {
        RequestAuthentication authentication = new RequestAuthentication(authenticator);
        LocalGitAuthorizer gitAuthorizer = new LocalGitAuthorizer(authenticator, permissions);

        GitServlet git = new GitServlet();
        git.setRepositoryResolver(HttpGitSessions.resolver(gitSeams.repositories()));
        git.setUploadPackFactory(HttpGitSessions.uploadPacks(gitSeams.uploadPacks()));
        git.setUploadPackErrorHandler(new UploadPackErrors());
        git.setReceivePackFactory(HttpGitSessions.receivePacks(gitSeams.receivePacks()));

        ObjectMapper json = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);
        PrimaryRoutes routes = new PrimaryRoutes(projects, refs, permissions, users, groups, globalPermissions,
                authentication, metrics, this::baseUrl, sshBaseUrl, lfs.objects()::usage, json);
        ProjectTokenRoutes projectTokenRoutes = new ProjectTokenRoutes(projectTokens, json);
        SshKeyRoutes sshKeyRoutes = new SshKeyRoutes(sshKeys, json);
        AccessKeyRoutes accessKeyRoutes = new AccessKeyRoutes(accessKeys, json);
        MirroringRoutes mirroring = new MirroringRoutes(mirrors, admission, mirrorEvents, fetchTokens, requestTokens,
                json, identity, syncReports, sshPushes);
        WebhookRoutes webhookRoutes = new WebhookRoutes(webhooks, json);
        PageAccess access = new PageAccess(new BrowserSessions(java.time.Clock.systemUTC(), "facet", settings.isHttps(),
                users::sessionCaller));
        PrimaryPages pages = new PrimaryPages(users, mirrors, admission, access, java.time.Clock.systemUTC(), json,
                identity.publicKeyJwk());
        ProjectPages projectPages = new ProjectPages(projects, mirrors, access, this::baseUrl, sshBaseUrl,
                lfs.objects()::usage);
        UserPages userPages = new UserPages(users, permissions, projects, access);
        AccountPages accountPages = new AccountPages(users, access);

        this.server = new HttpServer(settings, json, metrics,
                List.of(new LfsFilter(lfs.authorizer(gitAuthorizer), lfs.objects(), lfs.locks(), lfs.tokens(),
                        lfs.maxObjectBytes(), this::baseUrl, json, mirroring::signLfsAnswer),
                        new GitAccessFilter(gitAuthorizer),
                        clonePackCache), git,
                config -> {
                    CrossSiteRequests.register(config);
                    routes.register(config);
                    projectTokenRoutes.register(config);
                    sshKeyRoutes.register(config);
                    accessKeyRoutes.register(config);
                    mirroring.register(config);
                    webhookRoutes.register(config);
                    pages.register(config);
                    projectPages.register(config);
                    userPages.register(config);
                    accountPages.register(config);
                });
    }

    public void start() {
        server.start();
    }

    /** Stops accepting requests, lets running ones finish for a few seconds, then closes. */
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
