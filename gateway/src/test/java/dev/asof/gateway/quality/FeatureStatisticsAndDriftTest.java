package dev.asof.gateway.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestStatements;
import dev.asof.gateway.TestUsers;
import dev.asof.gateway.session.Principal;
import dev.asof.gateway.execution.StatementExecutor;
import io.micrometer.core.instrument.Gauge;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ANALYZE FEATURE VIEW and its DRIFT form on DuckDB, over 1,000 entities whose values are known at
 * four times:
 *
 * <ul>
 *   <li>t1 (baseline): x = k for k <= 990, ten outliers of 1e6; y = k mod 7, NULL for k mod 4 = 0;
 *       cat A/B/C in shares 50/30/20 %;
 *   <li>t2: the same values, each moved to another key (a permutation): the distribution is
 *       unchanged, so nothing drifts although every key's value changed;
 *   <li>t3: x of the 990 dense values shifted by +300 (the outliers stay), cat in shares 20/30/50 %:
 *       both drift. Bins of equal width over x's range would hold the dense values in one bin and
 *       see nothing: only bins by the baseline's quantiles find the shift;
 *   <li>t4: cat in shares 38/30/32 %: PSI 0.0893, stable at the default threshold 0.2 (a total
 *       variation distance, 0.24, would call it drifted), drifted at a threshold of 0.05.
 * </ul>
 */
class FeatureStatisticsAndDriftTest {
    private static final String[] TIMES = {"2025-01-01 00:00:00", "2025-02-01 00:00:00", "2025-03-01 00:00:00",
        "2025-04-01 00:00:00"};
    private static final int KEYS = 1000;

    @TempDir
    Path dir;
    private AsofGateway gateway;
    private StatementExecutor executor;

    @BeforeEach
    void start() {
        gateway = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir)));
        executor = gateway.executor();
        run("CREATE TABLE lake.main.things (k BIGINT, x DOUBLE, y INTEGER, cat VARCHAR, ts TIMESTAMP)");
        StringBuilder values = new StringBuilder();
        String[] eventTimes = {"2024-12-31 00:00:00", "2025-01-31 00:00:00", "2025-02-28 00:00:00", "2025-03-31 00:00:00"};
        for (int snapshot = 0; snapshot < 4; snapshot++) {
            for (int k = 1; k <= KEYS; k++) {
                int p = snapshot == 1 ? (k - 1) * 7 % KEYS + 1 : k; // t2: another key's values
                double x = p <= 990 ? p + (snapshot == 2 ? 300 : 0) : 1e6;
                String y = p % 4 == 0 ? "NULL" : Integer.toString(p % 7);
                String cat = switch (snapshot) {
                    case 2 -> k % 10 < 2 ? "A" : k % 10 < 5 ? "B" : "C";
                    case 3 -> k % 100 < 38 ? "A" : k % 100 < 68 ? "B" : "C";
                    default -> p % 10 < 5 ? "A" : p % 10 < 8 ? "B" : "C";
                };
                values.append(values.length() == 0 ? "" : ", ").append("(").append(k).append(", ").append(x)
                        .append(", ").append(y).append(", '").append(cat).append("', TIMESTAMP '")
                        .append(eventTimes[snapshot]).append("')");
            }
        }
        run("INSERT INTO lake.main.things VALUES " + values);
        run("CREATE ENTITY thing (k BIGINT)");
        run("CREATE SOURCE things FROM TABLE lake.main.things EVENT TIME ts");
        run("CREATE FEATURE VIEW thing_state ENTITY thing FROM things AS SELECT k, x, y, cat");
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void analyzeComputesTheStatisticsOfTheValuesAsOfTheTime() {
        Map<String, List<Object>> stats = byFeature(rows("ANALYZE FEATURE VIEW thing_state AS OF TIMESTAMP '" + TIMES[0] + "'"));
        assertThat(stats.keySet()).containsExactly("x", "y", "cat");

        List<Object> x = stats.get("x");
        assertThat(x.subList(0, 6)).containsExactly("thing_state", "x", "2025-01-01T00:00:00Z", 1000L, 0L, 0.0);
        assertThat((Long) x.get(6)).as("distinct estimate of 991 values").isBetween(940L, 1040L);
        assertThat(x.get(7)).isEqualTo(1.0);
        assertThat(x.get(8)).isEqualTo(1e6);
        assertThat((Double) x.get(9)).isCloseTo((990 * 991 / 2.0 + 10 * 1e6) / 1000, within(1e-6));
        double mean = (990 * 991 / 2.0 + 10 * 1e6) / 1000;
        double squares = 0;
        for (int k = 1; k <= 1000; k++) {
            double v = k <= 990 ? k : 1e6;
            squares += (v - mean) * (v - mean);
        }
        assertThat((Double) x.get(10)).isCloseTo(Math.sqrt(squares / 999), within(1e-6));
        assertThat((Double) x.get(11)).as("p01").isBetween(5.0, 16.0);
        assertThat((Double) x.get(12)).as("p50").isBetween(480.0, 520.0);
        // The true p99 lies between the last dense value and the outliers; the estimate interpolates.
        assertThat((Double) x.get(13)).as("p99").isBetween(980.0, 1e6);

        List<Object> y = stats.get("y");
        assertThat(y.subList(3, 7)).containsExactly(1000L, 250L, 0.25, 7L);
        assertThat(y.get(7)).isEqualTo(0.0);
        assertThat(y.get(8)).isEqualTo(6.0);

        List<Object> cat = stats.get("cat");
        assertThat(cat.subList(3, 7)).containsExactly(1000L, 0L, 0.0, 3L);
        assertThat(cat.subList(7, 14)).containsOnlyNulls();

        // Before any value is known: no rows.
        assertThat(byFeature(rows("ANALYZE FEATURE VIEW thing_state AS OF TIMESTAMP '2024-01-01 00:00:00'"))
                .get("x").subList(3, 5)).containsExactly(0L, 0L);
    }

    @Test
    void driftIsFlaggedOnAShiftedDistributionAndNotOnAStableOne() {
        // Another monitoring setting of the view leaves the drift threshold at its default.
        run("ALTER FEATURE VIEW thing_state SET LOG SAMPLE 0.5");
        Map<String, List<Object>> stable = drift(0, 1);
        for (String f : List.of("x", "y", "cat")) {
            assertThat((Double) stable.get(f).get(6)).as(f + " permuted: same distribution").isCloseTo(0.0, within(1e-12));
            assertThat(stable.get(f).get(8)).as(f).isEqualTo(false);
            assertThat(flag(f)).isEqualTo(0.0);
        }
        assertThat(stable.get("x").subList(2, 6)).containsExactly("numeric", 10, 1000L, 1000L); // the deciles' 10 bins
        assertThat(stable.get("y").get(2)).isEqualTo("numeric");
        assertThat(stable.get("cat").subList(2, 4)).containsExactly("categorical", 3);

        Map<String, List<Object>> shifted = drift(0, 2);
        assertThat((Double) shifted.get("x").get(6)).as("dense values moved out of the low deciles").isGreaterThan(1.0);
        assertThat(shifted.get("x").get(8)).isEqualTo(true);
        assertThat((Double) shifted.get("cat").get(6)).isCloseTo(0.3 * Math.log(2.5) * 2, within(1e-9));
        assertThat(shifted.get("cat").get(8)).isEqualTo(true);
        assertThat(shifted.get("y").get(8)).isEqualTo(false);
        assertThat(shifted.get("cat").get(7)).isEqualTo(0.2);
        assertThat(flag("x")).isEqualTo(1.0);
        assertThat(flag("cat")).isEqualTo(1.0);
        assertThat(flag("y")).isEqualTo(0.0);

        double moderate = -0.12 * Math.log(0.38 / 0.5) + 0.12 * Math.log(0.32 / 0.2);
        Map<String, List<Object>> slight = drift(0, 3);
        assertThat((Double) slight.get("cat").get(6)).isCloseTo(moderate, within(1e-9));
        assertThat(slight.get("cat").get(8)).isEqualTo(false);
        assertThat(flag("cat")).isEqualTo(0.0);

        run("ALTER FEATURE VIEW thing_state SET DRIFT THRESHOLD 0.05");
        Map<String, List<Object>> strict = drift(0, 3);
        assertThat(strict.get("cat").subList(6, 9)).containsExactly(moderate, 0.05, true);
        assertThat(strict.get("x").get(8)).isEqualTo(false);
        assertThat(flag("cat")).isEqualTo(1.0);
    }

    private Map<String, List<Object>> drift(int from, int to) {
        return byFeature(rows("ANALYZE FEATURE VIEW thing_state DRIFT FROM TIMESTAMP '" + TIMES[from]
                + "' TO TIMESTAMP '" + TIMES[to] + "'"));
    }

    private double flag(String feature) {
        Gauge g = gateway.meters().find("asof.feature.drift.flag").tags("view", "thing_state", "feature", feature).gauge();
        assertThat(g).isNotNull();
        return g.value();
    }

    private static Map<String, List<Object>> byFeature(List<List<Object>> rows) {
        Map<String, List<Object>> byFeature = new LinkedHashMap<>();
        rows.forEach(r -> byFeature.put((String) r.get(1), r));
        return byFeature;
    }

    private void run(String sql) {
        TestStatements.run(executor, Principal.GATEWAY, sql);
    }

    private List<List<Object>> rows(String sql) {
        return TestStatements.rows(executor, Principal.GATEWAY, sql);
    }
}
