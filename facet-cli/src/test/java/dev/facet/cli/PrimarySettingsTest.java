package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrimarySettingsTest {
    @TempDir
    Path home;

    private void properties(String content) throws IOException {
        Files.writeString(home.resolve("facet.properties"), content);
    }

    @Test
    void defaultsToEmbeddedH2InTheHome() {
        PrimarySettings settings = PrimarySettings.load(home, Map.of(), Map.of());
        assertThat(settings.web().port()).isEqualTo(PrimarySettings.DEFAULT_PORT);
        assertThat(settings.database().url()).startsWith("jdbc:h2:file:" + home.resolve("data/db"));
        assertThat(settings.adminPassword()).isEmpty();
    }

    @Test
    void environmentOverridesFlagsWhichOverrideTheFile() throws IOException {
        properties("facet.port=7000\nfacet.base-url=https://file.example.com/\nfacet.db.url=jdbc:postgresql://db/facet\n");
        Map<String, String> flags = new HashMap<>();
        flags.put("facet.port", "7100");
        flags.put("facet.base-url", "https://flag.example.com");

        PrimarySettings settings = PrimarySettings.load(home, flags, Map.of("FACET_PORT", "7200"));

        assertThat(settings.web().port()).isEqualTo(7200);
        assertThat(settings.web().baseUrl()).isEqualTo("https://flag.example.com");
        assertThat(settings.database().url()).isEqualTo("jdbc:postgresql://db/facet");
    }

    @Test
    void trailingSlashOfTheBaseUrlIsDropped() throws IOException {
        properties("facet.base-url=https://git.example.com/\n");
        assertThat(PrimarySettings.load(home, Map.of(), Map.of()).web().baseUrl()).isEqualTo("https://git.example.com");
    }

    @Test
    void unknownKeyIsNamedWithTheKnownOnes() throws IOException {
        properties("facet.prot=8080\n");
        assertThatThrownBy(() -> PrimarySettings.load(home, Map.of(), Map.of()))
                .isInstanceOf(SettingsError.class)
                .hasMessageContaining("Unknown setting 'facet.prot'")
                .hasMessageContaining("facet.port");
    }

    @Test
    void badPortNamesTheKeyTheValueAndWhereItCameFrom() {
        assertThatThrownBy(() -> PrimarySettings.load(home, Map.of(), Map.of("FACET_PORT", "eighty")))
                .isInstanceOf(SettingsError.class)
                .hasMessageContaining("facet.port")
                .hasMessageContaining("'eighty'")
                .hasMessageContaining("FACET_PORT")
                .hasMessageContaining("0 to 65535");
        assertThatThrownBy(() -> PrimarySettings.load(home, Map.of("facet.port", "70000"), Map.of()))
                .hasMessageContaining("the command line");
    }

    @Test
    void badUrlsAreRefused() throws IOException {
        assertThatThrownBy(() -> PrimarySettings.load(home, Map.of("facet.base-url", "ftp://x"), Map.of()))
                .hasMessageContaining("facet.base-url").hasMessageContaining("http");
        properties("facet.db.url=jdbc:mysql://db/facet\nfacet.db.password=secret\n");
        assertThatThrownBy(() -> PrimarySettings.load(home, Map.of(), Map.of()))
                .hasMessageContaining("facet.db.url").hasMessageContaining("jdbc:postgresql:");
    }

    @Test
    void adminPasswordComesFromTheEnvironment() {
        assertThat(PrimarySettings.load(home, Map.of(), Map.of("FACET_ADMIN_PASSWORD", "from-env-123")).adminPassword())
                .hasValue("from-env-123");
    }

    @Test
    void servesPlainHttpWithTheDefaultClientLimitsUnlessToldOtherwise() throws IOException {
        PrimarySettings defaults = PrimarySettings.load(home, Map.of(), Map.of());
        assertThat(defaults.web().tls()).isEmpty();
        assertThat(defaults.web().limits()).isEqualTo(dev.facet.web.HttpLimits.DEFAULTS);

        properties("facet.http.max-connections-per-address=8\nfacet.http.min-request-bytes-per-second=0\n"
                + "facet.http.idle-timeout-seconds=45\nfacet.http.max-concurrent-git-requests=20\n");
        dev.facet.web.HttpLimits limits = PrimarySettings.load(home, Map.of(), Map.of()).web().limits();
        assertThat(limits).isEqualTo(new dev.facet.web.HttpLimits(8, 0, java.time.Duration.ofSeconds(45), 20,
                dev.facet.web.TrustedProxies.NONE));

        assertThatThrownBy(() -> PrimarySettings.load(home, Map.of(),
                Map.of("FACET_HTTP_MAX_CONCURRENT_GIT_REQUESTS", "0")))
                .hasMessageContaining("facet.http.max-concurrent-git-requests").hasMessageContaining("positive");
        assertThatThrownBy(() -> PrimarySettings.load(home, Map.of(), Map.of("FACET_TLS_CERTIFICATE", "no-such.pem")))
                .hasMessageContaining("facet.tls.certificate").hasMessageContaining("readable file");
    }

    @Test
    void theLargestGitLfsObjectHasANamedDefaultAndABadValueStopsStartUpNamingTheKey() throws IOException {
        assertThat(PrimarySettings.load(home, Map.of(), Map.of()).lfs().maxObjectBytes())
                .isEqualTo(LfsSettings.DEFAULT_MAX_OBJECT_BYTES);
        properties("facet.lfs.max-object-bytes=1048576\n");
        assertThat(PrimarySettings.load(home, Map.of(), Map.of()).lfs().maxObjectBytes()).isEqualTo(1048576);
        for (String bad : new String[] {"0", "-1", "ten", "1.5"}) {
            assertThatThrownBy(() -> PrimarySettings.load(home, Map.of(), Map.of("FACET_LFS_MAX_OBJECT_BYTES", bad)))
                    .as(bad).hasMessageContaining("facet.lfs.max-object-bytes");
        }
        LfsSettings defaults = PrimarySettings.load(home, Map.of(), Map.of()).lfs();
        assertThat(defaults.maxConcurrentUploads()).isEqualTo(LfsSettings.DEFAULT_MAX_CONCURRENT_UPLOADS);
        assertThat(defaults.maxLocksPerRepository()).isEqualTo(LfsSettings.DEFAULT_MAX_LOCKS_PER_REPOSITORY);
        LfsSettings set = PrimarySettings.load(home, Map.of(), Map.of("FACET_LFS_MAX_CONCURRENT_UPLOADS", "2",
                "FACET_LFS_MAX_LOCKS_PER_REPOSITORY", "5")).lfs();
        assertThat(set.maxConcurrentUploads()).isEqualTo(2);
        assertThat(set.maxLocksPerRepository()).isEqualTo(5);
        assertThatThrownBy(() -> PrimarySettings.load(home, Map.of(),
                Map.of("FACET_LFS_MAX_LOCKS_PER_REPOSITORY", "0")))
                .hasMessageContaining("facet.lfs.max-locks-per-repository");
    }
}
