package dev.asof.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.catalog.SourceLocation;
import dev.asof.planner.plan.GeneratedQuery;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.sql.TrinoDialect;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.TableName;
import java.sql.JDBCType;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shape of the Trino latest-value PIT join: the spine's rows carried through one union with
 * the source rows and one window (no distinct probe points, no join back, no probe-key semi-join
 * unless WHERE filters the spine), scalar ordering keys without a created time.
 */
class TrinoPitPlanTest {
    /** {@code customer_profile} (CREATED TIME, TTL 30 days) and {@code customer_segment} (neither). */
    private final Planner planner = new Planner(catalog(), new TrinoDialect());

    private static InMemoryCatalog catalog() {
        InMemoryCatalog c = InMemoryCatalog.standard();
        c.add(new Source("segment_updates", new SourceLocation.Table(TableName.of("lake", "crm", "profile_updates")),
                "updated_ts", Optional.empty(), InMemoryCatalog.PROFILE_COLUMNS,
                "CREATE SOURCE segment_updates FROM TABLE lake.crm.profile_updates EVENT TIME updated_ts"));
        c.add(new FeatureView("customer_segment", "customer", "segment_updates", FEATURES, Optional.empty(), false,
                "CREATE FEATURE VIEW customer_segment ENTITY customer FROM segment_updates"
                        + " AS SELECT customer_id, segment, credit_limit"));
        // The same columns with a zoned event time, and with a DATE one.
        List<ColumnMetadata> zoned = List.of(ColumnMetadata.of("customer_id", JDBCType.BIGINT),
                ColumnMetadata.of("updated_ts", JDBCType.TIMESTAMP_WITH_TIMEZONE),
                ColumnMetadata.of("segment", JDBCType.VARCHAR), ColumnMetadata.of("credit_limit", JDBCType.DOUBLE));
        List<ColumnMetadata> dated = List.of(ColumnMetadata.of("customer_id", JDBCType.BIGINT),
                ColumnMetadata.of("updated_ts", JDBCType.DATE),
                ColumnMetadata.of("segment", JDBCType.VARCHAR), ColumnMetadata.of("credit_limit", JDBCType.DOUBLE));
        c.table(TableName.of("lake", "crm", "zoned_updates"), zoned);
        c.table(TableName.of("lake", "crm", "dated_updates"), dated);
        c.add(new Source("zoned_updates", new SourceLocation.Table(TableName.of("lake", "crm", "zoned_updates")),
                "updated_ts", Optional.empty(), zoned,
                "CREATE SOURCE zoned_updates FROM TABLE lake.crm.zoned_updates EVENT TIME updated_ts"));
        c.add(new Source("dated_updates", new SourceLocation.Table(TableName.of("lake", "crm", "dated_updates")),
                "updated_ts", Optional.empty(), dated,
                "CREATE SOURCE dated_updates FROM TABLE lake.crm.dated_updates EVENT TIME updated_ts"));
        c.add(new FeatureView("zoned_segment", "customer", "zoned_updates", FEATURES, Optional.empty(), false,
                "CREATE FEATURE VIEW zoned_segment ENTITY customer FROM zoned_updates"
                        + " AS SELECT customer_id, segment, credit_limit"));
        c.add(new FeatureView("dated_segment", "customer", "dated_updates", FEATURES, Optional.empty(), false,
                "CREATE FEATURE VIEW dated_segment ENTITY customer FROM dated_updates"
                        + " AS SELECT customer_id, segment, credit_limit"));
        return c;
    }

    private static final List<Feature> FEATURES = List.of(
            new Feature("\"customer_id\"", ColumnMetadata.of("customer_id", JDBCType.BIGINT)),
            new Feature("\"segment\"", ColumnMetadata.of("segment", JDBCType.VARCHAR)),
            new Feature("\"credit_limit\"", ColumnMetadata.of("credit_limit", JDBCType.DOUBLE)));

    /** The range check of a plain TIMESTAMP: two comparisons with the limits, no field extracted. */
    private static final String PLAIN_CHECK = "CASE WHEN %1$s < TIMESTAMP '0001-01-01 00:00:00'"
            + " OR %1$s > TIMESTAMP '9999-12-31 23:59:59.999999' THEN FAIL('asof 22008: a time in %2$s is outside";

    private static final String SPINE = "SELECT l.id, p.segment, p.credit_limit FROM lake.ml.labels l\n";

    private String sql(String statement) {
        PlannedStatement p = planner.plan(statement);
        assertThat(p).isInstanceOf(PlannedStatement.Query.class);
        return ((PlannedStatement.Query) p).query().sql().replaceAll("\\s+", " ");
    }

    private static int count(String text, String part) {
        Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /**
     * Without a created time: one union of spine and source rows, one window with {@code
     * last_value(ROW(e, features)) IGNORE NULLS} ordered by instant (NULL last), kind, then each
     * feature NULLS FIRST (the tie rule as sort keys, no ROW/ARRAY key), the source read once and
     * not filtered (a NULL key or time is checked on the spine row instead), the spine once.
     */
    @Test
    void latestValueWithoutCreatedTimeIsOneWindowOverSpineAndSource() {
        String sql = sql(SPINE + "LEFT JOIN customer_segment AS OF l.event_ts p ON p.customer_id = l.customer_id");
        assertThat(sql).doesNotContain("DISTINCT").doesNotContain("EXISTS").doesNotContain("MAX_BY")
                .doesNotContain("ARRAY[").doesNotContain("__asof_t").doesNotContain("\"updated_ts\" IS NOT NULL")
                .doesNotContain("\"customer_id\" IS NOT NULL");
        assertThat(sql).contains("UNION ALL").contains("LAST_VALUE(CASE WHEN \"__kind\" = 0 THEN ROW(")
                .contains("IGNORE NULLS OVER (PARTITION BY \"__k0\" ORDER BY \"__tu\" NULLS LAST, \"__kind\","
                        + " \"__f0\" NULLS FIRST, \"__f1\" NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)")
                .contains("\"__r\" IS NOT NULL AND \"__k0\" IS NOT NULL AND \"__tu\" IS NOT NULL AS \"__has\"")
                .contains("CROSS JOIN LATERAL");
        assertThat(count(sql, "\"profile_updates\"")).isEqualTo(1);
        assertThat(count(sql, "\"labels\"")).isEqualTo(1);
        assertThat(count(sql, " OVER ")).isEqualTo(1);
    }

    /** EXCLUSIVE puts the spine row before source rows at the same instant: kind descending. */
    @Test
    void exclusiveOrdersSpineRowsFirstAtEqualInstants() {
        String sql = sql(SPINE + "LEFT JOIN customer_segment AS OF l.event_ts EXCLUSIVE p ON p.customer_id = l.customer_id");
        assertThat(sql).contains("ORDER BY \"__tu\" NULLS LAST, \"__kind\" DESC, \"__f0\" NULLS FIRST");
    }

    /**
     * With a created time the latest row by (e, c) need not be the last visible one: one running
     * max_by over (e, c, features) for the whole row, still over the carried spine; the TTL
     * compares the chosen row's event instant.
     */
    @Test
    void createdTimeUsesOneRunningArgMaxOverTheCarriedSpine() {
        String sql = sql(SPINE + "LEFT JOIN customer_profile AS OF l.event_ts p ON p.customer_id = l.customer_id");
        assertThat(sql).doesNotContain("DISTINCT").doesNotContain("EXISTS").doesNotContain("LAST_VALUE");
        assertThat(count(sql, "MAX_BY(")).isEqualTo(1);
        assertThat(sql).contains("\"__r\"[1] >= DATE_ADD('second', -2592000, \"__tu\")");
    }

    /** A WHERE over the spine filters the spine rows and restricts the source to their keys. */
    @Test
    void spineFilterIsPushedAndRestrictsTheSource() {
        GeneratedQuery q = ((PlannedStatement.Query) planner.plan(SPINE
                + "LEFT JOIN customer_segment AS OF l.event_ts p ON p.customer_id = l.customer_id WHERE l.id > ?")).query();
        assertThat(q.sql()).contains("EXISTS");
        assertThat(q.parameterOrder()).containsExactly(0, 0, 0);
        assertThat(q.bind(List.of(42L))).containsExactly(42L, 42L, 42L);

        // Under a RIGHT JOIN the spine's rows are not the result's: nothing is pushed.
        String right = sql(SPINE + "LEFT JOIN customer_segment AS OF l.event_ts p ON p.customer_id = l.customer_id"
                + " RIGHT JOIN lake.ml.labels m ON m.id = l.id WHERE l.id > 1");
        assertThat(right).doesNotContain("EXISTS");
    }

    /** Every relation of a spine that is itself a join is carried and named again. */
    @Test
    void spineOfSeveralRelationsIsCarriedWhole() {
        String sql = sql("SELECT * FROM lake.ml.labels l JOIN lake.ml.labels m ON m.id = l.id\n"
                + "LEFT JOIN customer_segment AS OF m.event_ts p ON p.customer_id = l.customer_id");
        assertThat(sql).doesNotContain("DISTINCT").contains(") AS \"l\"").contains(") AS \"m\"").contains(") AS \"p\"");
    }

    /** Two views in one query: the second carries the first's result as its spine. */
    @Test
    void twoViewsNest() {
        String sql = sql("SELECT l.id, p.segment, q.credit_limit FROM lake.ml.labels l\n"
                + "LEFT JOIN customer_segment AS OF l.event_ts p ON p.customer_id = l.customer_id\n"
                + "LEFT JOIN customer_profile AS OF l.event_ts q ON q.customer_id = l.customer_id");
        assertThat(sql).doesNotContain("DISTINCT");
        assertThat(count(sql, " OVER ")).isEqualTo(2);
    }

    /** An inner PIT join keeps only spine rows with a live value, in the same single pass. */
    @Test
    void innerJoinFiltersTheCarriedRows() {
        String sql = sql(SPINE + "JOIN customer_profile AS OF l.event_ts p ON p.customer_id = l.customer_id");
        assertThat(sql).doesNotContain("DISTINCT").contains("WHERE \"__kind\" = 1 AND (\"__r\" IS NOT NULL AND \"__r\"[1] >=");
    }

    /**
     * Spine and source times both plain TIMESTAMPs: compared as they are, no zone attached, and
     * the range check compares with the two limits (README "Times at the edges").
     */
    @Test
    void plainTimesAreComparedAsTheyAre() {
        String sql = sql(SPINE + "LEFT JOIN customer_segment AS OF l.event_ts p ON p.customer_id = l.customer_id");
        assertThat(sql).doesNotContainIgnoringCase("with_timezone").doesNotContainIgnoringCase("at_timezone")
                .doesNotContain("YEAR(");
        assertThat(sql).contains(PLAIN_CHECK.formatted("\"updated_ts\"", "column ''updated_ts''"))
                .contains(PLAIN_CHECK.formatted("\"l\".\"event_ts\"", "column ''event_ts''"))
                .contains("ELSE \"updated_ts\" END AS \"__tu\"")
                .contains("ELSE \"l\".\"event_ts\" END AS \"__tu\"");
    }

    /** A DATE event time against a TIMESTAMP spine: the date checked as a date, then its midnight. */
    @Test
    void dateEventTimeBecomesItsMidnightTimestamp() {
        String sql = sql(SPINE + "LEFT JOIN dated_segment AS OF l.event_ts EXCLUSIVE p ON p.customer_id = l.customer_id");
        assertThat(sql).doesNotContainIgnoringCase("with_timezone")
                .contains("CASE WHEN \"updated_ts\" < DATE '0001-01-01' OR \"updated_ts\" > DATE '9999-12-31'"
                        + " THEN FAIL('asof 22008: a time in column ''updated_ts'' is outside")
                .contains("ELSE CAST(\"updated_ts\" AS TIMESTAMP) END AS \"__tu\"");
    }

    /** A zoned time on either side: every instant of the plan is a TIMESTAMP WITH TIME ZONE. */
    @Test
    void aZonedTimeKeepsInstantsWithTheirZone() {
        String sql = sql(SPINE + "LEFT JOIN zoned_segment AS OF l.event_ts p ON p.customer_id = l.customer_id");
        assertThat(count(sql, "WITH_TIMEZONE(\"l\".\"event_ts\", 'UTC')")).isGreaterThan(0);
        assertThat(sql).doesNotContain("TIMESTAMP '9999-12-31").contains("YEAR(AT_TIMEZONE(");
    }

    /**
     * With a created time the tie key of the running max_by is a ROW of scalars that are never
     * NULL: the instants as they are, each feature as its IS NOT NULL flag and a stand-in.
     */
    @Test
    void createdTimeTieKeyIsScalar() {
        String sql = sql(SPINE + "LEFT JOIN customer_profile AS OF l.event_ts p ON p.customer_id = l.customer_id");
        assertThat(sql).doesNotContain("ARRAY[").doesNotContainIgnoringCase("with_timezone")
                .contains("\"segment\" IS NOT NULL, COALESCE(\"segment\", ''), \"credit_limit\" IS NOT NULL,"
                        + " COALESCE(\"credit_limit\", CAST(0 AS DOUBLE))) AS \"__o\"");
    }

    /**
     * The spine is the source's own table, probed EXCLUSIVE at each row's event time: the table is
     * read once, no union; two windows over the same order.
     */
    @Test
    void sourceAsItsOwnSpineIsReadOnce() {
        String sql = sql("SELECT u.customer_id, u.updated_ts, p.segment FROM lake.crm.profile_updates u\n"
                + "LEFT JOIN customer_segment AS OF u.updated_ts EXCLUSIVE p ON p.customer_id = u.customer_id");
        assertThat(sql).doesNotContain("UNION ALL").doesNotContain("__kind");
        assertThat(count(sql, "\"profile_updates\"")).isEqualTo(1);
        assertThat(count(sql, " OVER ")).isEqualTo(2);
        assertThat(sql).contains("ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS \"__prev\"")
                .contains("LAST_VALUE(CASE WHEN \"__prev\"[1] < \"__tu\" THEN \"__prev\" ELSE NULL END) IGNORE NULLS");

        // Not the same rows or not the same instants: the union plan.
        for (String other : List.of(
                "LEFT JOIN customer_segment AS OF u.updated_ts p ON p.customer_id = u.customer_id",
                "LEFT JOIN customer_segment AS OF u.loaded_at EXCLUSIVE p ON p.customer_id = u.customer_id",
                "LEFT JOIN customer_segment AS OF u.updated_ts EXCLUSIVE p ON p.customer_id = u.customer_id"
                        + " WHERE u.segment = 'a'",
                "LEFT JOIN customer_profile AS OF u.updated_ts EXCLUSIVE p ON p.customer_id = u.customer_id")) {
            assertThat(sql("SELECT u.customer_id, p.segment FROM lake.crm.profile_updates u\n" + other))
                    .as(other).contains("UNION ALL");
        }
        assertThat(sql("SELECT l.id, p.segment FROM lake.ml.labels l\n"
                + "LEFT JOIN customer_segment AS OF l.event_ts EXCLUSIVE p ON p.customer_id = l.customer_id"))
                .contains("UNION ALL");
    }

    /**
     * A DATE event time cast to TIMESTAMP is the same instant: still one scan, and one window:
     * ordered by the time alone, the frame up to one day before the row is every earlier row, the
     * greatest ROW(e, flag, stand-in, …) in it the latest by the tie rule.
     */
    @Test
    void dateEventTimeCastToTimestampIsTheSameInstant() {
        String sql = sql("SELECT d.customer_id, p.segment FROM lake.crm.dated_updates d\n"
                + "LEFT JOIN dated_segment AS OF CAST(d.updated_ts AS TIMESTAMP) EXCLUSIVE p ON p.customer_id = d.customer_id");
        assertThat(sql).doesNotContain("UNION ALL").doesNotContain("LAST_VALUE").doesNotContain("ARRAY[");
        assertThat(count(sql, "\"dated_updates\"")).isEqualTo(1);
        assertThat(count(sql, " OVER ")).isEqualTo(1);
        assertThat(sql).contains("MAX(CASE WHEN \"__tu\" IS NOT NULL THEN ROW(\"__tu\", \"__f0\" IS NOT NULL,"
                        + " COALESCE(\"__f0\", ''), \"__f1\" IS NOT NULL, COALESCE(\"__f1\", CAST(0 AS DOUBLE))) ELSE NULL END)"
                        + " OVER (PARTITION BY \"__k0\" ORDER BY \"__tu\" NULLS LAST"
                        + " RANGE BETWEEN UNBOUNDED PRECEDING AND INTERVAL '1' DAY PRECEDING) AS \"__r\"")
                // Each feature: its flag, then its value.
                .contains("CASE WHEN \"__asof_p\".\"__has\" AND \"__asof_p\".\"__r\"[2] THEN \"__asof_p\".\"__r\"[3] ELSE NULL END AS \"segment\"");
    }
}
