package dev.asof.gateway.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.connector.aerospike.testserver.AerospikeTestServer;
import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.execution.StatementResult;
import dev.asof.spi.RowCursor;
import dev.asof.spi.warehouse.QueryControl;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Semantics 5 on random data: after MATERIALIZE at T, the online value of every key equals the
 * warehouse's value AS OF T, on each online store. The data has late rows (created long after
 * their event), NULL features, ties on (event, created) time and values at the TTL boundary, so a
 * wrong visibility, tie or TTL rule on either path gives a different answer.
 */
class OnlineConsistencyTest {
    private static final Instant T1 = Instant.parse("2025-03-01T00:00:00Z");
    private static final Instant T2 = Instant.parse("2025-03-04T12:00:00Z");
    private static final int KEYS = 400;

    @TempDir
    Path dir;

    /** The gateway under test on the embedded engines; subclasses run the same tests on another registry. */
    GatewayConfig embedded(Path dir) {
        return GatewayConfig.embedded(dir);
    }

    @ParameterizedTest
    @MethodSource("dev.asof.gateway.online.TestStores#names")
    void onlineEqualsOfflineAsOfTheMaterializationTime(String store) {
        OnlineServingTest.MutableClock clock = new OnlineServingTest.MutableClock(T1);
        GatewayConfig config = TestUsers.withAdmin(embedded(dir)).withClock(clock);
        try (AerospikeTestServer server = TestStores.serverFor(store)) {
            config = TestStores.configure(config, store, server);
            try (AsofGateway gateway = AsofGateway.start(config)) {
                StatementExecutor executor = gateway.executor();
                Random random = new Random(20251123L);
                run(executor, "CREATE TABLE lake.main.events (k BIGINT, v INTEGER, s VARCHAR, e TIMESTAMP, c TIMESTAMP)");
                insertEvents(executor, random, T1.minusSeconds(20 * 86_400), T1.plusSeconds(5 * 86_400), 2_000);
                run(executor, "CREATE ENTITY thing (k BIGINT)");
                run(executor, "CREATE SOURCE events FROM TABLE lake.main.events EVENT TIME e CREATED TIME c");
                run(executor, "CREATE FEATURE VIEW thing_state ENTITY thing FROM events AS SELECT k, v, s"
                        + " TTL INTERVAL '3' DAY ONLINE");

                run(executor, "MATERIALIZE thing_state");
                assertSameValues(executor, T1, random);

                // More events, some late for old event times; an incremental run catches up.
                insertEvents(executor, random, T1.minusSeconds(10 * 86_400), T2.plusSeconds(86_400), 600);
                clock.set(T2);
                List<List<Object>> second = rows(executor, "MATERIALIZE thing_state");
                assertThat(second.get(0).get(2)).as("incremental: changes after the first run's time")
                        .isEqualTo(LocalDateTime.ofInstant(T1, ZoneOffset.UTC));
                assertThat((Long) second.get(0).get(4)).isLessThan(KEYS);
                assertSameValues(executor, T2, random);
            }
        }
    }

    private static void assertSameValues(StatementExecutor executor, Instant t, Random random) {
        String at = text(t);
        java.util.Map<Object, List<Object>> offlineByKey = new java.util.HashMap<>();
        for (List<Object> row : rows(executor, "SELECT k, v, s FROM thing_state AS OF TIMESTAMP '" + at + "'")) {
            offlineByKey.put(row.get(0), row);
        }
        int served = 0;
        for (long key = -2; key < KEYS + 2; key++) {
            List<List<Object>> online = rows(executor, "SELECT k, v, s FROM thing_state WHERE k = ?", key);
            List<Object> offline = offlineByKey.get(key);
            assertThat(online).as("key " + key + " at " + at).isEqualTo(offline == null ? List.of() : List.of(offline));
            served += online.size();
        }
        // Some keys are live and some expired or unseen, so both answers are exercised.
        assertThat(served).isBetween(KEYS / 10, KEYS - KEYS / 10);
        // A batched IN lookup of random keys gives the same rows as the single lookups.
        List<Object> keys = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            keys.add((long) random.nextInt(KEYS));
        }
        String in = String.join(", ", keys.stream().map(k -> "?").toList());
        List<List<Object>> batched = rows(executor, "SELECT k, v, s FROM thing_state WHERE k IN (" + in + ")",
                keys.toArray());
        List<List<Object>> offline = rows(executor, "SELECT k, v, s FROM thing_state AS OF TIMESTAMP '" + at
                + "' WHERE k IN (" + in + ")", keys.toArray());
        assertThat(batched).containsExactlyInAnyOrderElementsOf(offline);
    }

    /** Events over [from, to): a few per key, some created late, some NULL values, some ties. */
    private static void insertEvents(StatementExecutor executor, Random random, Instant from, Instant to, int n) {
        StringBuilder sql = new StringBuilder("INSERT INTO lake.main.events VALUES ");
        long span = to.getEpochSecond() - from.getEpochSecond();
        for (int i = 0; i < n; i++) {
            long k = random.nextInt(KEYS);
            // Whole hours, so that several rows of a key often share an event time.
            Instant e = from.plusSeconds((random.nextLong(span) / 3600) * 3600);
            String c = switch (random.nextInt(4)) {
                case 0 -> "NULL";
                case 1 -> ts(e);
                case 2 -> ts(e.plusSeconds(random.nextInt(3) * 3600L));
                default -> ts(e.plusSeconds(random.nextInt(4 * 86_400)));
            };
            String v = random.nextInt(6) == 0 ? "NULL" : Integer.toString(random.nextInt(5));
            String s = random.nextInt(6) == 0 ? "NULL" : "'s" + random.nextInt(3) + "'";
            sql.append(i == 0 ? "" : ", ").append('(').append(k).append(", ").append(v).append(", ").append(s)
                    .append(", ").append(ts(e)).append(", ").append(c).append(')');
        }
        run(executor, sql.toString());
    }

    private static String ts(Instant instant) {
        return "TIMESTAMP '" + text(instant) + "'";
    }

    private static String text(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC).format(java.time.format.DateTimeFormatter.ofPattern(
                "yyyy-MM-dd HH:mm:ss"));
    }

    private static void run(StatementExecutor executor, String sql) {
        StatementResult r = executor.execute(executor.prepare(sql), List.of(), QueryControl.none());
        if (r instanceof StatementResult.Rows rows) {
            rows.cursor().close();
        }
    }

    static List<List<Object>> rows(StatementExecutor executor, String sql, Object... parameters) {
        var prepared = executor.prepare(sql);
        StatementResult r = executor.execute(prepared, Arrays.asList(parameters), QueryControl.none());
        List<List<Object>> out = new ArrayList<>();
        try (RowCursor c = ((StatementResult.Rows) r).cursor()) {
            while (c.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 0; i < c.columns().size(); i++) {
                    row.add(c.value(i));
                }
                out.add(row);
            }
        }
        return out;
    }
}
