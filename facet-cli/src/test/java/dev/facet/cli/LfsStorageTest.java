package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where Git LFS objects live beyond the API: the size limit, backup and restore carrying them,
 * {@code facet doctor} naming a missing or corrupt one, and the repository's usage on its project page.
 */
class LfsStorageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final String ADMIN = "Basic " + Base64.getEncoder().encodeToString(
            ("admin:" + TestPrimary.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path work;

    private static HttpResponse<String> call(TestPrimary primary, String method, String pathOrUrl, String authorization,
                                             byte[] body) throws Exception {
        String url = pathOrUrl.startsWith("http") ? pathOrUrl : primary.baseUrl() + pathOrUrl;
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body == null ? new byte[0] : body))
                .header("Content-Type", "application/vnd.git-lfs+json").header("Authorization", authorization).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode batch(TestPrimary primary, String operation, String oid, long size) throws Exception {
        byte[] body = JSON.writeValueAsBytes(Map.of("operation", operation, "objects",
                List.of(Map.of("oid", oid, "size", size))));
        HttpResponse<String> answer = call(primary, "POST", "/scm/ST/files.git/info/lfs/objects/batch", ADMIN, body);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body()).path("objects").path(0);
    }

    private static void upload(TestPrimary primary, byte[] content) throws Exception {
        JsonNode action = batch(primary, "upload", LfsApiTest.oid(content), content.length).path("actions").path("upload");
        HttpResponse<String> put = call(primary, "PUT", action.path("href").asText(),
                action.path("header").path("Authorization").asText(), content);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    }

    private static String download(TestPrimary primary, String oid, long size) throws Exception {
        JsonNode action = batch(primary, "download", oid, size).path("actions").path("download");
        HttpResponse<String> get = call(primary, "GET", action.path("href").asText(),
                action.path("header").path("Authorization").asText(), null);
        assertThat(get.statusCode()).isEqualTo(200);
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
            JsonNode large = batch(primary, "upload", LfsApiTest.oid(new byte[17]), 17);
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
        String oid = LfsApiTest.oid(content);
        try (TestPrimary primary = TestPrimary.start(home)) {
            primary.createProject("ST");
            primary.createRepository("ST", "files", false);
            upload(primary, content);
            FacetRun run = FacetRun.of("backup", "--home", home.toString(), "--to", backup.toString());
            assertThat(run.exit()).as(run.out()).isZero();
            assertThat(projectPageAsAdmin(primary)).contains("Git LFS: 1 object, 0.0 MiB");
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
