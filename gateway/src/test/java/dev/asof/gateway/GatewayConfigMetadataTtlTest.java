package dev.asof.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@code asof.metadata.ttl}: how long warehouse metadata is cached. */
class GatewayConfigMetadataTtlTest {
    private static GatewayConfig load(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return GatewayConfig.fromProperties(p, GatewayConfig.defaults(), null, "test.properties");
    }

    @Test
    void defaultsToSixtySeconds() {
        assertThat(GatewayConfig.defaults().metadataTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(GatewayConfig.embedded(Path.of("x")).metadataTtl()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void readsDurationsAndZero() {
        assertThat(load("asof.metadata.ttl", "30s").metadataTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(load("asof.metadata.ttl", "5m").metadataTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(load("asof.metadata.ttl", "PT2S").metadataTtl()).isEqualTo(Duration.ofSeconds(2));
        assertThat(load("asof.metadata.ttl", "0").metadataTtl()).isEqualTo(Duration.ZERO);
        assertThat(load("asof.metadata.ttl", "30s").withJdbcPort(1).metadataTtl()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void rejectsBadValuesAndUnknownKeys() {
        assertThatThrownBy(() -> load("asof.metadata.ttl", "soon"))
                .hasMessageContaining("test.properties: asof.metadata.ttl").hasMessageContaining("'soon'");
        assertThatThrownBy(() -> load("asof.metadata.ttl", "-5s"))
                .hasMessageContaining("asof.metadata.ttl").hasMessageContaining("'-5s'");
        assertThatThrownBy(() -> load("asof.metadata.tll", "1s")).hasMessageContaining("unknown key(s) [asof.metadata.tll]");
        assertThatThrownBy(() -> GatewayConfig.defaults().withMetadataTtl(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
