package dev.asof.connector.trino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.spi.SchemaName;
import dev.asof.spi.config.ConnectorConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code asof.trino.*} keys, read into {@link TrinoSettings}. */
class TrinoConnectorFactoryTest {
    private static ConnectorConfig config(Map<String, String> keys) {
        return new ConnectorConfig("trino", keys, "asof.properties");
    }

    @Test
    void keysBecomeSettings() {
        TrinoSettings s = TrinoConnectorFactory.settings(config(Map.of("url", "jdbc:trino://h:8080", "user", "svc",
                "catalog", "hive", "schema", "ml", "pool-size", "3", "query-timeout", "90s",
                "session.query_max_memory", "4GB")));

        assertThat(s).isEqualTo(new TrinoSettings("jdbc:trino://h:8080", "svc", Optional.of("hive"), Optional.of("ml"),
                Map.of("query_max_memory", "4GB"), 3, Optional.of(Duration.ofSeconds(90))));
    }

    @Test
    void defaultsNeedOnlyTheUrl() {
        assertThat(TrinoConnectorFactory.settings(config(Map.of("url", "jdbc:trino://h:8080"))))
                .isEqualTo(TrinoSettings.of("jdbc:trino://h:8080", "asof"));
    }

    @Test
    void thePushSchemaIsCatalogDotSchema() {
        TrinoSettings s = TrinoConnectorFactory.settings(config(Map.of("url", "jdbc:trino://h:8080",
                "push-schema", "Hive.Asof_Push")));
        assertThat(s.pushSchema()).contains(new SchemaName("hive", "asof_push"));
        assertThat(s).isEqualTo(TrinoSettings.of("jdbc:trino://h:8080", "asof").withPushSchema(new SchemaName("hive",
                "asof_push")));
        assertThat(TrinoConnectorFactory.settings(config(Map.of("url", "jdbc:trino://h"))).pushSchema()).isEmpty();
        for (String bad : new String[] {"asof_push", "hive.ml.push", "hive.", ".push", "hive.\"push\"", "hive. push"}) {
            assertThatThrownBy(() -> TrinoConnectorFactory.settings(config(Map.of("url", "jdbc:trino://h", "push-schema",
                    bad)))).as(bad).hasMessage("asof.properties: asof.trino.push-schema must be catalog.schema"
                            + " (e.g. hive.asof_push), not '" + bad + "'");
        }
    }

    @Test
    void badKeysAreNamed() {
        assertThatThrownBy(() -> TrinoConnectorFactory.settings(config(Map.of())))
                .hasMessage("asof.properties: asof.trino.url is required (jdbc:trino://host:port)");
        assertThatThrownBy(() -> TrinoConnectorFactory.settings(config(Map.of("url", "jdbc:trino://h", "session.time_zone",
                "UTC")))).hasMessageContaining("asof.trino.session.time_zone cannot be set");
        assertThatThrownBy(() -> TrinoConnectorFactory.settings(config(Map.of("url", "jdbc:postgresql://h"))))
                .hasMessage("asof.properties: Trino URL must start with jdbc:trino:, not 'jdbc:postgresql://h'");
        assertThatThrownBy(() -> TrinoConnectorFactory.settings(config(Map.of("url", "jdbc:trino://h", "pool", "3"))))
                .hasMessageContaining("unknown key(s) [asof.trino.pool]");
    }
}
