package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where Git LFS objects live beyond the API: the size limit, backup and restore carrying them,
 * {@code facet doctor} naming a missing or corrupt one, and the repository's usage on its project page.
 */
class LfsStorageTest {
    private static final String ADMIN = LfsHttp.basic("admin", TestPrimary.ADMIN_PASSWORD);

    @TempDir
    Path work;

    private static JsonNode batch(TestPrimary primary, String operation, String oid, long size) throws Exception {
        LfsHttp.Answer answer = new LfsHttp(primary.baseUrl()).batch("ST/files", ADMIN, operation, oid, size);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().path("objects").path(0);
    }

    private static void upload(TestPrimary primary, byte[] content) throws Exception {
        LfsHttp http = new LfsHttp(primary.baseUrl());
        LfsHttp.Answer put = http.act(http.batch("ST/files", ADMIN, "upload", LfsHttp.oid(content), content.length),
                "upload", content);
        assertThat(put.status()).as(put.body()).isEqualTo(200);
    }

    private static String download(TestPrimary primary, String oid, long size) throws Exception {
        LfsHttp http = new LfsHttp(primary.baseUrl());
        LfsHttp.Answer get = http.act(http.batch("ST/files", ADMIN, "download", oid, size), "download", null);
        assertThat(get.status()).isEqualTo(200);
        return get.body();
    }

    @Test
    void anObjectLargerThanTheLimitIsRefusedInTheBatchAnswerAndAtTheUpload() throws Exception {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"), null,
                Map.of("FACET_LFS_MAX_OBJECT_BYTES", "16"))) {
            primary.createProject("ST");
            primary.createRepository("ST", "files", false);
            byte[] small = "sixteen bytes ok".getBytes(StandardCharsets.UTF_8);
            upload(primary, small);
            JsonNode large = batch(primary, "upload", LfsHttp.oid(new byte[17]), 17);
            assertThat(large.path("error").path("code").asInt()).isEqualTo(413);
            assertThat(large.path("error").path("message").asText()).contains("facet.lfs.max-object-bytes");
            assertThat(large.has("actions")).isFalse();
        }
    }

    @Test
    void backupAndRestoreCarryTheObjectsAndDoctorNamesAMissingOrCorruptOne() throws Exception {
        Path home = work.resolve("primary");
        Path backup = work.resolve("primary.zip");
        byte[] content = "an object worth keeping\n".getBytes(StandardCharsets.UTF_8);
        String oid = LfsHttp.oid(content);
        try (TestPrimary primary = TestPrimary.start(home)) {
            primary.createProject("ST");
            primary.createRepository("ST", "files", false);
            upload(primary, content);
            FacetRun run = FacetRun.of("backup", "--home", home.toString(), "--to", backup.toString());
            assertThat(run.exit()).as(run.out()).isZero();
            assertThat(projectPageAsAdmin(primary)).contains("Git LFS: 1 object, 24 B");
        }
        Path restored = work.resolve("restored");
        FacetRun restore = FacetRun.of("restore", "--from", backup.toString(), "--home", restored.toString());
        assertThat(restore.exit()).as(restore.out()).isZero();
        try (TestPrimary primary = TestPrimary.start(restored)) {
            assertThat(download(primary, oid, content.length)).isEqualTo("an object worth keeping\n");
        }

        assertThat(FacetRun.of("doctor", "--home", restored.toString()).exit()).isZero();
        Path file = restored.resolve("data/lfs/objects").resolve(oid.substring(0, 2)).resolve(oid.substring(2, 4))
                .resolve(oid);
        Files.writeString(file, "an object worth keeping?");
        FacetRun corrupt = FacetRun.of("doctor", "--home", restored.toString());
        assertThat(corrupt.exit()).isNotZero();
        assertThat(corrupt.out()).contains("LFS object " + oid + " is corrupt").contains("git lfs push --object-id");
        Files.delete(file);
        FacetRun missing = FacetRun.of("doctor", "--home", restored.toString());
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.out()).contains("LFS object " + oid + " is missing");
    }

    @Test
    void aRepositoryHoldsAtMostTheLocksItsSettingAllows() throws Exception {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"), null,
                Map.of("FACET_LFS_MAX_LOCKS_PER_REPOSITORY", "2"))) {
            primary.createProject("ST");
            primary.createRepository("ST", "files", false);
            primary.createRepository("ST", "more", false);
            LfsHttp http = new LfsHttp(primary.baseUrl());
            for (String path : new String[] {"one.psd", "two.psd"}) {
                assertThat(lock(http, "files", path).status()).isEqualTo(201);
            }
            LfsHttp.Answer third = lock(http, "files", "three.psd");
            assertThat(third.status()).as(third.body()).isEqualTo(409);
            assertThat(third.json().path("message").asText()).contains("facet.lfs.max-locks-per-repository");
            // Another repository has its own allowance; a released lock makes room.
            assertThat(lock(http, "more", "three.psd").status()).isEqualTo(201);
            String id = http.call("GET", "/scm/ST/files.git/info/lfs/locks?path=one.psd", ADMIN, null).json()
                    .path("locks").path(0).path("id").asText();
            assertThat(http.call("POST", "/scm/ST/files.git/info/lfs/locks/" + id + "/unlock", ADMIN,
                    "{}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
            assertThat(lock(http, "files", "three.psd").status()).isEqualTo(201);
        }
    }

    private static LfsHttp.Answer lock(LfsHttp http, String repository, String path) throws Exception {
        return http.call("POST", "/scm/ST/" + repository + ".git/info/lfs/locks", ADMIN,
                RestClient.json("path", path).getBytes(StandardCharsets.UTF_8));
    }

    /** A request body that sends its first half, then waits for {@code release} before it sends the rest. */
    private static HttpRequest.BodyPublisher halfThenWait(byte[] content, java.util.concurrent.CountDownLatch release) {
        return HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.SequenceInputStream(
                new java.io.ByteArrayInputStream(content, 0, content.length / 2), new java.io.InputStream() {
                    private final java.io.InputStream rest = new java.io.ByteArrayInputStream(content,
                            content.length / 2, content.length - content.length / 2);

                    @Override
                    public int read() throws java.io.IOException {
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            throw new java.io.InterruptedIOException();
                        }
                        return rest.read();
                    }
                }));
    }

    /** Starts the upload a batch answer offers for {@code content}, with {@code body} as what is sent. */
    /** An upload by {@code user} (password {@code user + "-pass-1"}), its body sent as {@code body} sends it. */
    private static java.util.concurrent.CompletableFuture<HttpResponse<String>> startUpload(
            TestPrimary primary, String user, byte[] content, HttpRequest.BodyPublisher body) throws Exception {
        LfsHttp.Answer answer = new LfsHttp(primary.baseUrl()).batch("ST/files", LfsHttp.basic(user, user + "-pass-1"),
                "upload", LfsHttp.oid(content), content.length);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode upload = answer.json().path("objects").path(0).path("actions").path("upload");
        return HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create(upload.path("href").asText()))
                .header("Authorization", upload.path("header").path("Authorization").asText())
                .PUT(body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitStreaming(TestPrimary primary, byte[] content) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> {
            Path tmp = primary.home.resolve("data/lfs/tmp");
            try (var parts = Files.list(tmp)) {
                return parts.anyMatch(part -> part.getFileName().toString().startsWith(LfsHttp.oid(content)));
            } catch (java.nio.file.NoSuchFileException e) {
                return false;
            }
        });
    }

    @Test
    void aSecondUploadOfAnObjectUnderWayAndOneUploadTooManyAreToldToRetryLater() throws Exception {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"), null,
                Map.of("FACET_LFS_MAX_CONCURRENT_UPLOADS", "2"))) {
            primary.createProject("ST");
            primary.createRepository("ST", "files", false);
            // Three writers: one holds no more than half the slots, so the global bound needs several to reach.
            for (String user : List.of("ann", "ben", "cid")) {
                primary.createUser(user, user + "-pass-1");
                primary.grantProject("ST", user, "PROJECT_WRITE");
            }
            byte[] first = new byte[256 * 1024];
            new java.util.Random(1).nextBytes(first);
            byte[] second = new byte[256 * 1024];
            new java.util.Random(2).nextBytes(second);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            try {
                var firstUpload = startUpload(primary, "ann", first, halfThenWait(first, release));
                awaitStreaming(primary, first);

                HttpResponse<String> twin = startUpload(primary, "ben", first,
                        HttpRequest.BodyPublishers.ofByteArray(first)).get();
                assertThat(twin.statusCode()).as(twin.body()).isEqualTo(429);
                assertThat(twin.headers().firstValue("Retry-After")).isPresent();
                assertThat(twin.body()).contains("being stored by another upload");

                var secondUpload = startUpload(primary, "ben", second, halfThenWait(second, release));
                awaitStreaming(primary, second);
                byte[] third = "one too many".getBytes(StandardCharsets.UTF_8);
                HttpResponse<String> tooMany = startUpload(primary, "cid", third,
                        HttpRequest.BodyPublishers.ofByteArray(third)).get();
                assertThat(tooMany.statusCode()).as(tooMany.body()).isEqualTo(429);
                assertThat(tooMany.headers().firstValue("Retry-After")).contains("5");
                assertThat(tooMany.body()).contains("facet.lfs.max-concurrent-uploads");

                release.countDown();
                assertThat(firstUpload.get().statusCode()).isEqualTo(200);
                assertThat(secondUpload.get().statusCode()).isEqualTo(200);
            } finally {
                release.countDown();
            }
            // Once the first is stored, the object is here: the batch asks for no upload of it again.
            assertThat(batch(primary, "upload", LfsHttp.oid(first), first.length).has("actions")).isFalse();
            upload(primary, "one too many".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The project page as the administrator sees it once signed in through the login form. */
    private static String projectPageAsAdmin(TestPrimary primary) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).build();
        String login = browser.send(HttpRequest.newBuilder(URI.create(primary.baseUrl() + "/login")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String csrf = login.replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");
        String form = "csrf=" + enc(csrf) + "&username=admin&password=" + enc(TestPrimary.ADMIN_PASSWORD) + "&next=";
        browser.send(HttpRequest.newBuilder(URI.create(primary.baseUrl() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        return browser.send(HttpRequest.newBuilder(URI.create(primary.baseUrl() + "/projects/ST")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String enc(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
