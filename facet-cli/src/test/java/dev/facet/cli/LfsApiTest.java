package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Git LFS API called directly, as an attacker would: uploads that are not what they claim,
 * readers that upload, tokens used where they do not belong, oids that try to leave the store,
 * and transfer tokens past their time. Each gets a clear 4xx, and nothing is stored.
 */
class LfsApiTest {
    private static final String MEDIA_TYPE = LfsHttp.MEDIA_TYPE;

    @TempDir
    static Path home;
    static AdjustableClock clock = new AdjustableClock();
    static TestPrimary primary;
    static String repoBToken;

    @BeforeAll
    static void startPrimary() {
        primary = TestPrimary.startWithClock(home.resolve("primary"), clock);
        primary.createProject("API");
        primary.createRepository("API", "a", false);
        primary.createRepository("API", "b", false);
        primary.createRepository("API", "open", true);
        primary.createUser("writer", "writer-pass-1");
        primary.createUser("reader", "reader-pass-1");
        primary.createUser("admin2", "admin2-pass-1");
        primary.grantProject("API", "writer", "PROJECT_WRITE");
        primary.grantProject("API", "reader", "PROJECT_READ");
        primary.grantProject("API", "admin2", "PROJECT_ADMIN");
        repoBToken = TestPrimary.expect(200, primary.admin.put("/rest/access-tokens/latest/projects/API/repos/b",
                RestClient.json("name", "b-deployer", "permissions", List.of("REPO_WRITE")))).json().path("token").asText();
    }

    @AfterAll
    static void stopPrimary() {
        if (primary != null) {
            primary.close();
        }
    }

    private static String basic(String user, String password) {
        return LfsHttp.basic(user, password);
    }

    private static final String WRITER = basic("writer", "writer-pass-1");
    private static final String READER = basic("reader", "reader-pass-1");

    private static LfsHttp.Answer call(String method, String path, String authorization, byte[] body) throws Exception {
        return new LfsHttp(primary.baseUrl()).call(method, path, authorization, body);
    }

    private static LfsHttp.Answer batch(String repo, String authorization, String operation, String oid, long size)
            throws Exception {
        return new LfsHttp(primary.baseUrl()).batch("API/" + repo, authorization, operation, oid, size);
    }

    static String oid(byte[] content) {
        return LfsHttp.oid(content);
    }

    /** The upload action of a batch answer for one object: its href and its Authorization header. */
    private static String[] uploadAction(LfsHttp.Answer answer) throws IOException {
        JsonNode upload = answer.json().path("objects").path(0).path("actions").path("upload");
        assertThat(upload.isMissingNode()).as(answer.body()).isFalse();
        return new String[] {upload.path("href").asText(), upload.path("header").path("Authorization").asText()};
    }

    private static LfsHttp.Answer put(String href, String authorization, byte[] content) throws Exception {
        return call("PUT", href, authorization, content);
    }

    private static long storedFiles() throws IOException {
        Path objects = primary.home.resolve("data/lfs/objects");
        if (!Files.isDirectory(objects)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(objects)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void anUploadWithTheWrongHashOrSizeIsRefusedAndStoredNowhere() throws Exception {
        byte[] content = "the real content\n".getBytes(StandardCharsets.UTF_8);
        String oid = oid(content);
        long before = storedFiles();
        LfsHttp.Answer answer = batch("a", WRITER, "upload", oid, content.length);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.raw().headers().firstValue("Content-Type").orElse("")).startsWith(MEDIA_TYPE);
        String[] action = uploadAction(answer);
        assertThat(action[0]).doesNotContain("?").doesNotContain("writer-pass-1");
        assertThat(action[1]).doesNotContain(WRITER.substring(6));

        byte[] forged = "the forged content\n".getBytes(StandardCharsets.UTF_8);
        byte[] sameLengthForged = "the fake  content\n".getBytes(StandardCharsets.UTF_8).length == content.length
                ? "the fake  content\n".getBytes(StandardCharsets.UTF_8) : java.util.Arrays.copyOf(forged, content.length);
        LfsHttp.Answer wrongHash = put(action[0], action[1], sameLengthForged);
        assertThat(wrongHash.status()).isEqualTo(422);
        assertThat(wrongHash.json().path("message").asText()).contains("SHA-256").contains("nothing was stored");
        LfsHttp.Answer wrongSize = put(action[0], action[1], forged);
        assertThat(wrongSize.status()).isEqualTo(422);
        assertThat(wrongSize.json().path("message").asText()).contains("bytes").contains("nothing was stored");
        assertThat(storedFiles()).isEqualTo(before);
        assertThat(batch("a", WRITER, "download", oid, content.length).json().path("objects").path(0).path("error")
                .path("code").asInt()).isEqualTo(404);

        assertThat(put(action[0], action[1], content).status()).isEqualTo(200);
        assertThat(storedFiles()).isEqualTo(before + 1);
        LfsHttp.Answer download = batch("a", READER, "download", oid, content.length);
        JsonNode get = download.json().path("objects").path(0).path("actions").path("download");
        LfsHttp.Answer bytes = call("GET", get.path("href").asText(),
                get.path("header").path("Authorization").asText(), null);
        assertThat(bytes.status()).isEqualTo(200);
        assertThat(bytes.body()).isEqualTo("the real content\n");
        // Asked again, the upload needs no transfer: the object is there.
        assertThat(batch("a", WRITER, "upload", oid, content.length).json().path("objects").path(0).has("actions"))
                .isFalse();
    }

    @Test
    void aReaderCannotUploadAndStrangersAndOtherReposTokensReachNothing() throws Exception {
        String oid = oid("x".getBytes(StandardCharsets.UTF_8));
        assertThat(batch("a", READER, "upload", oid, 1).status()).isEqualTo(403);
        assertThat(batch("a", null, "download", oid, 1).status()).isEqualTo(401);
        LfsHttp.Answer anonymous = batch("a", null, "upload", oid, 1);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.raw().headers().firstValue("LFS-Authenticate")).isPresent();
        assertThat(batch("a", basic("writer", "wrong"), "download", oid, 1).status()).isEqualTo(401);
        // A repository token reaches its own repository and no other.
        assertThat(batch("b", "Bearer " + repoBToken, "upload", oid, 1).status()).isEqualTo(200);
        assertThat(batch("a", "Bearer " + repoBToken, "upload", oid, 1).status()).isIn(403, 404);
        assertThat(batch("a", "Bearer " + repoBToken, "download", oid, 1).status()).isIn(403, 404);
        assertThat(batch("a", basic("nobody", "nobody-pass-1"), "download", oid, 1).status()).isEqualTo(401);

        // A public repository's objects are read anonymously, as its Git is; writing still needs a user.
        byte[] content = "public\n".getBytes(StandardCharsets.UTF_8);
        LfsHttp http = new LfsHttp(primary.baseUrl());
        assertThat(http.act(batch("open", WRITER, "upload", oid(content), content.length), "upload", content).status())
                .isEqualTo(200);
        LfsHttp.Answer anonymousRead = batch("open", null, "download", oid(content), content.length);
        assertThat(anonymousRead.status()).isEqualTo(200);
        assertThat(http.act(anonymousRead, "download", null).body()).isEqualTo("public\n");
        assertThat(batch("open", null, "upload", oid(content), content.length).status()).isEqualTo(401);
        assertThat(call("POST", "/scm/API/open.git/info/lfs/locks", null, "{\"path\":\"x\"}".getBytes(
                StandardCharsets.UTF_8)).status()).isEqualTo(401);
    }

    @Test
    void anObjectOnlyAnotherRepositoryHoldsCannotBeDownloadedByNamingItsOid() throws Exception {
        byte[] secret = "only repository b holds this\n".getBytes(StandardCharsets.UTF_8);
        String oid = oid(secret);
        String[] action = uploadAction(batch("b", WRITER, "upload", oid, secret.length));
        assertThat(put(action[0], action[1], secret).status()).isEqualTo(200);

        JsonNode fromA = batch("a", WRITER, "download", oid, secret.length).json().path("objects").path(0);
        assertThat(fromA.path("error").path("code").asInt()).isEqualTo(404);
        assertThat(fromA.has("actions")).isFalse();
        // Repository b's transfer token used on repository a's URL, or for another object: refused.
        String download = batch("b", READER, "download", oid, secret.length).json().path("objects").path(0)
                .path("actions").path("download").path("header").path("Authorization").asText();
        assertThat(call("GET", "/scm/API/a.git/info/lfs/objects/" + oid, download, null).status()).isEqualTo(403);
        assertThat(call("GET", "/scm/API/b.git/info/lfs/objects/" + oid("other".getBytes(StandardCharsets.UTF_8)),
                download, null).status()).isEqualTo(403);
        assertThat(call("GET", "/scm/API/b.git/info/lfs/objects/" + oid, download, null).status()).isEqualTo(200);
        // A download token does not upload, a user's own password is not a transfer token.
        assertThat(call("PUT", "/scm/API/b.git/info/lfs/objects/" + oid, download, secret).status()).isEqualTo(403);
        assertThat(call("GET", "/scm/API/b.git/info/lfs/objects/" + oid, WRITER, null).status()).isEqualTo(401);
        String tampered = download.substring(0, download.length() - 3) + (download.endsWith("AAA") ? "BBB" : "AAA");
        assertThat(call("GET", "/scm/API/b.git/info/lfs/objects/" + oid, tampered, null).status()).isEqualTo(401);

        // To have the object in repository a, a writer of a uploads it: then a reader of a gets it.
        String[] intoA = uploadAction(batch("a", WRITER, "upload", oid, secret.length));
        assertThat(put(intoA[0], intoA[1], secret).status()).isEqualTo(200);
        assertThat(batch("a", READER, "download", oid, secret.length).json().path("objects").path(0)
                .path("actions").has("download")).isTrue();
    }

    @Test
    void anExpiredTransferTokenIsRefused() throws Exception {
        byte[] content = "expires\n".getBytes(StandardCharsets.UTF_8);
        String[] action = uploadAction(batch("a", WRITER, "upload", oid(content), content.length));
        clock.advance(Duration.ofHours(1));
        LfsHttp.Answer expired = put(action[0], action[1], content);
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.json().path("message").asText()).contains("expired");
    }

    @Test
    void anUploadThatOutlastsItsTokenIsStillVerifiedButNotADayLater() throws Exception {
        byte[] content = "a long upload\n".getBytes(StandardCharsets.UTF_8);
        LfsHttp.Answer answer = batch("a", WRITER, "upload", oid(content), content.length);
        JsonNode verify = answer.json().path("objects").path(0).path("actions").path("verify");
        String[] action = uploadAction(answer);
        assertThat(put(action[0], action[1], content).status()).isEqualTo(200);
        byte[] body = RestClient.json("oid", oid(content), "size", content.length).getBytes(StandardCharsets.UTF_8);
        String token = verify.path("header").path("Authorization").asText();

        clock.advance(Duration.ofMinutes(30));
        assertThat(put(action[0], action[1], content).status()).isEqualTo(401);
        assertThat(call("POST", verify.path("href").asText(), token, body).status()).isEqualTo(200);
        clock.advance(Duration.ofDays(1));
        assertThat(call("POST", verify.path("href").asText(), token, body).status()).isEqualTo(401);
    }

    @Test
    void oidsThatAreNotSha256HexAreRefusedAtEveryEndpoint() throws Exception {
        for (String bad : List.of("../../../../keys/instance-id", "..%2F..%2Fkeys", "ABCDEF" + "0".repeat(58),
                "0".repeat(63), "0".repeat(65))) {
            LfsHttp.Answer answer = batch("a", WRITER, "upload", bad, 1);
            assertThat(answer.status()).as(bad).isEqualTo(200);
            assertThat(answer.json().path("objects").path(0).path("error").path("code").asInt()).as(bad).isEqualTo(422);
        }
        for (String path : List.of("/scm/API/a.git/info/lfs/objects/..%2F..%2Fkeys",
                "/scm/API/a.git/info/lfs/objects/" + "0".repeat(63), "/scm/API/a.git/info/lfs/objects/..")) {
            assertThat(call("GET", path, WRITER, null).status()).as(path).isIn(400, 404);
        }
        assertThat(batch("a", WRITER, "upload", "0".repeat(64), -1).json().path("objects").path(0).path("error")
                .path("code").asInt()).isEqualTo(422);
        assertThat(call("POST", "/scm/API/a.git/info/lfs/objects/batch", WRITER, "{not json".getBytes(
                StandardCharsets.UTF_8)).status()).isEqualTo(422);
        assertThat(call("POST", "/scm/API/a.git/info/lfs/objects/batch", WRITER, "{\"operation\":\"delete\"}".getBytes(
                StandardCharsets.UTF_8)).status()).isEqualTo(422);
        assertThat(call("POST", "/scm/API/a.git/info/lfs/nothing", WRITER, null).status()).isEqualTo(404);
    }

    @Test
    void locksAreListedPagedAndOnlyTheirOwnerOrAnAdministratorReleasesThem() throws Exception {
        String locks = "/scm/API/a.git/info/lfs/locks";
        LfsHttp.Answer created = call("POST", locks, WRITER, "{\"path\":\"art/one.psd\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("lock").path("id").asText();
        assertThat(created.json().path("lock").path("owner").path("name").asText()).isEqualTo("writer");
        LfsHttp.Answer again = call("POST", locks, basic("admin2", "admin2-pass-1"),
                "{\"path\":\"art/one.psd\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("lock").path("id").asText()).isEqualTo(id);
        assertThat(call("POST", locks, READER, "{\"path\":\"art/two.psd\"}".getBytes(StandardCharsets.UTF_8)).status())
                .isEqualTo(403);
        assertThat(call("POST", locks, WRITER, "{\"path\":\"../escape\"}".getBytes(StandardCharsets.UTF_8)).status())
                .isEqualTo(422);
        for (int i = 0; i < 3; i++) {
            call("POST", locks, WRITER, ("{\"path\":\"art/more" + i + ".psd\"}").getBytes(StandardCharsets.UTF_8));
        }
        JsonNode page = call("GET", locks + "?limit=2", READER, null).json();
        assertThat(page.path("locks").size()).isEqualTo(2);
        JsonNode rest = call("GET", locks + "?limit=2&cursor=" + page.path("next_cursor").asText(), READER, null).json();
        assertThat(rest.path("locks").size()).isEqualTo(2);
        assertThat(rest.has("next_cursor")).isFalse();
        assertThat(call("GET", locks + "?path=art/one.psd", READER, null).json().path("locks").path(0).path("id")
                .asText()).isEqualTo(id);
        assertThat(call("GET", locks + "?limit=x", READER, null).status()).isEqualTo(422);

        JsonNode verify = call("POST", locks + "/verify", basic("admin2", "admin2-pass-1"), "{}".getBytes(
                StandardCharsets.UTF_8)).json();
        assertThat(verify.path("ours").size()).isZero();
        assertThat(verify.path("theirs").size()).isEqualTo(4);
        assertThat(call("POST", locks + "/verify", READER, "{}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(403);

        byte[] noForce = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] force = "{\"force\":true}".getBytes(StandardCharsets.UTF_8);
        primary.grantProject("API", "reader", "PROJECT_WRITE");
        try {
            assertThat(call("POST", locks + "/" + id + "/unlock", READER, noForce).status()).isEqualTo(403);
            LfsHttp.Answer forcedByWriter = call("POST", locks + "/" + id + "/unlock", READER, force);
            assertThat(forcedByWriter.status()).isEqualTo(403);
            assertThat(forcedByWriter.json().path("message").asText()).contains("administrator");
        } finally {
            primary.grantProject("API", "reader", "PROJECT_READ");
        }
        assertThat(call("POST", locks + "/" + id + "/unlock", basic("admin2", "admin2-pass-1"), force).status())
                .isEqualTo(200);
        assertThat(call("POST", locks + "/" + id + "/unlock", WRITER, noForce).status()).isEqualTo(404);
        assertThat(call("POST", locks + "/x/unlock", WRITER, noForce).status()).isEqualTo(404);
    }

    @Test
    void anUploadTrickledSlowerThanTheMinimumRateGets408AndAnLfsMessageNot500() throws Exception {
        byte[] content = new byte[4000];
        new java.util.Random(408).nextBytes(content);
        String oid = oid(content);
        long before = storedFiles();
        String[] action = uploadAction(batch("a", WRITER, "upload", oid, content.length));
        java.net.URI href = java.net.URI.create(action[0]);
        String answer;
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", href.getPort())) {
            socket.setSoTimeout(20_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("PUT " + href.getRawPath() + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + action[1]
                    + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + content.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            // 20 B/s, far below the minimum of 1 KiB/s: the server cuts the upload off after its grace period.
            for (int i = 0; i < content.length; i += 2) {
                try {
                    out.write(content, i, 2);
                    out.flush();
                } catch (IOException closed) {
                    break;
                }
                if (socket.getInputStream().available() > 0) {
                    break;
                }
                Thread.sleep(100); // the attacker's pace, not a wait for the server
            }
            StringBuilder received = new StringBuilder();
            byte[] buffer = new byte[4096];
            // Until the JSON body has arrived whole, or the server closed the connection.
            for (int n; !received.toString().strip().endsWith("}")
                    && (n = socket.getInputStream().read(buffer)) > 0; ) {
                received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
            answer = received.toString();
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("no answer to a trickled upload", e);
        }

        assertThat(answer).startsWith("HTTP/1.1 408");
        assertThat(answer).contains(MEDIA_TYPE).contains("too slowly").contains("nothing was stored");
        assertThat(storedFiles()).isEqualTo(before);
    }
}
