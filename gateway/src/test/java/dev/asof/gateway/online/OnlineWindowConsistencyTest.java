package dev.asof.gateway.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.connector.aerospike.testserver.AerospikeTestServer;
import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.execution.StatementResult;
import dev.asof.spi.warehouse.QueryControl;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Semantics 5 for windowed aggregates: after MATERIALIZE at T the online tiles give, for every
 * key, exactly the warehouse's windows AS OF T. The clock then moves (onto a tile boundary, into
 * the middle of a tile, past the end of windows), an incremental run applies the events that
 * became visible, and lookups equal the warehouse AS OF the new time again: keys with new events
 * were rewritten, the others' windows moved by time alone. Random events land on tile boundaries
 * and on the windows' start; some are late (created after their tile closed).
 */
class OnlineWindowConsistencyTest {
    private static final Instant T1 = Instant.parse("2025-03-01T12:00:00Z");
    private static final int KEYS = 150;
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @TempDir
    Path dir;

    /** The gateway under test on the embedded engines; subclasses run the same tests on another registry. */
    GatewayConfig embedded(Path dir) {
        return GatewayConfig.embedded(dir);
    }

    @ParameterizedTest
    @MethodSource("dev.asof.gateway.online.TestStores#names")
    void onlineWindowsEqualOfflineWindows(String store) {
        OnlineServingTest.MutableClock clock = new OnlineServingTest.MutableClock(T1);
        GatewayConfig config = TestUsers.withAdmin(embedded(dir)).withClock(clock);
        try (AerospikeTestServer server = TestStores.serverFor(store)) {
            config = TestStores.configure(config, store, server);
            try (AsofGateway gateway = AsofGateway.start(config)) {
                StatementExecutor executor = gateway.executor();
                Random random = new Random(4242L);
                run(executor, "CREATE TABLE lake.main.card_events (card BIGINT, amount DOUBLE, qty INTEGER,"
                        + " merchant VARCHAR, e TIMESTAMP, c TIMESTAMP)");
                StringBuilder sql = new StringBuilder("INSERT INTO lake.main.card_events VALUES ");
                for (int i = 0; i < 3_000; i++) {
                    // Whole 5-minute steps: events fall on tile boundaries (15 min) and window starts.
                    Instant e = T1.minusSeconds(3 * 86_400).plusSeconds(300L * random.nextInt(3 * 288 + 36));
                    String c = random.nextInt(5) == 0 ? ts(e.plusSeconds(60L * random.nextInt(180))) : "NULL";
                    sql.append(i == 0 ? "" : ", ").append('(').append(random.nextInt(KEYS)).append(", ")
                            .append(random.nextInt(8) == 0 ? "NULL" : random.nextInt(10_000) / 100.0).append(", ")
                            .append(random.nextInt(8) == 0 ? "NULL" : Integer.toString(random.nextInt(20))).append(", ")
                            .append(random.nextInt(8) == 0 ? "NULL" : "'m" + random.nextInt(12) + "'").append(", ")
                            .append(ts(e)).append(", ").append(c).append(')');
                }
                run(executor, sql.toString());
                run(executor, "CREATE ENTITY card (card BIGINT)");
                run(executor, "CREATE SOURCE card_events FROM TABLE lake.main.card_events EVENT TIME e CREATED TIME c");
                run(executor, "CREATE FEATURE VIEW card_windows ENTITY card FROM card_events AS SELECT card,"
                        + " COUNT(*) OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS n_1h,"
                        + " COUNT(qty) OVER (RANGE INTERVAL '6' HOUR PRECEDING) AS nq_6h,"
                        + " SUM(amount) OVER (RANGE INTERVAL '1' DAY PRECEDING) AS sum_1d,"
                        + " SUM(qty) OVER (RANGE INTERVAL '1' DAY PRECEDING) AS sumq_1d,"
                        + " AVG(amount) OVER (RANGE BETWEEN INTERVAL '6' HOUR PRECEDING AND CURRENT ROW) AS avg_6h,"
                        + " MIN(amount) OVER (RANGE INTERVAL '1' DAY PRECEDING) AS min_1d,"
                        + " MAX(merchant) OVER (RANGE INTERVAL '2' DAY PRECEDING) AS max_m_2d,"
                        + " STDDEV_SAMP(amount) OVER (RANGE INTERVAL '1' DAY PRECEDING) AS sd_1d,"
                        + " VAR_SAMP(qty) OVER (RANGE INTERVAL '2' DAY PRECEDING) AS var_q_2d,"
                        + " LAST(merchant) OVER (RANGE INTERVAL '1' DAY PRECEDING) AS last_m_1d,"
                        + " COUNT(DISTINCT merchant) OVER (RANGE INTERVAL '2' DAY PRECEDING) AS dm_2d,"
                        + " APPROX_COUNT_DISTINCT(merchant) OVER (RANGE INTERVAL '2' DAY PRECEDING) AS am_2d"
                        + " HOP INTERVAL '15' MINUTE ONLINE");
                run(executor, "MATERIALIZE card_windows");

                int compared = 0;
                for (Instant t : List.of(T1, T1.plusSeconds(60), T1.plusSeconds(900), T1.plusSeconds(3_600 + 450),
                        T1.plusSeconds(86_400), T1.plusSeconds(2 * 86_400 + 900))) {
                    clock.set(t);
                    // Events up to 3 h after T1 become visible as the clock moves: an incremental run
                    // brings the keys they change up to date; the other keys' windows move by time alone.
                    run(executor, "MATERIALIZE card_windows");
                    compared += assertSameRows(executor, t);
                }
                assertThat(compared).as("keys with values, over all times").isGreaterThan(KEYS);
            }
        }
    }

    /** Online lookups of every key (and a few unknown ones) equal the warehouse's snapshot at t. */
    private static int assertSameRows(StatementExecutor executor, Instant t) {
        String at = LocalDateTime.ofInstant(t, ZoneOffset.UTC).format(TS);
        Map<Object, List<Object>> offline = new HashMap<>();
        for (List<Object> row : OnlineConsistencyTest.rows(executor, "SELECT * FROM card_windows AS OF TIMESTAMP '" + at + "'")) {
            offline.put(row.get(0), row);
        }
        int present = 0;
        for (long key = -1; key <= KEYS; key++) {
            List<List<Object>> online = OnlineConsistencyTest.rows(executor, "SELECT * FROM card_windows WHERE card = ?", key);
            List<Object> expected = offline.get(key);
            if (expected == null) {
                assertThat(online).as("key " + key + " at " + at).isEmpty();
                continue;
            }
            present++;
            assertThat(online).as("key " + key + " at " + at).hasSize(1);
            List<Object> actual = online.get(0);
            assertThat(actual).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                Object a = actual.get(i);
                Object x = expected.get(i);
                if (x instanceof Double d && a instanceof Double o) {
                    assertThat(o).as("key " + key + " column " + i + " at " + at)
                            .isCloseTo(d, org.assertj.core.data.Offset.offset(Math.abs(d) * 1e-9 + 1e-12));
                } else {
                    assertThat(a).as("key " + key + " column " + i + " at " + at).isEqualTo(x);
                }
            }
        }
        return present;
    }

    private static String ts(Instant instant) {
        return "TIMESTAMP '" + LocalDateTime.ofInstant(instant, ZoneOffset.UTC).format(TS) + "'";
    }

    private static void run(StatementExecutor executor, String sql) {
        StatementResult r = executor.execute(executor.prepare(sql), List.of(), QueryControl.none());
        if (r instanceof StatementResult.Rows rows) {
            rows.cursor().close();
        }
    }
}
