package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mirror's settings: which upstream URLs it accepts before it sends anything anywhere. */
class MirrorSettingsTest {
    @TempDir
    Path home;

    private MirrorSettings load(Map<String, String> flags) {
        return MirrorSettings.load(home, flags, Map.of());
    }

    @Test
    void plainHttpUpstreamOnAnotherMachineIsRefusedNamingTheSettingThatAllowsIt() {
        for (String upstream : new String[] {"http://10.255.255.1:7990", "http://primary.example.com",
            "http://localhost.example.com", "http://[2001:db8::1]:7990"}) {
            assertThatThrownBy(() -> load(Map.of(RawSettings.UPSTREAM_URL, upstream))).as(upstream)
                    .isInstanceOf(SettingsError.class)
                    .hasMessageContaining(RawSettings.UPSTREAM_URL)
                    .hasMessageContaining(upstream)
                    .hasMessageContaining("in clear")
                    .hasMessageContaining("facet.mirror.allow-insecure-upstream=true");
        }
    }

    @Test
    void plainHttpUpstreamIsAcceptedOnLoopbackOrWhenAnAdministratorAllowsIt() {
        for (String upstream : new String[] {"http://127.0.0.1:7990", "http://127.3.4.5:7990", "http://localhost:7990",
            "http://[::1]:7990"}) {
            assertThat(load(Map.of(RawSettings.UPSTREAM_URL, upstream)).upstreamUrl()).isEqualTo(upstream);
        }
        assertThat(load(Map.of(RawSettings.UPSTREAM_URL, "http://10.255.255.1:7990",
                RawSettings.ALLOW_INSECURE_UPSTREAM, "true")).upstreamUrl()).isEqualTo("http://10.255.255.1:7990");
        assertThat(load(Map.of(RawSettings.UPSTREAM_URL, "https://primary.example.com")).upstreamUrl())
                .isEqualTo("https://primary.example.com");
    }

    @Test
    void lfsPrefetchIsNoneByDefaultTakesItsThreeValuesInAnyCaseAndRefusesOthersNamingTheKey() {
        String upstream = "http://127.0.0.1:7990";
        assertThat(load(Map.of(RawSettings.UPSTREAM_URL, upstream)).lfsPrefetch())
                .isEqualTo(dev.facet.mirror.LfsPrefetch.Policy.NONE);
        assertThat(load(Map.of(RawSettings.UPSTREAM_URL, upstream, RawSettings.LFS_PREFETCH, "Recent")).lfsPrefetch())
                .isEqualTo(dev.facet.mirror.LfsPrefetch.Policy.RECENT);
        assertThat(load(Map.of(RawSettings.UPSTREAM_URL, upstream, RawSettings.LFS_PREFETCH, "all")).lfsPrefetch())
                .isEqualTo(dev.facet.mirror.LfsPrefetch.Policy.ALL);
        assertThatThrownBy(() -> load(Map.of(RawSettings.UPSTREAM_URL, upstream, RawSettings.LFS_PREFETCH,
                "everything"))).isInstanceOf(SettingsError.class)
                .hasMessageContaining("facet.mirror.lfs-prefetch").hasMessageContaining("none, recent, all");
    }

    @Test
    void badTlsFilesStopStartUpNamingTheKey() {
        assertThatThrownBy(() -> load(Map.of(RawSettings.UPSTREAM_URL, "https://primary.example.com",
                RawSettings.TLS_TRUSTED_CERTIFICATES, home.resolve("missing.pem").toString())))
                .isInstanceOf(SettingsError.class).hasMessageContaining(RawSettings.TLS_TRUSTED_CERTIFICATES);
        TestCertificates.Issued issued = TestCertificates.authority(home.resolve("ca"), "CA").issue("server", "ec");
        assertThatThrownBy(() -> load(Map.of(RawSettings.UPSTREAM_URL, "https://primary.example.com",
                RawSettings.TLS_CERTIFICATE, issued.certificate().toString())))
                .isInstanceOf(SettingsError.class).hasMessageContaining(RawSettings.TLS_PRIVATE_KEY);
        TestCertificates.Issued other = TestCertificates.authority(home.resolve("ca2"), "CA2").issue("other", "ec");
        assertThatThrownBy(() -> load(Map.of(RawSettings.UPSTREAM_URL, "https://primary.example.com",
                RawSettings.TLS_CERTIFICATE, issued.certificate().toString(),
                RawSettings.TLS_PRIVATE_KEY, other.privateKey().toString())))
                .isInstanceOf(SettingsError.class).hasMessageContaining("does not belong to the certificate");
    }
}
