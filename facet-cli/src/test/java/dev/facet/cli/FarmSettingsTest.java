package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facet.farm.FarmCluster;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A farm node's settings: what --farm, --farm-port and --farm-members accept, and what they refuse. */
class FarmSettingsTest {
    @TempDir
    Path home;

    private MirrorSettings load(Map<String, String> farm) {
        Map<String, String> flags = new HashMap<>(farm);
        flags.put(RawSettings.UPSTREAM_URL, "http://127.0.0.1:7990");
        flags.putIfAbsent(RawSettings.BASE_URL, "https://mirrors.example.com");
        return MirrorSettings.load(home, flags, Map.of());
    }

    private static Map<String, String> farm(String name, String port, String members) {
        Map<String, String> flags = new HashMap<>();
        flags.put(RawSettings.FARM_NAME, name);
        flags.put(RawSettings.FARM_PORT, port);
        flags.put(RawSettings.FARM_MEMBERS, members);
        return flags;
    }

    @Test
    void aLoneMirrorHasNoFarm() {
        assertThat(load(Map.of()).farm()).isEmpty();
    }

    @Test
    void aFarmOnOneMachineListensOnLoopback() {
        FarmCluster.Settings farm = load(farm("east", "5701", "127.0.0.1:5701, localhost:5702")).farm().orElseThrow();

        assertThat(farm.name()).isEqualTo("east");
        assertThat(farm.port()).isEqualTo(5701);
        assertThat(farm.address()).isEqualTo("127.0.0.1");
        assertThat(farm.members()).containsExactly("127.0.0.1:5701", "localhost:5702");
    }

    @Test
    void aFarmAcrossMachinesNeedsTheAddressPeersReachThisNodeAt() {
        assertThatThrownBy(() -> load(farm("east", "5701", "10.0.0.1:5701,10.0.0.2:5701")))
                .isInstanceOf(SettingsError.class).hasMessageContaining(RawSettings.FARM_ADDRESS);

        Map<String, String> flags = farm("east", "5701", "10.0.0.1:5701,10.0.0.2:5701");
        flags.put(RawSettings.FARM_ADDRESS, "10.0.0.2");
        assertThat(load(flags).farm().orElseThrow().address()).isEqualTo("10.0.0.2");
    }

    @Test
    void badFarmValuesStopStartUpNamingTheKey() {
        Map<String, Map<String, String>> bad = Map.of(
                RawSettings.FARM_NAME, farm("east farm", "5701", "127.0.0.1:5701"),
                RawSettings.FARM_PORT, farm("east", "70000", "127.0.0.1:5701"),
                "farm port: pass --farm-port", farm("east", null, "127.0.0.1:5701"),
                "cannot be picked", farm("east", "0", "127.0.0.1:5701"),
                RawSettings.FARM_MEMBERS, farm("east", "5701", "127.0.0.1:5701,127.0.0.1"),
                "'host:99999' is not one", farm("east", "5701", "host:99999"),
                "--farm-members", farm("east", "5701", null));
        bad.forEach((expected, flags) -> assertThatThrownBy(() -> load(flags)).as(expected)
                .isInstanceOf(SettingsError.class).hasMessageContaining(expected));
    }

    @Test
    void farmSettingsWithoutAFarmNameAreRefused() {
        for (String key : List.of(RawSettings.FARM_PORT, RawSettings.FARM_MEMBERS, RawSettings.FARM_ADDRESS)) {
            assertThatThrownBy(() -> load(Map.of(key, "5701"))).as(key).isInstanceOf(SettingsError.class)
                    .hasMessageContaining(key).hasMessageContaining(RawSettings.FARM_NAME);
        }
    }

    @Test
    void aFarmNodeServesUnderTheLoadBalancersUrl() {
        Map<String, String> flags = new HashMap<>(farm("east", "5701", "127.0.0.1:5701"));
        flags.put(RawSettings.UPSTREAM_URL, "http://127.0.0.1:7990");
        assertThatThrownBy(() -> MirrorSettings.load(home, flags, Map.of())).isInstanceOf(SettingsError.class)
                .hasMessageContaining("load-balancer URL").hasMessageContaining(RawSettings.BASE_URL);
    }

    @Test
    void theFarmFlagsReachTheSettings() {
        assertThat(RawSettings.environmentName(RawSettings.FARM_MEMBERS)).isEqualTo("FACET_FARM_MEMBERS");
        assertThat(load(Map.of()).farm()).isEmpty();
        Map<String, String> environment = Map.of("FACET_FARM_NAME", "west", "FACET_FARM_PORT", "5801",
                "FACET_FARM_MEMBERS", "127.0.0.1:5801", "FACET_UPSTREAM_URL", "http://127.0.0.1:7990",
                "FACET_BASE_URL", "http://127.0.0.1:8000");
        assertThat(MirrorSettings.load(home, Map.of(), environment).farm()).get()
                .extracting(FarmCluster.Settings::name).isEqualTo("west");
    }

    @Test
    void theFarmVetLooksEveryMinuteUnlessToldAndRefusesAnIntervalThatIsNotPositive() {
        assertThat(load(farm("east", "5701", "127.0.0.1:5701")).farmVetInterval())
                .isEqualTo(java.time.Duration.ofMinutes(1));
        Map<String, String> every5 = farm("east", "5701", "127.0.0.1:5701");
        every5.put(RawSettings.FARM_VET_SECONDS, "5");
        assertThat(load(every5).farmVetInterval()).isEqualTo(java.time.Duration.ofSeconds(5));

        for (String bad : List.of("0", "-3", "soon")) {
            Map<String, String> flags = farm("east", "5701", "127.0.0.1:5701");
            flags.put(RawSettings.FARM_VET_SECONDS, bad);
            assertThatThrownBy(() -> load(flags)).isInstanceOf(SettingsError.class)
                    .hasMessageContaining(RawSettings.FARM_VET_SECONDS).hasMessageContaining(bad);
        }
        assertThatThrownBy(() -> load(Map.of(RawSettings.FARM_VET_SECONDS, "5"))).isInstanceOf(SettingsError.class)
                .hasMessageContaining(RawSettings.FARM_VET_SECONDS).hasMessageContaining(RawSettings.FARM_NAME);
    }
}
