package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusAndMetricsTest {
    @TempDir
    Path work;

    @Test
    void statusSaysRunningAndMetricsCountGitWork() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            assertThat(primary.anonymous.get("/status").json().path("state").asText()).isEqualTo("RUNNING");
            primary.createProject("MET");
            primary.createRepository("MET", "counted", false);
            GitClient git = new GitClient(work.resolve("git-home"));
            Path source = git.newWorkTree(work.resolve("source"), "a.txt");
            String url = primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "MET", "counted");
            git.run(source, "push", "-q", url, "main").requireSuccess();
            git.run(work, "clone", "-q", url, work.resolve("clone").toString()).requireSuccess();
            git.commitFile(source, "b.txt", "b\n");
            git.run(source, "push", "-q", url, "main").requireSuccess();
            git.run(work.resolve("clone"), "fetch", "-q").requireSuccess();

            String metrics = primary.anonymous.get("/metrics").body();

            assertThat(metrics).contains("facet_git_operations_total{type=\"clone\"} 1.0");
            assertThat(metrics).contains("facet_git_operations_total{type=\"fetch\"} 1.0");
            assertThat(metrics).contains("facet_git_operations_total{type=\"push\"} 2.0");
            assertThat(metrics).contains("facet_repositories 1.0");
            assertThat(metrics).containsPattern("facet_http_requests_total\\{method=\"POST\",status=\"2xx\"} \\d+");
        }
    }

    @Test
    void firstStartWritesAGeneratedAdminPasswordReadableByTheOwnerOnly() throws Exception {
        Path home = work.resolve("generated");
        PrimarySettings settings = PrimarySettings.load(home, java.util.Map.of(), java.util.Map.of("FACET_PORT", "0"));
        try (PrimaryInstance primary = PrimaryInstance.start(settings)) {
            Path passwordFile = home.resolve("admin-password");
            assertThat(Files.getPosixFilePermissions(passwordFile))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            String password = Files.readString(passwordFile).strip();
            assertThat(password).hasSizeGreaterThanOrEqualTo(16);
            assertThat(RestClient.anonymous(primary.baseUrl()).as("admin", password).get("/rest/api/1.0/projects")
                    .status()).isEqualTo(200);
        }
        try (PrimaryInstance again = PrimaryInstance.start(settings)) {
            assertThat(Files.readString(home.resolve("admin-password")).strip()).isNotEmpty();
            assertThat(Set.of(again.instanceId())).isNotEmpty();
        }
    }
}
