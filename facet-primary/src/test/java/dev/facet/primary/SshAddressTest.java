package dev.facet.primary;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SshAddressTest {
    private static final String BASE = "https://mirror.example.com:8443";

    @Test
    void anSshAddressOnTheMirrorsOwnHostIsShown() {
        assertThat(SshAddress.onHostOf(BASE, "ssh://git@mirror.example.com:7999")).contains("ssh://git@mirror.example.com:7999");
        assertThat(SshAddress.onHostOf(BASE, "ssh://git@MIRROR.example.com:7999/")).contains("ssh://git@MIRROR.example.com:7999");
        assertThat(SshAddress.onHostOf(BASE, "ssh://mirror.example.com")).contains("ssh://mirror.example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ssh://git@evil.example.net:7999", "ssh://git@mirror.example.com.evil.net:22",
            "http://mirror.example.com:7999", "ssh://git@mirror.example.com:7999/other/path",
            "ssh://git@mirror.example.com:7999?x=1", "ssh://a b@mirror.example.com", "ssh://git@:22", "not a url",
            "ssh://git;rm@mirror.example.com"})
    void anythingElseAMirrorReportsIsIgnored(String reported) {
        assertThat(SshAddress.onHostOf(BASE, reported)).isEmpty();
    }

    @Test
    void nothingReportedIsNothingShown() {
        assertThat(SshAddress.onHostOf(BASE, null)).isEmpty();
    }
}
