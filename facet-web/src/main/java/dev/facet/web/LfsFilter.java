package dev.facet.web;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.Caller;
import dev.facet.core.access.Credentials;
import dev.facet.core.access.GitRequestAuthorizer;
import dev.facet.core.access.GitRequestAuthorizer.AuthorizedGitRequest;
import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.FacetException;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.error.NotFound;
import dev.facet.core.error.PermissionDenied;
import dev.facet.core.error.TooManyRequests;
import dev.facet.core.identity.RequestBinding;
import dev.facet.core.identity.RequestTokens;
import dev.facet.core.lfs.LfsContent;
import dev.facet.core.lfs.LfsLock;
import dev.facet.core.lfs.LfsLocks;
import dev.facet.core.lfs.LfsObjectRejected;
import dev.facet.core.lfs.LfsObjectTooLarge;
import dev.facet.core.lfs.LfsObjects;
import dev.facet.core.lfs.LfsOid;
import dev.facet.core.lfs.LfsPointer;
import dev.facet.core.lfs.LfsTransferTokens;
import dev.facet.core.lfs.LfsTransferTokens.Operation;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Git LFS API under {@code /scm/{project}/{repo}.git/info/lfs}: the batch API, the basic
 * transfer endpoints it points at, and the locking API. It sits before the Git filters (which
 * serve Git's smart HTTP only) and answers every request below {@code info/lfs} itself.
 * <p>
 * The batch and lock requests are authorized exactly as Git requests are, by the same
 * {@link GitRequestAuthorizer} (READ to download and list locks, WRITE to upload and lock,
 * ADMIN to release another user's lock). A transfer carries only the short-lived token the batch
 * answer gave for it, so the user's own secret is sent once per batch, never per object.
 * Where objects come from and where uploads go is {@link LfsObjects}'s business: the primary
 * keeps them, a mirror fetches what it lacks.
 */
final class LfsFilter implements Filter {
    private static final Logger log = LoggerFactory.getLogger(LfsFilter.class);
    static final Pattern PATH = Pattern.compile("^/([^/]+)/([^/]+?)(?:\\.git)?/info/lfs(/.*)?$");
    private static final Pattern OBJECT = Pattern.compile("^/objects/([^/]+)$");
    private static final Pattern UNLOCK = Pattern.compile("^/locks/([^/]+)/unlock$");
    /** The most objects one batch request may name (git-lfs sends 100). */
    static final int MAX_BATCH_OBJECTS = 1000;
    /** The largest JSON body of a batch or lock request. */
    static final int MAX_JSON_BYTES = 1024 * 1024;
    static final int DEFAULT_LOCK_LIMIT = 100;
    static final int MAX_LOCK_LIMIT = 1000;

    private final GitRequestAuthorizer authorizer;
    private final LfsObjects objects;
    private final LfsLocks locks;
    private final LfsTransferTokens tokens;
    private final long maxObjectBytes;
    private final Supplier<String> baseUrl;
    private final ObjectMapper json;
    private final LfsAnswerSigning answerSigning;

    LfsFilter(GitRequestAuthorizer authorizer, LfsObjects objects, LfsLocks locks, LfsTransferTokens tokens,
              long maxObjectBytes, Supplier<String> baseUrl, ObjectMapper json, LfsAnswerSigning answerSigning) {
        this.answerSigning = answerSigning;
        this.authorizer = authorizer;
        this.objects = objects;
        this.locks = locks;
        this.tokens = tokens;
        this.maxObjectBytes = maxObjectBytes;
        this.baseUrl = baseUrl;
        this.json = json;
    }

    /** The repository a request is for, and the part of its path after {@code info/lfs}. */
    private record Target(ProjectKey project, RepositorySlug slug, String rest) {
        String repositoryPath() {
            return project.value() + "/" + slug.value();
        }

        String lfsUrl(String base) {
            return base + "/scm/" + project.value() + "/" + slug.value() + ".git/info/lfs";
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        Matcher matcher = PATH.matcher(request.getPathInfo() == null ? "" : request.getPathInfo());
        if (!matcher.matches()) {
            chain.doFilter(request, response);
            return;
        }
        try {
            Target target;
            try {
                target = new Target(ProjectKey.of(matcher.group(1)), RepositorySlug.of(matcher.group(2)),
                        matcher.group(3) == null ? "" : matcher.group(3));
            } catch (InvalidInput e) {
                throw new NotFound("repository", "Repository not found: " + e.getMessage());
            }
            route(target, request, response);
        } catch (RuntimeException | JacksonException e) {
            answerFailure(e, request, response, json);
        }
    }

    /** The answer to a failed Git LFS request: a status and a message git-lfs shows its user, never a stack trace. */
    static void answerFailure(Exception failure, HttpServletRequest request, HttpServletResponse response,
                              ObjectMapper json) throws IOException {
        if (failure instanceof TooManyRequests e) {
            response.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
            error(response, json, 429, e.getMessage());
        } else if (failure instanceof AuthenticationRequired e) {
            response.setHeader("WWW-Authenticate", ErrorMapping.CHALLENGE);
            response.setHeader("LFS-Authenticate", ErrorMapping.CHALLENGE);
            error(response, json, 401, e.getMessage());
        } else if (failure instanceof MethodNotAllowed e) {
            error(response, json, 405, e.getMessage());
        } else if (failure instanceof LfsObjectTooLarge e) {
            error(response, json, 413, e.getMessage());
        } else if (failure instanceof LfsObjectRejected e) {
            error(response, json, 422, e.getMessage());
        } else if (failure instanceof LfsLocks.LockConflict e) {
            write(response, json, 409, new LfsJson.LockConflict(LfsJson.Lock.of(e.existing()), e.getMessage()));
        } else if (failure instanceof FacetException e) {
            error(response, json, e instanceof InvalidInput ? 422 : ErrorMapping.status(e), e.getMessage());
        } else if (failure instanceof JacksonException e) {
            error(response, json, 422, "The request body is not the JSON the Git LFS API expects: "
                    + e.getOriginalMessage());
        } else if (failure instanceof HttpException refused && refused.getCode() < 500) {
            // The container's verdict on the request (a body too slow, a bad message): the client's to fix.
            error(response, json, refused.getCode(), refusal(refused));
        } else {
            log.error("Git LFS request {} {} failed", request.getMethod(), request.getPathInfo(), failure);
            if (!response.isCommitted()) {
                error(response, json, 500, "Facet could not complete this Git LFS request; the server log has the "
                        + "details.");
            }
        }
    }

    private static String refusal(HttpException refused) {
        String reason = refused.getReason() == null || refused.getReason().isBlank() ? ""
                : " (" + refused.getReason() + ")";
        return switch (refused.getCode()) {
            case 408 -> "The request body arrived too slowly" + reason + "; nothing was stored. Try again.";
            case 413 -> "The request is too large" + reason + ".";
            default -> "The request was refused" + reason + ".";
        };
    }

    private void route(Target target, HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        String rest = target.rest();
        Matcher object = OBJECT.matcher(rest);
        Matcher unlock = UNLOCK.matcher(rest);
        if (rest.equals("/objects/batch")) {
            requireMethod(method, "POST");
            batch(target, request, response);
        } else if (rest.equals("/objects/verify")) {
            requireMethod(method, "POST");
            verify(target, request, response);
        } else if (object.matches()) {
            LfsOid oid = oidInPath(object.group(1));
            if (method.equals("GET")) {
                download(target, oid, request, response);
            } else if (method.equals("PUT")) {
                upload(target, oid, request, response);
            } else {
                throw new MethodNotAllowed(method, "GET or PUT");
            }
        } else if (rest.equals("/locks")) {
            if (method.equals("GET")) {
                listLocks(target, request, response);
            } else if (method.equals("POST")) {
                createLock(target, request, response);
            } else {
                throw new MethodNotAllowed(method, "GET or POST");
            }
        } else if (rest.equals("/locks/verify")) {
            requireMethod(method, "POST");
            verifyLocks(target, request, response);
        } else if (unlock.matches()) {
            requireMethod(method, "POST");
            unlock(target, unlock.group(1), request, response);
        } else {
            throw new NotFound("path", "No such Git LFS endpoint: " + rest + ". Facet serves objects/batch, "
                    + "objects/{oid}, objects/verify, locks, locks/verify and locks/{id}/unlock.");
        }
    }

    private static LfsOid oidInPath(String raw) {
        try {
            return LfsOid.of(raw);
        } catch (InvalidInput e) {
            throw new NotFound("oid", e.getMessage());
        }
    }

    private AuthorizedGitRequest authorize(Target target, HttpServletRequest request, AccessLevel needed) {
        return authorizer.authorize(Credentials.parse(request.getHeader("Authorization")), request.getRemoteAddr(),
                target.project(), target.slug(), needed);
    }

    private void batch(Target target, HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] raw = readBody(request);
        JsonNode body = parseJson(raw);
        String operation = body.path("operation").asText("");
        AccessLevel needed = switch (operation) {
            case "download" -> AccessLevel.READ;
            case "upload" -> AccessLevel.WRITE;
            default -> throw new InvalidInput("operation", "The batch operation must be 'download' or 'upload', not '"
                    + operation + "'.");
        };
        AuthorizedGitRequest authorized = authorize(target, request, needed);
        if (body.hasNonNull("hash_algo") && !body.get("hash_algo").asText().equals("sha256")) {
            error(response, 409, "Facet names Git LFS objects by SHA-256 only, not " + body.get("hash_algo").asText()
                    + ".");
            return;
        }
        if (body.has("transfers") && body.get("transfers").isArray()) {
            boolean basic = false;
            for (JsonNode transfer : body.get("transfers")) {
                basic |= transfer.asText().equals("basic");
            }
            if (!basic && !body.get("transfers").isEmpty()) {
                throw new InvalidInput("transfers", "Facet serves the 'basic' transfer adapter only.");
            }
        }
        JsonNode requested = body.path("objects");
        if (!requested.isArray()) {
            throw new InvalidInput("objects", "A batch request needs an 'objects' array.");
        }
        if (requested.size() > MAX_BATCH_OBJECTS) {
            error(response, 413, "A batch request may name at most " + MAX_BATCH_OBJECTS + " objects; this one names "
                    + requested.size() + ".");
            return;
        }
        Map<LfsPointer, Integer> valid = new LinkedHashMap<>();
        List<LfsJson.ObjectResult> results = new ArrayList<>();
        for (JsonNode entry : requested) {
            String oid = entry.path("oid").asText("");
            long size = entry.path("size").canConvertToLong() ? entry.path("size").asLong() : -1;
            LfsPointer pointer;
            try {
                pointer = new LfsPointer(LfsOid.of(oid), size);
            } catch (InvalidInput e) {
                results.add(objectError(oid, size, 422, e.getMessage()));
                continue;
            }
            if (pointer.size() > maxObjectBytes) {
                results.add(objectError(oid, size, 413, new LfsObjectTooLarge(pointer, maxObjectBytes).getMessage()));
                continue;
            }
            valid.put(pointer, results.size());
            results.add(null);
        }
        Map<LfsOid, Long> held;
        // Set when some objects could not be looked up now (a mirror whose primary does not answer): said per object.
        String unknownBecause = null;
        try {
            held = objects.heldOf(authorized.repositoryId(), valid.keySet());
        } catch (LfsObjects.PartlyUnknown e) {
            held = e.held();
            unknownBecause = e.getMessage();
        }
        String lfsUrl = target.lfsUrl(baseUrl.get());
        String holder = holder(authorized.caller(), request);
        for (Map.Entry<LfsPointer, Integer> entry : valid.entrySet()) {
            LfsPointer pointer = entry.getKey();
            Long heldSize = held.get(pointer.oid());
            LfsJson.ObjectResult result;
            if (needed == AccessLevel.READ) {
                if (heldSize == null && unknownBecause != null) {
                    result = objectError(pointer, 503, unknownBecause);
                } else if (heldSize == null) {
                    result = objectError(pointer, 404, "Object " + pointer.oid() + " does not exist in this repository.");
                } else if (heldSize != pointer.size()) {
                    result = objectError(pointer, 422, "Object " + pointer.oid() + " has " + heldSize + " bytes, not "
                            + pointer.size() + ".");
                } else {
                    result = new LfsJson.ObjectResult(pointer.oid().value(), pointer.size(), true,
                            Map.of("download", action(lfsUrl + "/objects/" + pointer.oid(), Operation.DOWNLOAD,
                                    authorized, target, pointer, holder)), null);
                }
            } else if (heldSize != null && heldSize == pointer.size()) {
                // Already here: no action, so the client sends nothing.
                result = new LfsJson.ObjectResult(pointer.oid().value(), pointer.size(), true, null, null);
            } else {
                LfsJson.Action upload = action(lfsUrl + "/objects/" + pointer.oid(), Operation.UPLOAD, authorized,
                        target, pointer, holder);
                Map<String, LfsJson.Action> actions = new LinkedHashMap<>();
                actions.put("upload", upload);
                actions.put("verify", new LfsJson.Action(lfsUrl + "/objects/verify", upload.header(),
                        upload.expiresIn()));
                result = new LfsJson.ObjectResult(pointer.oid().value(), pointer.size(), true, actions, null);
            }
            results.set(entry.getValue(), result);
        }
        byte[] answer = json.writeValueAsBytes(new LfsJson.BatchResponse("basic", results, "sha256"));
        String mirrorRequest = request.getHeader(RequestTokens.MIRROR_REQUEST_HEADER);
        if (mirrorRequest != null) {
            RequestBinding received = RequestBinding.of(request.getMethod(), request.getRequestURI(), raw);
            answerSigning.sign(mirrorRequest.strip(), received, 200, answer)
                    .ifPresent(signature -> response.setHeader(RequestTokens.ANSWER_HEADER, signature));
        }
        response.setStatus(200);
        response.setContentType(LfsJson.MEDIA_TYPE);
        response.setContentLength(answer.length);
        response.getOutputStream().write(answer);
    }

    private LfsJson.Action action(String href, Operation operation, AuthorizedGitRequest authorized, Target target,
                                  LfsPointer pointer, String holder) {
        String token = tokens.issue(operation, authorized.repositoryId(), target.repositoryPath(), pointer,
                operation == Operation.UPLOAD ? holder : "");
        return new LfsJson.Action(href, Map.of("Authorization", LfsTransferTokens.header(token)),
                tokens.lifetime().toSeconds());
    }

    /** Whom transfer tokens are issued to, so that one uploader's transfers are counted together. */
    private static String holder(Caller caller, HttpServletRequest request) {
        return caller.isUser() ? "user:" + caller.userId() : "address:" + request.getRemoteAddr();
    }

    private static LfsJson.ObjectResult objectError(String oid, long size, int code, String message) {
        return new LfsJson.ObjectResult(oid, Math.max(size, 0), null, null, new LfsJson.ObjectError(code, message));
    }

    private static LfsJson.ObjectResult objectError(LfsPointer pointer, int code, String message) {
        return objectError(pointer.oid().value(), pointer.size(), code, message);
    }

    private void download(Target target, LfsOid oid, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        LfsTransferTokens.Grant grant = tokens.check(request.getHeader("Authorization"), Operation.DOWNLOAD,
                target.repositoryPath(), oid);
        LfsContent content = objects.openGranted(grant.repositoryId(), grant.pointer());
        try (InputStream in = content.stream()) {
            response.setStatus(200);
            response.setContentType("application/octet-stream");
            response.setContentLengthLong(content.size());
            OutputStream out = response.getOutputStream();
            in.transferTo(out);
        }
    }

    private void upload(Target target, LfsOid oid, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        LfsTransferTokens.Grant grant = tokens.check(request.getHeader("Authorization"), Operation.UPLOAD,
                target.repositoryPath(), oid);
        LfsPointer pointer = grant.pointer();
        if (pointer.size() > maxObjectBytes) {
            throw new LfsObjectTooLarge(pointer, maxObjectBytes);
        }
        long declared = request.getContentLengthLong();
        if (declared >= 0 && declared != pointer.size()) {
            throw new LfsObjectRejected("Object " + oid + " was announced with " + pointer.size()
                    + " bytes but the upload declares " + declared + "; nothing was stored.");
        }
        objects.receive(grant.repositoryId(), pointer, request.getInputStream(),
                grant.holder().isEmpty() ? "address:" + request.getRemoteAddr() : grant.holder());
        response.setStatus(200);
    }

    private void verify(Target target, HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonNode body = readJson(request);
        LfsOid oid = LfsOid.of(body.path("oid").asText(""));
        long size = body.path("size").asLong(-1);
        LfsTransferTokens.Grant grant = tokens.checkVerify(request.getHeader("Authorization"), target.repositoryPath(),
                oid);
        Long held = objects.held(grant.repositoryId(), List.of(oid)).get(oid);
        if (held == null) {
            throw new NotFound("oid", "Object " + oid + " was not stored.");
        }
        if (held != size) {
            throw new LfsObjectRejected("Object " + oid + " has " + held + " bytes, not " + size + ".");
        }
        write(response, 200, Map.of("message", "Object " + oid + " is stored."));
    }

    private void listLocks(Target target, HttpServletRequest request, HttpServletResponse response) throws IOException {
        AuthorizedGitRequest authorized = authorize(target, request, AccessLevel.READ);
        Optional<String> path = Optional.ofNullable(request.getParameter("path")).filter(p -> !p.isEmpty());
        Optional<Long> id = Optional.ofNullable(request.getParameter("id")).filter(p -> !p.isEmpty())
                .map(value -> number("id", value));
        Optional<Long> cursor = Optional.ofNullable(request.getParameter("cursor")).filter(p -> !p.isEmpty())
                .map(value -> number("cursor", value));
        int limit = limit(Optional.ofNullable(request.getParameter("limit")).filter(p -> !p.isEmpty())
                .map(value -> number("limit", value)));
        LfsLocks.Page page = locks.list(authorized.repositoryId(), path, id, cursor, limit);
        write(response, 200, new LfsJson.LockList(page.locks().stream().map(LfsJson.Lock::of).toList(),
                page.nextCursor().map(String::valueOf).orElse(null)));
    }

    private void createLock(Target target, HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonNode body = readJson(request);
        AuthorizedGitRequest authorized = authorize(target, request, AccessLevel.WRITE);
        LfsLock lock = locks.lock(authorized.caller(), authorized.repositoryId(), body.path("path").asText(""));
        write(response, 201, new LfsJson.LockCreated(LfsJson.Lock.of(lock)));
    }

    private void verifyLocks(Target target, HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonNode body = readJson(request);
        AuthorizedGitRequest authorized = authorize(target, request, AccessLevel.WRITE);
        Optional<Long> cursor = body.hasNonNull("cursor") && !body.get("cursor").asText().isEmpty()
                ? Optional.of(number("cursor", body.get("cursor").asText())) : Optional.empty();
        int limit = limit(body.hasNonNull("limit") ? Optional.of(body.get("limit").asLong()) : Optional.empty());
        LfsLocks.Page page = locks.list(authorized.repositoryId(), Optional.empty(), Optional.empty(), cursor, limit);
        Caller caller = authorized.caller();
        List<LfsJson.Lock> ours = new ArrayList<>();
        List<LfsJson.Lock> theirs = new ArrayList<>();
        for (LfsLock lock : page.locks()) {
            (caller.isUser() && caller.userId() == lock.ownerId() ? ours : theirs).add(LfsJson.Lock.of(lock));
        }
        write(response, 200, new LfsJson.LockVerifyList(ours, theirs, page.nextCursor().map(String::valueOf).orElse(null)));
    }

    private void unlock(Target target, String rawId, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        JsonNode body = readJson(request);
        boolean force = body.path("force").asBoolean(false);
        AuthorizedGitRequest authorized = authorize(target, request, AccessLevel.WRITE);
        long id;
        try {
            id = Long.parseLong(rawId);
        } catch (NumberFormatException e) {
            throw new NotFound("id", "This repository has no lock " + rawId + ".");
        }
        if (force) {
            try {
                authorize(target, request, AccessLevel.ADMIN);
            } catch (PermissionDenied e) {
                throw new PermissionDenied("Only an administrator of this repository can release another user's lock.");
            }
        }
        LfsLock lock = locks.unlock(authorized.caller(), authorized.repositoryId(), id, force);
        write(response, 200, new LfsJson.LockCreated(LfsJson.Lock.of(lock)));
    }

    private static long number(String field, String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new InvalidInput(field, "'" + field + "' must be a whole number, not '" + value + "'.");
        }
    }

    private static int limit(Optional<Long> requested) {
        long limit = requested.orElse((long) DEFAULT_LOCK_LIMIT);
        if (limit < 1) {
            throw new InvalidInput("limit", "'limit' must be at least 1.");
        }
        return (int) Math.min(limit, MAX_LOCK_LIMIT);
    }

    private JsonNode readJson(HttpServletRequest request) throws IOException {
        return parseJson(readBody(request));
    }

    private static byte[] readBody(HttpServletRequest request) throws IOException {
        byte[] body = request.getInputStream().readNBytes(MAX_JSON_BYTES + 1);
        if (body.length > MAX_JSON_BYTES) {
            throw new InvalidInput("body", "The request body is larger than " + MAX_JSON_BYTES + " bytes.");
        }
        return body;
    }

    private JsonNode parseJson(byte[] body) throws IOException {
        if (body.length == 0) {
            return json.createObjectNode();
        }
        JsonNode node = json.readTree(body);
        if (node == null || !node.isObject()) {
            throw new InvalidInput("body", "The request body must be a JSON object.");
        }
        return node;
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw new MethodNotAllowed(method, allowed);
        }
    }

    private void error(HttpServletResponse response, int status, String message) throws IOException {
        error(response, json, status, message);
    }

    private void write(HttpServletResponse response, int status, Object body) throws IOException {
        write(response, json, status, body);
    }

    private static void error(HttpServletResponse response, ObjectMapper json, int status, String message)
            throws IOException {
        write(response, json, status, new LfsJson.Error(message, null));
    }

    private static void write(HttpServletResponse response, ObjectMapper json, int status, Object body)
            throws IOException {
        response.setStatus(status);
        response.setContentType(LfsJson.MEDIA_TYPE);
        json.writeValue(response.getOutputStream(), body);
    }

    /** A method the endpoint does not take. */
    static final class MethodNotAllowed extends InvalidInput {
        private static final long serialVersionUID = 1L;

        MethodNotAllowed(String method, String allowed) {
            super("method", method + " is not allowed here; use " + allowed + ".");
        }
    }
}
