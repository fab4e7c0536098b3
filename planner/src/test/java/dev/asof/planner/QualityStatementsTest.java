package dev.asof.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.plan.GeneratedQuery;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.quality.PopulationStability;
import dev.asof.planner.quality.QualityQueries;
import dev.asof.planner.quality.QualityStatement;
import dev.asof.planner.quality.ValueMatch;
import dev.asof.planner.sql.DuckDbDialect;
import dev.asof.planner.sql.TrinoDialect;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.TableName;
import java.sql.JDBCType;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The monitoring statements in the planner: grammar, checks, their warehouse SQL per dialect, PSI, value matching. */
class QualityStatementsTest {
    private final InMemoryCatalog catalog = InMemoryCatalog.standard();
    private final Planner planner = new Planner(catalog, new DuckDbDialect());

    private QualityStatement quality(String sql) {
        PlannedStatement p = planner.plan(sql);
        assertThat(p).isInstanceOf(PlannedStatement.FeatureQuality.class);
        return ((PlannedStatement.FeatureQuality) p).statement();
    }

    private AsofException error(String sql) {
        Throwable t = catchThrowable(() -> planner.plan(sql));
        assertThat(t).as(sql).isInstanceOf(AsofException.class);
        return (AsofException) t;
    }

    @Test
    void statementsParseIntoTheirPlans() {
        assertThat(quality("ALTER FEATURE VIEW customer_profile SET LOG SAMPLE 0.01"))
                .isEqualTo(new QualityStatement.SetLogSample("customer_profile", 0.01));
        assertThat(quality("alter feature view CUSTOMER_PROFILE set log sample 0"))
                .isEqualTo(new QualityStatement.SetLogSample("customer_profile", 0));
        assertThat(quality("ALTER FEATURE VIEW customer_profile SET DRIFT THRESHOLD 0.25"))
                .isEqualTo(new QualityStatement.SetDriftThreshold("customer_profile", 0.25));
        assertThat(quality("VALIDATE FEATURE VIEW customer_profile"))
                .isEqualTo(new QualityStatement.Validate("customer_profile", Optional.empty(), Optional.empty()));
        assertThat(quality("VALIDATE FEATURE VIEW customer_profile FROM TIMESTAMP '2025-03-01 00:00:00'"
                + " TO '2025-03-02T00:00:00+01:00';"))
                .isEqualTo(new QualityStatement.Validate("customer_profile", Optional.of(Instant.parse("2025-03-01T00:00:00Z")),
                        Optional.of(Instant.parse("2025-03-01T23:00:00Z"))));
        assertThat(quality("ANALYZE FEATURE VIEW customer_profile AS OF TIMESTAMP '2025-03-01 12:00:00.5'"))
                .isEqualTo(new QualityStatement.Analyze("customer_profile", Optional.of(Instant.parse("2025-03-01T12:00:00.500Z"))));
        assertThat(quality("ANALYZE FEATURE VIEW customer_profile"))
                .isEqualTo(new QualityStatement.Analyze("customer_profile", Optional.empty()));
        assertThat(quality("ANALYZE FEATURE VIEW customer_profile DRIFT FROM TIMESTAMP '2025-01-01 00:00:00'"))
                .isEqualTo(new QualityStatement.Drift("customer_profile", Instant.parse("2025-01-01T00:00:00Z"), Optional.empty()));
        // The warehouse's own ANALYZE still passes through.
        assertThat(planner.plan("ANALYZE lake.ml.labels")).isInstanceOf(PlannedStatement.PassThrough.class);
        assertThat(planner.plan("ALTER TABLE lake.ml.labels ADD COLUMN z INT")).isInstanceOf(PlannedStatement.PassThrough.class);
    }

    @Test
    void createTakesALogSampleClauseAndLogStaysAUsableName() {
        PlannedStatement.CreateFeatureView c = (PlannedStatement.CreateFeatureView) planner.plan(
                "CREATE FEATURE VIEW v2 ENTITY customer FROM profile_updates AS SELECT customer_id, segment ONLINE LOG SAMPLE 0.5");
        assertThat(c.logSample()).isEqualTo(OptionalDouble.of(0.5));
        PlannedStatement.CreateFeatureView without = (PlannedStatement.CreateFeatureView) planner.plan(
                "CREATE FEATURE VIEW v2 ENTITY customer FROM profile_updates AS SELECT customer_id, segment AS log");
        assertThat(without.logSample()).isEmpty();
        assertThat(without.draft().columnNames()).containsExactly("customer_id", "log");
        assertThat(planner.plan("SELECT LOG(10, credit_limit) AS log, 1 AS sample FROM customer_profile"
                + " AS OF TIMESTAMP '2025-01-01 00:00:00'")).isInstanceOf(PlannedStatement.Query.class);
    }

    @Test
    void badSettingsNamesAndTimesAreClearErrors() {
        AsofException tooBig = error("ALTER FEATURE VIEW customer_profile SET LOG SAMPLE 2");
        assertThat(tooBig.code().sqlState()).isEqualTo("22003");
        assertThat(tooBig.getMessage()).startsWith("line 1, column 52: LOG SAMPLE is the fraction");
        AsofException zero = error("ALTER FEATURE VIEW customer_profile SET DRIFT THRESHOLD 0");
        assertThat(zero.code().sqlState()).isEqualTo("22003");
        assertThat(error("CREATE FEATURE VIEW v2 ENTITY customer FROM profile_updates AS SELECT customer_id ONLINE LOG SAMPLE 1.01")
                .code().sqlState()).isEqualTo("22003");
        AsofException unknown = error("VALIDATE FEATURE VIEW customer_profil");
        assertThat(unknown.code().sqlState()).isEqualTo("42S02");
        assertThat(unknown.getMessage()).contains("line 1, column 23").contains("customer_profile");
        assertThat(error("ANALYZE FEATURE VIEW customer AS OF TIMESTAMP '2025-01-01 00:00:00'").getMessage())
                .contains("'customer' is not a feature view");
        AsofException order = error("ANALYZE FEATURE VIEW customer_profile DRIFT FROM TIMESTAMP '2025-02-01 00:00:00'"
                + " TO TIMESTAMP '2025-01-01 00:00:00'");
        assertThat(order.getMessage()).contains("is not before TO");
        AsofException badTime = error("VALIDATE FEATURE VIEW customer_profile FROM 'yesterday'");
        assertThat(badTime.code().sqlState()).isEqualTo("22007");
        assertThat(badTime.getMessage()).contains("VALIDATE times are TIMESTAMP literals");
        AsofException syntax = error("ALTER FEATURE VIEW customer_profile SET LOG SAMPLES 0.1");
        assertThat(syntax.code().sqlState()).isEqualTo("42000");
        assertThat(syntax.getMessage()).contains("column 45");
    }

    @Test
    void replayJoinsTheLogAsTheSpineOfOnePitQuery() {
        TableName log = TableName.of("lake", "asof_internal", "feature_log_customer_profile_3");
        catalog.table(log, List.of(ColumnMetadata.of("customer_id", JDBCType.BIGINT),
                new ColumnMetadata(QualityQueries.LOOKUP_TIME, JDBCType.TIMESTAMP, "TIMESTAMP", 26, 6),
                ColumnMetadata.of("segment", JDBCType.VARCHAR), ColumnMetadata.of("credit_limit", JDBCType.DOUBLE)));
        FeatureView view = (FeatureView) catalog.object("customer_profile").orElseThrow();
        GeneratedQuery replay = new QualityQueries(catalog, new DuckDbDialect()).replay(view, log,
                Optional.of(Instant.parse("2025-03-01T00:00:00Z")), Optional.empty());
        assertThat(replay.sql()).contains("\"lake\".\"asof_internal\".\"feature_log_customer_profile_3\"")
                // A view with a CREATED TIME: the log's rows carried through one window with the source.
                .contains("UNION ALL").contains("LEFT JOIN LATERAL")
                .contains("TIMESTAMP '2025-03-01 00:00:00")
                .contains("\"served_0\"").contains("\"offline_1\"");
        assertThat(replay.parameterOrder()).isEmpty();
    }

    @Test
    void statisticsUseEachEnginesOwnEstimators() {
        FeatureView view = (FeatureView) catalog.object("customer_profile").orElseThrow();
        Instant t = Instant.parse("2025-03-01T00:00:00Z");
        String duck = new QualityQueries(catalog, new DuckDbDialect()).statistics(view, t).sql();
        String trino = new QualityQueries(catalog, new TrinoDialect()).statistics(view, t).sql();
        assertThat(duck).containsIgnoringCase("APPROX_COUNT_DISTINCT(").containsIgnoringCase("APPROX_QUANTILE(")
                .doesNotContainIgnoringCase("approx_percentile");
        assertThat(trino).containsIgnoringCase("approx_distinct(").containsIgnoringCase("approx_percentile(")
                .doesNotContainIgnoringCase("APPROX_QUANTILE");
        // segment is text: no mean or quantiles of it.
        assertThat(duck).doesNotContain("AVG(CAST(\"s\".\"segment\"");
    }

    @Test
    void populationStabilityIndexFollowsItsFormula() {
        assertThat(PopulationStability.index(Map.of("A", 50L, "B", 30L, "C", 20L), Map.of("A", 5L, "B", 3L, "C", 2L)))
                .isEqualTo(0.0);
        assertThat(PopulationStability.index(Map.of("A", 50L, "B", 50L), Map.of("A", 20L, "B", 80L)))
                .isCloseTo(-0.3 * Math.log(0.4) + 0.3 * Math.log(1.6), org.assertj.core.api.Assertions.within(1e-12));
        // A bin that empties counts with the share 1e-4, not as infinity.
        assertThat(PopulationStability.index(Map.of("A", 50L, "B", 50L), Map.of("A", 100L)))
                .isCloseTo((1e-4 - 0.5) * Math.log(1e-4 / 0.5) + 0.5 * Math.log(2), org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void valuesMatchExactlyOrWithinTheFloatingPointTolerance() {
        assertThat(ValueMatch.same(1.0, 1.0 + 1e-12)).isTrue();
        assertThat(ValueMatch.same(1e6, 1e6 + 1e-3)).isFalse();
        assertThat(ValueMatch.same(0.0, 1e-13)).isTrue();
        assertThat(ValueMatch.same(0.0, 1e-6)).isFalse();
        assertThat(ValueMatch.same(3L, 3)).isTrue();
        assertThat(ValueMatch.same(3L, new java.math.BigDecimal("3.00"))).isTrue();
        assertThat(ValueMatch.same(3L, 4L)).isFalse();
        assertThat(ValueMatch.same(Double.NaN, Double.NaN)).isTrue();
        assertThat(ValueMatch.same(null, 0.0)).isFalse();
        assertThat(ValueMatch.same(null, null)).isTrue();
        assertThat(ValueMatch.same(LocalDateTime.of(2025, 3, 1, 0, 0),
                OffsetDateTime.of(2025, 3, 1, 1, 0, 0, 0, ZoneOffset.ofHours(1)))).isTrue();
        assertThat(ValueMatch.same("a", "b")).isFalse();
    }
}
