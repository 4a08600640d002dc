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
