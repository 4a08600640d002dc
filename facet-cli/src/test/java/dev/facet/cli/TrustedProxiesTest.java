package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facet.web.TrustedProxies;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behind a load balancer every request arrives from the balancer's address: with the balancer
 * listed in facet.http.trusted-proxies, limits apply to the client its X-Forwarded-For names;
 * from anyone else the header is the client's own claim and changes nothing.
 */
class TrustedProxiesTest {
    private static final String PROJECTS = "/rest/api/1.0/projects";
    private static final String BALANCER = "127.0.0.50";
    private static final String NOT_A_BALANCER = "127.0.0.51";

    @TempDir
    static Path home;
    static TestPrimary primary;

    @BeforeAll
    static void startPrimary() {
        primary = TestPrimary.start(home.resolve("primary"), null,
                Map.of("FACET_HTTP_TRUSTED_PROXIES", BALANCER + ", 10.0.0.0/8"));
    }

    @AfterAll
    static void stopPrimary() {
        primary.close();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static int via(String from, String forwardedFor, String user, String password) {
        return RawHttp.statusFrom(from, primary.baseUrl(), PROJECTS, basic(user, password),
                "X-Forwarded-For: " + forwardedFor);
    }

    @Test
    void aGuesserBehindTheBalancerWaitsWhileTheOwnerBehindItGetsIn() {
        primary.createUser("ivy", "ivy-secret-1");
        for (int attempt = 1; attempt <= 8; attempt++) {
            via(BALANCER, "203.0.113.1", "ivy", "guess-" + attempt);
        }

        assertThat(via(BALANCER, "203.0.113.1", "ivy", "ivy-secret-1")).as("the guesser's address waits").isEqualTo(429);
        assertThat(via(BALANCER, "203.0.113.2", "ivy", "ivy-secret-1")).as("the owner, behind the same balancer")
                .isEqualTo(200);
    }

    @Test
    void entriesAClientPutInFrontOfTheBalancersAreNotBelieved() {
        primary.createUser("jon", "jon-secret-1");
        for (int attempt = 1; attempt <= 8; attempt++) {
            via(BALANCER, "198.51.100." + attempt + ", 203.0.113.10", "jon", "guess-" + attempt);
        }

        assertThat(via(BALANCER, "198.51.100.99, 203.0.113.10", "jon", "jon-secret-1"))
                .as("the balancer's own entry names the guesser, whatever the guesser wrote before it").isEqualTo(429);
    }

    @Test
    void aClientThatIsNoBalancerCannotChooseItsAddress() {
        primary.createUser("kim", "kim-secret-1");
        for (int attempt = 1; attempt <= 8; attempt++) {
            via(NOT_A_BALANCER, "203.0.113." + (100 + attempt), "kim", "guess-" + attempt);
        }

        assertThat(via(NOT_A_BALANCER, "203.0.113.200", "kim", "kim-secret-1"))
                .as("a fresh X-Forwarded-For from an untrusted address is still the same guesser").isEqualTo(429);
    }

    @Test
    void theListReadsAddressesAndBlocksAndNamesWhatItCannotRead() throws Exception {
        TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, 192.168.1.5, ::1");

        assertThat(proxies.contains(InetAddress.getByName("10.200.3.4"))).isTrue();
        assertThat(proxies.contains(InetAddress.getByName("11.0.0.1"))).isFalse();
        assertThat(proxies.contains(InetAddress.getByName("192.168.1.5"))).isTrue();
        assertThat(proxies.contains(InetAddress.getByName("::1"))).isTrue();
        assertThat(proxies.clientOf(InetAddress.getByName("10.0.0.1"), List.of("203.0.113.7, 10.0.0.2")))
                .as("balancers in a chain are skipped").isEqualTo(InetAddress.getByName("203.0.113.7"));
        assertThat(proxies.clientOf(InetAddress.getByName("10.0.0.1"), List.of("not-an-address")))
                .as("garbage leaves the balancer as the client").isEqualTo(InetAddress.getByName("10.0.0.1"));
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/33")).hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(() -> TrustedProxies.parse("balancer.example")).hasMessageContaining("balancer.example");
        assertThatThrownBy(() -> TrustedProxies.parse("300.1.1.1")).hasMessageContaining("300.1.1.1");

        assertThatThrownBy(() -> PrimarySettings.load(home.resolve("bad"), Map.of(),
                Map.of("FACET_HTTP_TRUSTED_PROXIES", "10.0.0.1, balancer.example")))
                .isInstanceOf(SettingsError.class)
                .hasMessageContaining("facet.http.trusted-proxies").hasMessageContaining("balancer.example");
    }
}
