package dev.asof.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpSettingsTest {
    @TempDir
    Path dir;

    private static GatewayConfig load(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return GatewayConfig.fromProperties(p, GatewayConfig.defaults(), null, "test.properties");
    }

    @Test
    void defaultsServeOnPort8080WithoutAToken() {
        HttpSettings http = GatewayConfig.defaults().http();
        assertThat(http.enabled()).isTrue();
        assertThat(http.port()).isEqualTo(8080);
        assertThat(http.metricsToken()).isEmpty();
        assertThat(http.probeTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(GatewayConfig.embedded(Path.of("x")).http().port()).isZero();
    }

    @Test
    void keysAreRead() {
        HttpSettings http = load("asof.http.port", "9100", "asof.http.metrics-token", " s3cret ",
                "asof.http.probe-timeout", "500ms", "asof.http.enabled", "false").http();
        assertThat(http.port()).isEqualTo(9100);
        assertThat(http.metricsToken().orElseThrow().reveal()).isEqualTo("s3cret");
        assertThat(http.metricsToken().orElseThrow().toString()).doesNotContain("s3cret");
        assertThat(http.probeTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(http.enabled()).isFalse();
    }

    @Test
    void badValuesAndUnknownKeysAreRefusedByName() {
        assertThatThrownBy(() -> load("asof.http.prot", "1")).hasMessageContaining("asof.http.prot")
                .hasMessageContaining("asof.http.port");
        assertThatThrownBy(() -> load("asof.http.port", "70000")).hasMessageContaining("asof.http.port");
        assertThatThrownBy(() -> load("asof.http.enabled", "yes")).hasMessageContaining("asof.http.enabled");
        assertThatThrownBy(() -> load("asof.http.probe-timeout", "0s")).hasMessageContaining("asof.http.probe-timeout");
    }

    @Test
    void disabledServesNothing() {
        GatewayConfig config = TestUsers.withAdmin(GatewayConfig.embedded(dir));
        try (AsofGateway gateway = AsofGateway.start(config.withHttp(config.http().withEnabled(false)))) {
            assertThat(gateway.httpUrl()).isEmpty();
        }
    }
}
