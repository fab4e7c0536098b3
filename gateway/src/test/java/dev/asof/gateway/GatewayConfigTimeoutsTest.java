package dev.asof.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The time limits: asof.statement.timeout, asof.result.idle-timeout, asof.jdbc.idle-timeout, asof.session.idle-timeout. */
class GatewayConfigTimeoutsTest {
    private static GatewayConfig load(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return GatewayConfig.fromProperties(p, GatewayConfig.defaults(), null, "test.properties");
    }

    @Test
    void defaults() {
        GatewayConfig.Timeouts t = GatewayConfig.defaults().timeouts();
        assertThat(t.statement()).isEqualTo(Duration.ofHours(1));
        assertThat(t.statementLimit()).contains(Duration.ofHours(1));
        assertThat(t.resultIdle()).isEqualTo(Duration.ofMinutes(5));
        assertThat(t.jdbcConnectionIdle()).isEqualTo(Duration.ofMinutes(30));
        assertThat(t.sessionIdle()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void readsEachKey() {
        assertThat(load("asof.statement.timeout", "90s").timeouts().statement()).isEqualTo(Duration.ofSeconds(90));
        assertThat(load("asof.statement.timeout", "0").timeouts().statementLimit()).isEmpty();
        assertThat(load("asof.result.idle-timeout", "500ms").timeouts().resultIdle()).isEqualTo(Duration.ofMillis(500));
        assertThat(load("asof.jdbc.idle-timeout", "2m").timeouts().jdbcConnectionIdle()).isEqualTo(Duration.ofMinutes(2));
        assertThat(load("asof.session.idle-timeout", "PT10M").timeouts().sessionIdle()).isEqualTo(Duration.ofMinutes(10));
        // other settings keep their defaults, and a later with… keeps the timeouts
        assertThat(load("asof.result.idle-timeout", "7s").withJdbcPort(1).timeouts().resultIdle())
                .isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void refusesBadValuesNamingTheKey() {
        assertThatThrownBy(() -> load("asof.result.idle-timeout", "0"))
                .hasMessageContaining("test.properties: asof.result.idle-timeout").hasMessageContaining("positive");
        assertThatThrownBy(() -> load("asof.statement.timeout", "-5s")).hasMessageContaining("asof.statement.timeout");
        assertThatThrownBy(() -> load("asof.session.idle-timeout", "later")).hasMessageContaining("asof.session.idle-timeout");
        assertThatThrownBy(() -> load("asof.session.idle-timout", "1s")).hasMessageContaining("unknown key(s)");
    }
}
