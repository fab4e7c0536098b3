package dev.asof.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.conformance.WindowOracle.Event;
import dev.asof.conformance.WindowOracle.Feature;
import dev.asof.conformance.WindowOracle.Variant;
import dev.asof.connector.aerospike.testserver.AerospikeTestServer;
import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Online windowed lookups against the brute-force oracle ({@link WindowOracle}), on each online
 * store, through the project's JDBC driver: the oracle's random events (boundaries, late rows,
 * NULLs, ties), every function on a 10-minute hop, materialized (then incrementally) at times on
 * and off the tile grid; at each time every key's lookup equals the oracle's window values, and
 * keys with no row in the longest window give no row.
 */
class OnlineWindowOracleTest {
    private static final long HOP = WindowSemanticsSuite.HOP;
    private static final List<Feature> FEATURES = WindowSemanticsSuite.HOPPED;

    @ParameterizedTest
    @ValueSource(strings = {"rocksdb", "aerospike"})
    void lookupsEqualTheOracle(String store) throws Exception {
        Random r = new Random(WindowSemanticsSuite.SEED + 7);
        List<Event> events = WindowOracle.events(r, 1_000, HOP);
        SettableClock clock = new SettableClock(instant(0));
        Path dir = Files.createTempDirectory("asof-online-oracle");
        GatewayConfig config = TestCredentials.withAdmin(GatewayConfig.embedded(dir)).withClock(clock);
        try (AerospikeTestServer server = store.equals("aerospike") ? new AerospikeTestServer().start() : null) {
            if (server != null) {
                config = config.withOnlineStore("aerospike", Map.of("hosts", server.seed()));
            }
            try (AsofGateway gateway = AsofGateway.start(config);
                    Connection c = DriverManager.getConnection(TestCredentials.url(gateway.jdbcUrl()));
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE lake.main.tx (customer_id BIGINT, event_ts TIMESTAMP, loaded_at TIMESTAMP,"
                        + " amount DOUBLE, merchant VARCHAR, qty BIGINT)");
                for (int from = 0; from < events.size(); from += 250) {
                    s.execute("INSERT INTO lake.main.tx VALUES " + events.subList(from, Math.min(events.size(), from + 250))
                            .stream().map(e -> e.row().stream().map(OnlineWindowOracleTest::literal)
                                    .collect(Collectors.joining(", ", "(", ")")))
                            .collect(Collectors.joining(", ")));
                }
                s.execute("CREATE ENTITY customer (customer_id BIGINT)");
                s.execute("CREATE SOURCE tx FROM TABLE lake.main.tx EVENT TIME event_ts CREATED TIME loaded_at");
                s.execute("CREATE FEATURE VIEW win ENTITY customer FROM tx AS SELECT customer_id, "
                        + FEATURES.stream().map(Feature::sql).collect(Collectors.joining(", "))
                        + " HOP " + WindowOracle.interval(HOP) + " ONLINE");
                int live = 0;
                long[] times = {2 * WindowOracle.HOUR, 2 * WindowOracle.HOUR + 1, 3 * WindowOracle.HOUR + 5 * WindowOracle.MINUTE,
                    4 * WindowOracle.HOUR, 6 * WindowOracle.HOUR + 17 * WindowOracle.SECOND, 9 * WindowOracle.HOUR,
                    12 * WindowOracle.HOUR};
                try (PreparedStatement lookup = c.prepareStatement("SELECT * FROM win WHERE customer_id = ?")) {
                    for (long t : times) {
                        clock.set(instant(t));
                        s.execute("MATERIALIZE win");
                        List<Long> keys = WindowOracle.keysAt(events, t, FEATURES, HOP, true);
                        for (long key = 0; key <= WindowOracle.KEYS + 1; key++) {
                            lookup.setLong(1, key);
                            List<List<Object>> online = new ArrayList<>();
                            try (ResultSet rs = lookup.executeQuery()) {
                                while (rs.next()) {
                                    List<Object> row = new ArrayList<>();
                                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                                        row.add(rs.getObject(i));
                                    }
                                    online.add(row);
                                }
                            }
                            String what = store + " key " + key + " at +" + t / WindowOracle.SECOND + " s";
                            if (!keys.contains(key)) {
                                assertThat(online).as(what).isEmpty();
                                continue;
                            }
                            live++;
                            assertThat(online).as(what).hasSize(1);
                            assertThat(((Number) online.get(0).get(0)).longValue()).isEqualTo(key);
                            for (int f = 0; f < FEATURES.size(); f++) {
                                Feature feature = FEATURES.get(f);
                                Object expected = WindowOracle.aggregate(feature, WindowOracle.window(events, key, t,
                                        feature.window(), HOP, false, true, Variant.CORRECT));
                                Object actual = online.get(0).get(f + 1);
                                if (actual instanceof Number n && expected instanceof Long) {
                                    actual = n.longValue();
                                }
                                assertThat(WindowOracle.close(actual, expected))
                                        .as(what + " " + feature.name() + ": online " + actual + ", oracle " + expected)
                                        .isTrue();
                            }
                        }
                    }
                }
                assertThat(live).as("live (key, time) pairs").isGreaterThan(20);
            }
        }
    }

    private static Instant instant(long micros) {
        return WindowOracle.BASE.toInstant(ZoneOffset.UTC).plus(micros, ChronoUnit.MICROS);
    }

    private static String literal(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof LocalDateTime t) {
            return "TIMESTAMP '" + t.toString().replace('T', ' ') + "'";
        }
        if (v instanceof String str) {
            return "'" + str.replace("'", "''") + "'";
        }
        return v.toString();
    }
}
