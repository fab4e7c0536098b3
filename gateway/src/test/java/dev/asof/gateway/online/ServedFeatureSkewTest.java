package dev.asof.gateway.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.connector.aerospike.testserver.AerospikeTestServer;
import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestStatements;
import dev.asof.gateway.TestUsers;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.execution.StatementResult;
import dev.asof.gateway.session.Peer;
import dev.asof.gateway.session.Principal;
import dev.asof.planner.error.AsofException;
import dev.asof.spi.RowCursor;
import dev.asof.spi.online.OnlineRecord;
import dev.asof.spi.online.OnlineStore;
import dev.asof.spi.warehouse.QueryControl;
import io.micrometer.core.instrument.Gauge;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Served-feature logging and VALIDATE on each online store: lookups of a view with LOG SAMPLE 1 are
 * logged with what was served; VALIDATE replays them on the warehouse AS OF their times and finds
 * nothing on clean data, and exactly the corrupted key after one online record is overwritten with
 * another value behind the gateway's back.
 */
class ServedFeatureSkewTest {
    private static final Instant T = Instant.parse("2025-03-01T00:00:00Z");
    private static final String LOOKUP = "SELECT segment, score FROM customer_profile WHERE customer_id = ?";

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.asof.gateway.online.TestStores#names")
    void validateReportsZeroOnCleanDataAndTheCorruptedKeyAfterAnOnlineRecordIsChanged(String storeName) {
        OnlineServingTest.MutableClock clock = new OnlineServingTest.MutableClock(T);
        AtomicReference<OnlineStore> store = new AtomicReference<>();
        try (AerospikeTestServer server = TestStores.serverFor(storeName)) {
            GatewayConfig config = TestStores.configure(TestUsers.withAdmin(GatewayConfig.embedded(dir)).withClock(clock),
                    storeName, server);
            try (AsofGateway gateway = AsofGateway.start(config, s -> {
                store.set(s);
                return s;
            })) {
                StatementExecutor executor = gateway.executor();
                define(executor, " LOG SAMPLE 1");
                run(executor, "MATERIALIZE customer_profile");
                for (long key = 1; key <= 20; key++) {
                    assertThat(rows(executor, LOOKUP, key)).hasSize(1);
                }
                assertThat(rows(executor, LOOKUP, 999L)).as("no value: nothing served, nothing logged").isEmpty();

                List<List<Object>> clean = rows(executor, "VALIDATE FEATURE VIEW customer_profile");
                assertThat(clean).containsExactly(
                        Arrays.asList("customer_profile", "segment", 20L, 0L, 0.0, null),
                        Arrays.asList("customer_profile", "score", 20L, 0L, 0.0, null));

                // Key 7's score becomes 999.5 in the online store only, as a broken writer would leave it.
                long viewId = executor.registry().objectId("customer_profile").orElseThrow();
                corrupt(store.get(), viewId, 7L, 2, 999.5);
                clock.set(T.plusSeconds(3_600));
                assertThat(rows(executor, LOOKUP, 7L)).containsExactly(List.of("s7", 999.5));
                assertThat(rows(executor, LOOKUP, 8L)).containsExactly(List.of("s8", 8.25));

                List<List<Object>> skewed = rows(executor, "VALIDATE FEATURE VIEW customer_profile");
                assertThat(skewed.get(0)).isEqualTo(Arrays.asList("customer_profile", "segment", 22L, 0L, 0.0, null));
                assertThat(skewed.get(1).subList(0, 5)).isEqualTo(List.of("customer_profile", "score", 22L, 1L, 1.0 / 22));
                assertThat((String) skewed.get(1).get(5))
                        .isEqualTo("customer_id=7 at 2025-03-01T01:00:00Z: served 999.5, offline 7.25");
                assertThat(gauge(gateway, "score")).isEqualTo(1.0 / 22);
                assertThat(gauge(gateway, "segment")).isEqualTo(0.0);

                // Only the lookups of the last hour: the two after the corruption.
                List<List<Object>> lastHour = rows(executor, "VALIDATE FEATURE VIEW customer_profile"
                        + " FROM TIMESTAMP '2025-03-01 00:30:00' TO TIMESTAMP '2025-03-01 02:00:00'");
                assertThat(lastHour.get(1).subList(2, 5)).isEqualTo(List.of(2L, 1L, 0.5));
                List<List<Object>> before = rows(executor, "VALIDATE FEATURE VIEW customer_profile"
                        + " TO TIMESTAMP '2025-03-01 00:30:00'");
                assertThat(before.get(1).subList(2, 5)).isEqualTo(List.of(20L, 0L, 0.0));
            }
        }
    }

    @Test
    void loggingIsTurnedOnAndOffWithAlterAndValidateSaysWhenNothingWasLogged() {
        OnlineServingTest.MutableClock clock = new OnlineServingTest.MutableClock(T);
        try (AsofGateway gateway = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir)).withClock(clock))) {
            StatementExecutor executor = gateway.executor();
            define(executor, "");
            run(executor, "MATERIALIZE customer_profile");
            // A statement prepared before the setting changes keeps working after it: no redefinition.
            var prepared = executor.prepare(LOOKUP);
            lookup(executor, prepared, 1L);
            assertThatThrownBy(() -> rows(executor, "VALIDATE FEATURE VIEW customer_profile"))
                    .isInstanceOf(AsofException.class)
                    .hasMessageContaining("no online lookup of feature view 'customer_profile' has been logged yet")
                    .satisfies(e -> assertThat(((AsofException) e).code().sqlState()).isEqualTo("55000"));

            run(executor, "ALTER FEATURE VIEW customer_profile SET LOG SAMPLE 1");
            lookup(executor, prepared, 1L);
            lookup(executor, prepared, 2L);
            run(executor, "ALTER FEATURE VIEW customer_profile SET LOG SAMPLE 0");
            lookup(executor, prepared, 3L);
            assertThat(rows(executor, "VALIDATE FEATURE VIEW customer_profile").get(0).get(2)).isEqualTo(2L);

            // The setting survives a restart (it is in the registry).
            run(executor, "ALTER FEATURE VIEW customer_profile SET LOG SAMPLE 1");
        }
        try (AsofGateway gateway = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir)).withClock(clock))) {
            StatementExecutor executor = gateway.executor();
            assertThat(rows(executor, LOOKUP, 4L)).hasSize(1);
            assertThat(rows(executor, "VALIDATE FEATURE VIEW customer_profile").get(0).get(2)).isEqualTo(3L);

            assertThatThrownBy(() -> run(executor, "ALTER FEATURE VIEW customer_profile SET LOG SAMPLE 1.5"))
                    .isInstanceOf(AsofException.class)
                    .hasMessageContaining("line 1, column 52: LOG SAMPLE is the fraction of lookups logged")
                    .satisfies(e -> assertThat(((AsofException) e).code().sqlState()).isEqualTo("22003"));
            assertThatThrownBy(() -> run(executor, "VALIDATE FEATURE VIEW customer_profil"))
                    .isInstanceOf(AsofException.class)
                    .hasMessageContaining("customer_profile");
            assertThatThrownBy(() -> run(executor, "ALTER FEATURE VIEW customer_profile SET LOG"))
                    .isInstanceOf(AsofException.class)
                    .satisfies(e -> assertThat(((AsofException) e).code().sqlState()).isEqualTo("42000"));
        }
    }

    @Test
    void settingsNeedMaterializeAndValidateNeedsSelectAndTheLogTableIsNotReadableWithoutAGrant() {
        OnlineServingTest.MutableClock clock = new OnlineServingTest.MutableClock(T);
        try (AsofGateway gateway = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir)).withClock(clock))) {
            StatementExecutor executor = gateway.executor();
            define(executor, " LOG SAMPLE 1");
            run(executor, "MATERIALIZE customer_profile");
            run(executor, "CREATE USER bob PASSWORD 'bob-password'");
            Principal bob = new Principal("bob", false, Peer.IN_PROCESS);
            assertThat(rows(executor, LOOKUP, 5L)).hasSize(1);
            rows(executor, "VALIDATE FEATURE VIEW customer_profile"); // waits for the log to be written
            long viewId = executor.registry().objectId("customer_profile").orElseThrow();
            String logTable = "lake.asof_internal.feature_log_customer_profile_" + viewId;
            assertThat(rows(executor, "SELECT customer_id, score FROM " + logTable)).containsExactly(List.of(5L, 5.25));

            assertRefused(executor, bob, "VALIDATE FEATURE VIEW customer_profile", "needs SELECT on feature view customer_profile");
            assertRefused(executor, bob, "ANALYZE FEATURE VIEW customer_profile", "needs SELECT on feature view customer_profile");
            assertRefused(executor, bob, "ALTER FEATURE VIEW customer_profile SET LOG SAMPLE 0.5",
                    "needs MATERIALIZE on feature view customer_profile");
            assertRefused(executor, bob, "SELECT * FROM " + logTable, "needs SELECT on table");

            run(executor, "GRANT SELECT ON FEATURE VIEW customer_profile TO bob");
            assertThat(rows(executor, bob, "VALIDATE FEATURE VIEW customer_profile").get(1).get(2)).isEqualTo(1L);
            assertThat(rows(executor, bob, "ANALYZE FEATURE VIEW customer_profile AS OF TIMESTAMP '2025-03-01 00:00:00'"))
                    .hasSize(2);
            assertRefused(executor, bob, "SELECT * FROM " + logTable, "needs SELECT on table");
            assertRefused(executor, bob, "ALTER FEATURE VIEW customer_profile SET DRIFT THRESHOLD 0.1",
                    "needs MATERIALIZE on feature view customer_profile");

            run(executor, "GRANT MATERIALIZE ON FEATURE VIEW customer_profile TO bob");
            run(executor, bob, "ALTER FEATURE VIEW customer_profile SET LOG SAMPLE 0.5");
            run(executor, "GRANT SELECT ON TABLE " + logTable + " TO bob");
            assertThat(rows(executor, bob, "SELECT customer_id FROM " + logTable)).containsExactly(List.of(5L));
        }
    }

    private static void assertRefused(StatementExecutor executor, Principal who, String sql, String reason) {
        assertThatThrownBy(() -> run(executor, who, sql))
                .isInstanceOf(AsofException.class)
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(((AsofException) e).code().sqlState()).isEqualTo("42501"));
    }

    /** 20 customers; customer k has segment "s<k>" and score k + 0.25, known since 2025-02-20. */
    private static void define(StatementExecutor executor, String logClause) {
        run(executor, "CREATE TABLE lake.main.profile (customer_id BIGINT, segment VARCHAR, score DOUBLE, ts TIMESTAMP)");
        StringBuilder values = new StringBuilder();
        for (int k = 1; k <= 20; k++) {
            values.append(k == 1 ? "" : ", ").append("(").append(k).append(", 's").append(k).append("', ")
                    .append(k + 0.25).append(", TIMESTAMP '2025-02-20 00:00:00')");
        }
        run(executor, "INSERT INTO lake.main.profile VALUES " + values);
        run(executor, "CREATE ENTITY customer (customer_id BIGINT)");
        run(executor, "CREATE SOURCE profile FROM TABLE lake.main.profile EVENT TIME ts");
        run(executor, "CREATE FEATURE VIEW customer_profile ENTITY customer FROM profile"
                + " AS SELECT customer_id, segment, score ONLINE" + logClause);
    }

    /** Overwrites feature {@code column} of {@code key}'s record in every stored version with {@code value}. */
    private static void corrupt(OnlineStore store, long viewId, long key, int column, Object value) {
        byte[] recordKey = OnlineRecords.key(viewId, List.of(key));
        byte[] record = store.getAll(List.of(recordKey)).get(0);
        assertThat(record).isNotNull();
        List<OnlineRecords.Version> versions = new ArrayList<>();
        for (OnlineRecords.Version v : OnlineRecords.decode(record)) {
            OnlineRecords.LatestValue latest = OnlineRecords.readLatestValue(v.payload());
            List<Object> values = new ArrayList<>(latest.values());
            values.set(column, value);
            versions.add(new OnlineRecords.Version(v.runId(), OnlineRecords.latestValue(latest.eventMicros(), values)));
        }
        store.putAll(List.of(new OnlineRecord(recordKey, OnlineRecords.encode(versions), Optional.empty())));
    }

    private static double gauge(AsofGateway gateway, String feature) {
        Gauge g = gateway.meters().find("asof.skew.mismatch.rate").tags("view", "customer_profile", "feature", feature)
                .gauge();
        assertThat(g).as("gauge for " + feature).isNotNull();
        return g.value();
    }

    private static void lookup(StatementExecutor executor, dev.asof.gateway.execution.PreparedQuery prepared, long key) {
        StatementResult r = executor.execute(prepared, List.of(key), QueryControl.none());
        try (RowCursor c = ((StatementResult.Rows) r).cursor()) {
            assertThat(c.next()).isTrue();
        }
    }

    private static void run(StatementExecutor executor, String sql) {
        TestStatements.run(executor, Principal.GATEWAY, sql);
    }

    private static void run(StatementExecutor executor, Principal who, String sql) {
        TestStatements.run(executor, who, sql);
    }

    private static List<List<Object>> rows(StatementExecutor executor, String sql, Object... parameters) {
        return TestStatements.rows(executor, Principal.GATEWAY, sql, parameters);
    }

    private static List<List<Object>> rows(StatementExecutor executor, Principal who, String sql, Object... parameters) {
        return TestStatements.rows(executor, who, sql, parameters);
    }
}
