package dev.facet.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.access.Caller;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.identity.AnswerBinding;
import dev.facet.core.identity.InstanceIdentity;
import dev.facet.core.identity.KeyLookup;
import dev.facet.core.identity.RequestBinding;
import dev.facet.core.identity.RequestTokens;
import dev.facet.core.identity.TokenRejected;
import dev.facet.core.mirror.RequestState;
import dev.facet.core.mirror.protocol.AuthorizationRequest;
import dev.facet.core.mirror.protocol.CredentialCheck;
import dev.facet.core.mirror.protocol.FarmNodeDescription;
import dev.facet.core.mirror.protocol.Heartbeat;
import dev.facet.core.mirror.protocol.ServedRepositories;
import dev.facet.core.name.ProjectKey;
import dev.facet.primary.MirrorAdmission;
import dev.facet.primary.MirrorEventStream;
import dev.facet.primary.MirrorFetchTokens;
import dev.facet.primary.MirrorRegistry;
import dev.facet.primary.MirrorSigner;
import dev.facet.primary.MirrorSyncReports;
import dev.facet.primary.Page;
import dev.facet.primary.RepositoryMirrors;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import dev.facet.core.digest.Sha256;
import dev.facet.core.identity.BodyDigest;
import dev.facet.core.mirror.protocol.ForwardedSshLogin;
import dev.facet.primary.ForwardedSshPushes;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Base64;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's mirroring API: the admin side (requests, decisions, registered mirrors) and the
 * mirror side, where every request is a one-time JWT signed by the mirror's key (a farm's: by
 * one of its nodes' keys).
 */
final class MirroringRoutes {
    private static final Logger log = LoggerFactory.getLogger(MirroringRoutes.class);
    static final String API = "/rest/mirroring/latest";
    static final String SSH_PUSHES = API + "/ssh-pushes/";
    /** The forwarded login that heads a forwarded push is small JSON; anything longer is not one. */
    private static final int MAX_LOGIN_BYTES = 64 * 1024;
    private static final long MAX_WAIT_SECONDS = 55;
    private static final String REQUESTER = "facet.mirror-requester";

    private final MirrorRegistry registry;
    private final MirrorAdmission admission;
    private final MirrorEventStream events;
    private final MirrorFetchTokens fetchTokens;
    private final RequestTokens tokens;
    private final ObjectMapper json;
    private final String publicKey;
    private final InstanceIdentity identity;
    private final RepositoryMirrors repositoryMirrors;
    private final MirrorSyncReports syncReports;
    private final ForwardedSshPushes sshPushes;

    MirroringRoutes(MirrorRegistry registry, MirrorAdmission admission, MirrorEventStream events,
                    MirrorFetchTokens fetchTokens, RequestTokens tokens, ObjectMapper json, InstanceIdentity identity,
                    MirrorSyncReports syncReports, ForwardedSshPushes sshPushes) {
        this.sshPushes = sshPushes;
        this.identity = identity;
        this.repositoryMirrors = new RepositoryMirrors(registry, tokens, identity);
        this.syncReports = syncReports;
        this.admission = admission;
        this.registry = registry;
        this.events = events;
        this.fetchTokens = fetchTokens;
        this.tokens = tokens;
        this.json = json;
        this.publicKey = identity.publicKeyJwk();
    }

    void register(RoutesConfig routes) {
        routes.get(API + "/instance", ctx -> ctx.json(MirroringJson.Identity.of(registry.instanceId(), publicKey)));
        routes.after(API + "/*", this::signAnswer);

        // Mirror side: signed by the mirror.
        routes.post(API + "/requests", ctx -> {
            admission.countRequestFrom(ctx.ip());
            AuthorizationRequest request = PrimaryRoutes.body(json, ctx, AuthorizationRequest.class);
            // Self-signed: the key in the request proves only that the sender holds it; admission
            // decides whether that key may ask under this mirror id (and, for a farm, this node id).
            MirrorSigner claimed = MirrorAdmission.claimedSigner(request);
            MirrorSigner signer = verify(ctx, issuer -> issuer.equals(claimed.nodeId()) ? Optional.of(claimed)
                    : Optional.empty());
            ctx.status(201).json(admission.submit(signer, request, ctx.ip()));
        });
        routes.get(API + "/requests/{id}/status", ctx -> {
            String requestId = ctx.pathParam("id");
            ctx.json(admission.requestStatus(verify(ctx, issuer -> admission.signerOfRequest(issuer, requestId)),
                    requestId));
        });
        routes.get(API + "/events", ctx -> {
            String mirrorId = verify(ctx, admission::signerOf).mirrorId();
            long after = QueryParameters.wholeNumber(ctx, "after", 0, 0, Long.MAX_VALUE);
            long wait = Math.min(MAX_WAIT_SECONDS, QueryParameters.wholeNumber(ctx, "waitSeconds", 0, 0, Long.MAX_VALUE));
            ctx.future(() -> events.events(mirrorId, after, Duration.ofSeconds(wait)).thenAccept(ctx::json));
        });
        // Facet's digest protocol: one comparison when nothing changed, a descent into what differs otherwise.
        routes.get(API + "/selection-digest", ctx -> ctx.json(events.selectionDigest(
                verify(ctx, admission::signerOf).mirrorId())));
        routes.get(API + "/project-digests", ctx -> {
            String mirrorId = verify(ctx, admission::signerOf).mirrorId();
            String after = ctx.queryParam("after");
            ctx.json(events.projectDigests(mirrorId, after == null || after.isEmpty() ? null
                    : ProjectKey.of(after).value(), stateLimit(ctx)));
        });
        routes.get(API + "/repo-hashes", ctx -> {
            String mirrorId = verify(ctx, admission::signerOf).mirrorId();
            String project = ctx.queryParam("project");
            if (project == null) {
                // Mirrors from before the digest protocol page by offset over every repository.
                ctx.json(events.repositoryStates(mirrorId, PrimaryRoutes.start(ctx), stateLimit(ctx)));
            } else {
                ctx.json(events.repositoryStates(mirrorId, ProjectKey.of(project),
                        QueryParameters.wholeNumber(ctx, "after", 0, 0, Long.MAX_VALUE), stateLimit(ctx)));
            }
        });
        routes.post(API + "/heartbeat", ctx -> {
            MirrorSigner signer = verify(ctx, admission::signerOf);
            ctx.json(registry.heartbeat(signer, PrimaryRoutes.body(json, ctx, Heartbeat.class)));
        });
        // Facet's own: the states a mirror now serves, which mirror:repo_synchronized webhooks announce.
        routes.post(API + "/served", ctx -> {
            String mirrorId = verify(ctx, admission::signerOf).mirrorId();
            syncReports.report(mirrorId, PrimaryRoutes.body(json, ctx, ServedRepositories.class));
            ctx.json(Map.of());
        });
        routes.post(API + "/authenticate", ctx -> {
            String mirrorId = verify(ctx, admission::signerOf).mirrorId();
            ctx.json(registry.checkCredentials(mirrorId, PrimaryRoutes.body(json, ctx, CredentialCheck.class), ctx.ip()));
        });
        // Facet's own: a push over SSH a mirror forwards, decided here by the pushing user's own login signature.
        routes.post(SSH_PUSHES + "{project}/{slug}", this::receiveSshPush);
        routes.post(API + "/fetch-token", ctx -> ctx.json(fetchTokens.issue(verify(ctx, admission::signerOf)
                .mirrorId())));
        // Facet's own: a farm's trusted node registers the key of a node that joined it.
        routes.post(API + "/nodes", ctx -> {
            MirrorSigner voucher = verify(ctx, admission::signerOf);
            MirrorAdmission.Vouched vouched = admission.vouch(voucher,
                    PrimaryRoutes.body(json, ctx, FarmNodeDescription.class), ctx.ip());
            ctx.status(vouched.added() ? 201 : 200).json(MirroringJson.NodeJson.of(registry.nodeView(vouched.node())));
        });

        // Admin side.
        routes.get(API + "/requests", ctx -> ctx.json(RestJson.Paged.of(admission.requests(caller(ctx),
                requestState(ctx.queryParam("state")), PrimaryRoutes.start(ctx), PrimaryRoutes.limit(ctx)),
                MirroringJson.MirrorRequestJson::of)));
        routes.get(API + "/requests/{id}", ctx ->
                ctx.json(MirroringJson.MirrorRequestJson.of(admission.request(caller(ctx), ctx.pathParam("id")))));
        // As Bitbucket's, the answer to an acceptance is the mirror server it registered.
        routes.post(API + "/requests/{id}/accept", ctx -> {
            Caller caller = caller(ctx);
            String mirrorId = admission.accept(caller, ctx.pathParam("id")).mirrorId();
            ctx.json(MirroringJson.MirrorServerJson.of(registry.server(caller, mirrorId)));
        });
        routes.post(API + "/requests/{id}/reject", ctx ->
                ctx.json(MirroringJson.MirrorRequestJson.of(admission.reject(caller(ctx), ctx.pathParam("id")))));
        routes.get(API + "/mirrorServers", ctx -> ctx.json(RestJson.Paged.of(registry.servers(caller(ctx),
                PrimaryRoutes.start(ctx), PrimaryRoutes.limit(ctx)), MirroringJson.MirrorServerJson::of)));
        routes.get(API + "/mirrorServers/{id}", ctx ->
                ctx.json(MirroringJson.MirrorServerJson.of(registry.server(caller(ctx), ctx.pathParam("id")))));
        routes.delete(API + "/mirrorServers/{id}", ctx ->
                ctx.json(MirroringJson.MirrorServerJson.of(registry.delete(caller(ctx), ctx.pathParam("id")))));
        routes.delete(API + "/mirrorServers/{id}/nodes/{nodeId}", ctx -> ctx.json(MirroringJson.MirrorServerJson.of(
                registry.removeNode(caller(ctx), ctx.pathParam("id"), ctx.pathParam("nodeId")))));
        routes.post(API + "/mirrorServers/{id}/restore", ctx ->
                ctx.json(MirroringJson.MirrorServerJson.of(registry.restore(caller(ctx), ctx.pathParam("id")))));
        // Anyone who may read a repository: which mirrors carry it, with pre-authorized links to them.
        routes.get(API + "/repos/{repoId}/mirrors", ctx -> ctx.json(RestJson.Paged.of(repositoryMirrors.of(caller(ctx),
                QueryParameters.pathId(ctx, "repoId"), PrimaryRoutes.start(ctx),
                PrimaryRoutes.limit(ctx)), MirroringJson.MirroredRepositoryDescriptorJson::of)));
        routes.get(API + "/account/settings/preferred-mirror", ctx ->
                ctx.json(MirroringJson.MirrorServerBrief.of(registry.preferredMirror(caller(ctx)))));
        routes.post(API + "/account/settings/preferred-mirror", ctx -> {
            registry.preferMirror(caller(ctx), mirrorIdIn(ctx.body()));
            ctx.status(204);
        });
        routes.delete(API + "/account/settings/preferred-mirror", ctx -> {
            registry.forgetPreferredMirror(caller(ctx));
            ctx.status(204);
        });
        routes.get(API + "/audit", ctx -> ctx.json(RestJson.Paged.of(registry.audit(caller(ctx),
                PrimaryRoutes.start(ctx), PrimaryRoutes.limit(ctx)), MirroringJson.AuditJson::of)));
        routes.put(API + "/mirrorServers/{id}/projects", ctx -> {
            MirroringJson.Selection selection = PrimaryRoutes.body(json, ctx, MirroringJson.Selection.class);
            Set<ProjectKey> projects = new LinkedHashSet<>();
            if (selection.projects() != null) {
                selection.projects().forEach(key -> projects.add(ProjectKey.of(key)));
            }
            boolean all = selection.allProjects() == null ? projects.isEmpty() : selection.allProjects();
            ctx.json(MirroringJson.MirrorServerJson.of(registry.select(caller(ctx), ctx.pathParam("id"), all, projects)));
        });
    }

    /** Whether a request to this path carries a mirror's signed token rather than a user's credentials. */
    static boolean isSignedByMirror(String path, String authorization) {
        return path.startsWith(API) && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && authorization.chars().filter(c -> c == '.').count() == 2;
    }

    /**
     * The one place where a mirror's request is checked: its token must be signed by a known key,
     * for this instance, fresh, never seen, and for this very method, target and body. The key is
     * the signer's as {@code signers} finds it (a single mirror's, or a farm node's), and the
     * answer is who signed: the node, and the mirror server it acts for.
     */
    private MirrorSigner verify(Context ctx, Function<String, Optional<MirrorSigner>> signers) {
        return verify(ctx, signers, received(ctx));
    }

    private MirrorSigner verify(Context ctx, Function<String, Optional<MirrorSigner>> signers, RequestBinding received) {
        String token = mirrorToken(ctx);
        AtomicReference<MirrorSigner> found = new AtomicReference<>();
        KeyLookup keys = issuer -> signers.apply(issuer).map(signer -> {
            found.set(signer);
            return signer.publicKey();
        });
        RequestTokens.Verified verified = tokens.verify(token, registry.instanceId(), keys, received);
        MirrorSigner signer = found.get();
        registry.noteClockSkew(signer, verified.clockSkew());
        log.debug("{} {} signed by {}", ctx.method(), ctx.path(), signer.describe());
        return signer;
    }

    /**
     * The mirror's token from the {@code Authorization} header. Its requester is noted before any check: a refusal
     * is signed too, so the mirror can tell the primary's "no" from a forged one.
     */
    private static String mirrorToken(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new TokenRejected(TokenRejected.Reason.MALFORMED,
                    "This endpoint needs a request signed by a mirror (Authorization: Bearer <token>).");
        }
        String token = header.substring(7).strip();
        RequestTokens.requesterOf(token).ifPresent(requester -> ctx.attribute(REQUESTER, requester));
        return token;
    }

    /**
     * A forwarded push: the body (the client's login, then its Git request) goes to a temporary file as it
     * arrives, digested on the way, and is read only once the mirror's token is found to be signed for it.
     */
    private void receiveSshPush(Context ctx) throws IOException {
        String token = mirrorToken(ctx);
        // Nothing of a body up to the push size limit is taken before a registered mirror is found to have signed
        // for it; that the token names this very body is checked once it has arrived.
        tokens.requireSignedAndTimely(token, registry.instanceId(),
                issuer -> admission.signerOf(issuer).map(MirrorSigner::publicKey));
        Path body = Files.createTempFile("facet-ssh-push-", ".req");
        try {
            MessageDigest digest = Sha256.newDigest();
            long limit = sshPushes.maxRequestBytes();
            try (InputStream in = new DigestInputStream(ctx.req().getInputStream(), digest);
                 OutputStream out = Files.newOutputStream(body)) {
                long copied = in.transferTo(new BoundedOutput(out, limit));
                log.debug("forwarded push of {} bytes", copied);
            }
            String query = ctx.queryString();
            RequestBinding received = new RequestBinding(ctx.method().name(),
                    ctx.path() + (query == null ? "" : "?" + query),
                    new BodyDigest(Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest())));
            String mirrorId = verify(ctx, admission::signerOf, received).mirrorId();
            try (InputStream in = new BufferedInputStream(Files.newInputStream(body))) {
                int length = new DataInputStream(in).readInt();
                if (length <= 0 || length > MAX_LOGIN_BYTES) {
                    throw new InvalidInput(null, "A forwarded push starts with the client's login, at most "
                            + MAX_LOGIN_BYTES + " bytes of JSON.");
                }
                ForwardedSshLogin login = json.readValue(in.readNBytes(length), ForwardedSshLogin.class);
                if (login == null) {
                    throw new InvalidInput(null, "A forwarded push starts with the client's login as a JSON object.");
                }
                ctx.json(sshPushes.receive(mirrorId, login.proof(), ctx.pathParam("project"), ctx.pathParam("slug"),
                        login.clientAddress(), in));
            } catch (java.io.EOFException e) {
                throw new InvalidInput(null, "The forwarded push ends before its login does.");
            }
        } finally {
            Files.deleteIfExists(body);
        }
    }

    /** Refuses a body past its limit as soon as it passes it, rather than filling the disk first. */
    private static final class BoundedOutput extends java.io.FilterOutputStream {
        private final long limit;
        private long written;

        BoundedOutput(OutputStream out, long limit) {
            super(out);
            this.limit = limit;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            written += length;
            if (written > limit) {
                throw new InvalidInput(null, "The forwarded push is larger than the " + limit + " bytes allowed.");
            }
            out.write(bytes, offset, length);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }
    }

    /**
     * Signs the answer to a mirror's Git LFS batch request, which its fetch token authorized, once the token in
     * {@code Facet-Mirror-Request} proves that a registered mirror sent this very request.
     */
    Optional<String> signLfsAnswer(String requestToken, RequestBinding received, int status, byte[] body) {
        KeyLookup keys = issuer -> admission.signerOf(issuer).map(MirrorSigner::publicKey);
        tokens.verify(requestToken, registry.instanceId(), keys, received);
        return RequestTokens.requesterOf(requestToken).map(requester -> tokens.signAnswer(identity,
                requester.instanceId(), requester.requestReference(), AnswerBinding.of(status, body)));
    }

    /** The request as it arrived: what the mirror's token must have been signed for. */
    private static RequestBinding received(Context ctx) {
        String query = ctx.queryString();
        return RequestBinding.of(ctx.method().name(), ctx.path() + (query == null ? "" : "?" + query),
                ctx.bodyAsBytes());
    }

    /**
     * Signs the answer to a mirror's request, whatever its status, over that status and the body as
     * it leaves: the mirror checks on every exchange that its pinned primary said exactly this.
     * Runs after the handler and the error mapping, when both are final.
     */
    private void signAnswer(Context ctx) throws IOException {
        RequestTokens.Requester requester = ctx.attribute(REQUESTER);
        if (requester == null) {
            return;
        }
        InputStream result = ctx.resultInputStream();
        byte[] body = result == null ? new byte[0] : result.readAllBytes();
        ctx.result(body);
        ctx.header(RequestTokens.ANSWER_HEADER, tokens.signAnswer(identity, requester.instanceId(),
                requester.requestReference(), AnswerBinding.of(ctx.statusCode(), body)));
    }

    private static Caller caller(Context ctx) {
        return PrimaryRoutes.caller(ctx);
    }

    /** The body of a preferred-mirror choice: the mirror's id as a JSON string, as Bitbucket takes it, or bare. */
    private String mirrorIdIn(String body) {
        String text = body == null ? "" : body.strip();
        if (text.startsWith("\"")) {
            try {
                return json.readValue(text, String.class);
            } catch (IOException e) {
                throw new InvalidInput(null, "The body must be the mirror's id as a JSON string.");
            }
        }
        return text;
    }

    private static RequestState requestState(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return RequestState.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("state", "Unknown state '" + raw + "'; use PENDING, ACCEPTED or REJECTED.");
        }
    }

    private static int stateLimit(Context ctx) {
        return (int) Math.min(Page.MAX_LIMIT, Math.max(1, QueryParameters.wholeNumber(ctx, "limit", 500, 0, Long.MAX_VALUE)));
    }
}
