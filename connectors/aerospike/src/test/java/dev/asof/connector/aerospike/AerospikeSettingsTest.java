package dev.asof.connector.aerospike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.connector.aerospike.AerospikeSettings.SeedHost;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AerospikeSettingsTest {
    @Test
    void seedsParseWithDefaultPortAndIpv6Brackets() {
        assertThat(AerospikeSettings.parseSeeds("10.0.0.1:3100, db.example, [::1]:4000,::1"))
                .containsExactly(new SeedHost("10.0.0.1", 3100), new SeedHost("db.example", 3000),
                        new SeedHost("::1", 4000), new SeedHost("::1", 3000));
        assertThat(new SeedHost("::1", 4000)).hasToString("[::1]:4000");
        assertThat(new SeedHost("db.example", 3000)).hasToString("db.example:3000");
    }

    @Test
    void badSeedsAreNamed() {
        assertThatThrownBy(() -> AerospikeSettings.parseSeeds("a:1,b:x")).hasMessage("seed 'b:x' has a bad port: 'x'");
        assertThatThrownBy(() -> AerospikeSettings.parseSeeds("a:1,")).hasMessage("seed '' has no host");
        assertThatThrownBy(() -> AerospikeSettings.parseSeeds(":3000")).hasMessage("seed ':3000' has no host");
        assertThatThrownBy(() -> AerospikeSettings.parseSeeds("[::1")).hasMessage("seed '[::1' has no closing ']'");
        assertThatThrownBy(() -> AerospikeSettings.parseSeeds("h:70000")).hasMessage("seed port must be 1 to 65535: 70000");
    }

    @Test
    void defaults() {
        AerospikeSettings settings = AerospikeSettings.parse("127.0.0.1");

        assertThat(settings).isEqualTo(new AerospikeSettings(List.of(new SeedHost("127.0.0.1", 3000)), "test", "asof", "v",
                Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofSeconds(1), 2, Duration.ofSeconds(1), 100, 1000));
        assertThat(settings.location()).isEqualTo("test.asof");
        assertThat(settings.withNamespace("features").withSet("views").location()).isEqualTo("features.views");
        assertThat(settings.withTimeouts(Duration.ofMillis(20), Duration.ofMillis(50), 0))
                .extracting(AerospikeSettings::socketTimeout, AerospikeSettings::totalTimeout, AerospikeSettings::maxRetries)
                .containsExactly(Duration.ofMillis(20), Duration.ofMillis(50), 0);
    }

    @Test
    void limitsAreChecked() {
        AerospikeSettings settings = AerospikeSettings.parse("127.0.0.1");

        assertThatThrownBy(() -> AerospikeSettings.defaults(List.of())).hasMessage("at least one seed host is needed");
        assertThatThrownBy(() -> settings.withNamespace("n".repeat(32))).hasMessageStartingWith("namespace must be 1 to 31 bytes");
        assertThatThrownBy(() -> settings.withSet("")).hasMessageStartingWith("set must be 1 to 63 bytes");
        assertThatThrownBy(() -> settings.withBinName("b".repeat(16))).hasMessageStartingWith("bin name must be 1 to 15 bytes");
        assertThatThrownBy(() -> settings.withTimeouts(Duration.ZERO, Duration.ofSeconds(1), 2)).hasMessageStartingWith("socketTimeout must be from 1 ms");
        assertThatThrownBy(() -> settings.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), -1)).hasMessage("maxRetries must not be negative: -1");
        assertThatThrownBy(() -> settings.withTending(Duration.ofSeconds(1), Duration.ofMillis(100)))
                .hasMessage("tendInterval must be at least 250 ms (the client's minimum): PT0.1S");
        assertThatThrownBy(() -> settings.withMaxRecordsPerBatch(0)).hasMessage("maxRecordsPerBatch must be positive: 0");
        assertThatThrownBy(() -> settings.withMaxConnectionsPerNode(0)).hasMessage("maxConnectionsPerNode must be positive: 0");
    }
}
