package dev.asof.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.catalog.SourceLocation;
import dev.asof.planner.ddl.DefinitionPlanner;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.sql.DuckDbDialect;
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.planner.sql.TrinoDialect;
import dev.asof.planner.window.WindowAggregate;
import dev.asof.planner.window.WindowFunction;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.TableName;
import java.sql.JDBCType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Windowed feature views planned without an engine. */
class WindowPlannerTest {
    static final List<ColumnMetadata> TX_COLUMNS = List.of(
            ColumnMetadata.of("customer_id", JDBCType.BIGINT),
            ColumnMetadata.of("txn_ts", JDBCType.TIMESTAMP),
            ColumnMetadata.of("loaded_at", JDBCType.TIMESTAMP),
            ColumnMetadata.of("amount", JDBCType.DOUBLE),
            ColumnMetadata.of("merchant", JDBCType.VARCHAR));

    /** The standard catalog plus {@code lake.sales.transactions} and sources over it, with and without CREATED TIME. */
    static InMemoryCatalog catalog() {
        InMemoryCatalog c = InMemoryCatalog.standard();
        c.table(TableName.of("lake", "sales", "transactions"), TX_COLUMNS);
        c.add(new Source("transactions", new SourceLocation.Table(TableName.of("lake", "sales", "transactions")), "txn_ts",
                Optional.of("loaded_at"), TX_COLUMNS, "CREATE SOURCE transactions ..."));
        c.add(new Source("transactions_now", new SourceLocation.Table(TableName.of("lake", "sales", "transactions")), "txn_ts",
                Optional.empty(), TX_COLUMNS, "CREATE SOURCE transactions_now ..."));
        return c;
    }

    /** Runs CREATE FEATURE VIEW against the catalog, typing arguments as the source's columns. */
    static FeatureView define(InMemoryCatalog catalog, EngineDialect dialect, String ddl) {
        PlannedStatement.CreateFeatureView c = (PlannedStatement.CreateFeatureView) new Planner(catalog, dialect).plan(ddl);
        List<ColumnMetadata> types = new ArrayList<>();
        for (String e : c.draft().expressions()) {
            String column = e.replace("\"", "");
            types.add(TX_COLUMNS.stream().filter(t -> t.name().equals(column)).findFirst()
                    .orElse(ColumnMetadata.of("x", JDBCType.BIGINT)));
        }
        FeatureView v = new DefinitionPlanner(catalog, dialect).featureView(c.draft(), types);
        catalog.add(v);
        return v;
    }

    static final String SPEND = "CREATE FEATURE VIEW spend ENTITY customer FROM transactions AS SELECT customer_id,"
            + " COUNT(*) OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS n_1h,"
            + " SUM(amount) OVER (RANGE INTERVAL '1' DAY PRECEDING) AS sum_1d,"
            + " AVG(amount) OVER (RANGE BETWEEN INTERVAL '7' DAY PRECEDING AND CURRENT ROW) AS avg_7d,"
            + " MIN(amount) OVER (RANGE INTERVAL '7' DAY PRECEDING) AS min_7d,"
            + " MAX(merchant) OVER (RANGE INTERVAL '7' DAY PRECEDING) AS max_m_7d,"
            + " STDDEV_SAMP(amount) OVER (RANGE INTERVAL '7' DAY PRECEDING) AS sd_7d,"
            + " LAST(merchant) OVER (RANGE INTERVAL '1' DAY PRECEDING) AS last_m,"
            + " COUNT(DISTINCT merchant) OVER (RANGE INTERVAL '7' DAY PRECEDING) AS dm_7d,"
            + " APPROX_COUNT_DISTINCT(merchant) OVER (RANGE INTERVAL '7' DAY PRECEDING) AS am_7d"
            + " HOP INTERVAL '5' MINUTE";

    @Test
    void windowedJoinIsOneFramedWindowPerAggregateOnBothEngines() {
        for (EngineDialect d : List.of(new DuckDbDialect(), new TrinoDialect())) {
            InMemoryCatalog catalog = catalog();
            define(catalog, d, SPEND);
            PlannedStatement p = new Planner(catalog, d).plan("SELECT l.id, s.* FROM lake.ml.labels l"
                    + " LEFT JOIN spend AS OF l.event_ts s ON s.customer_id = l.customer_id");
            String sql = ((PlannedStatement.Query) p).query().sql();
            // Whole tiles are summed by a window frame over rows and probes, never a scan per spine row.
            assertThat(sql).as(d.name()).contains("RANGE BETWEEN").doesNotContain("LATERAL");
        }
    }

    static final String BENCH_WINDOWS = " AS SELECT customer_id, COUNT(*) OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS n_1h,"
            + " SUM(amount) OVER (RANGE INTERVAL '1' DAY PRECEDING) AS sum_1d,"
            + " AVG(amount) OVER (RANGE INTERVAL '7' DAY PRECEDING) AS avg_7d";

    private static String sql(EngineDialect d, String ddl, String query) {
        InMemoryCatalog catalog = catalog();
        define(catalog, d, ddl);
        return ((PlannedStatement.Query) new Planner(catalog, d).plan(query)).query().sql();
    }

    /**
     * A training extract from a windowed view is what one writes by hand: the spine's rows and the
     * source's rows in one union, one window pass per key ordered by time, no distinct probe
     * points, no join back to the spine, no semi-join of the source with an unfiltered spine, and
     * no aggregate nobody asked for.
     */
    @Test
    void leftJoinCarriesTheSpineRowsThroughOneWindowPass() {
        for (String hop : List.of(" HOP INTERVAL '5' MINUTE", "")) {
            for (EngineDialect d : List.of(new DuckDbDialect(), new TrinoDialect())) {
                String sql = sql(d, "CREATE FEATURE VIEW spend ENTITY customer FROM transactions_now" + BENCH_WINDOWS + hop,
                        "SELECT l.id, l.event_ts, s.* FROM lake.ml.labels l"
                                + " LEFT JOIN spend AS OF l.event_ts s ON s.customer_id = l.customer_id");
                String flat = sql.replaceAll("\\s+", " ");
                assertThat(flat).as(d.name() + hop)
                        .doesNotContain("DISTINCT").doesNotContain("EXISTS").doesNotContain(" JOIN ")
                        .contains("UNION ALL")
                        // spine columns are carried under their own names
                        .contains("\"__sp0\" AS \"id\"").contains("\"__sp1\" AS \"event_ts\"");
                // every frame shares one partitioning and one order: one sort
                assertThat(flat.split("OVER \\(PARTITION BY \"__k0\" ORDER BY \"__tu\" RANGE BETWEEN", -1)).hasSize(4);
                // one aggregate per feature: no COUNT for the longest window's presence nor beside SUM and AVG
                assertThat(flat.split("COUNT\\(", -1)).as(flat).hasSize(2);
                assertThat(flat).contains("SUM(\"__a0\") OVER").contains("AVG(\"__a0\") OVER");
            }
        }
    }

    /** A spine filtered by WHERE reads only its keys' source rows, and the filter stays on the spine's rows. */
    @Test
    void aFilteredSpineRestrictsTheSourceToItsKeys() {
        String sql = sql(new DuckDbDialect(), "CREATE FEATURE VIEW spend ENTITY customer FROM transactions_now" + BENCH_WINDOWS,
                "SELECT l.id, s.n_1h FROM lake.ml.labels l LEFT JOIN spend AS OF l.event_ts s"
                        + " ON s.customer_id = l.customer_id WHERE l.name = 'x'").replaceAll("\\s+", " ");
        // filtered above the join on the carried column, and on the spine's own column inside it
        assertThat(sql).contains("EXISTS").contains("\"s\".\"__sp1\" = 'x'").contains("\"l\".\"name\" = 'x'");
    }

    /**
     * Forms the carried plan does not take keep the probe-point plan: an inner JOIN (only keys the
     * view has), and ON conditions other than the key equalities.
     */
    @Test
    void innerJoinsAndOtherConditionsKeepTheProbePointPlan() {
        String ddl = "CREATE FEATURE VIEW spend ENTITY customer FROM transactions_now" + BENCH_WINDOWS;
        for (String query : List.of(
                "SELECT l.id, s.n_1h FROM lake.ml.labels l JOIN spend AS OF l.event_ts s ON s.customer_id = l.customer_id",
                "SELECT l.id, s.n_1h FROM lake.ml.labels l LEFT JOIN spend AS OF l.event_ts s"
                        + " ON s.customer_id = l.customer_id AND s.n_1h > 1")) {
            assertThat(sql(new DuckDbDialect(), ddl, query).replaceAll("\\s+", " ")).as(query)
                    .contains("SELECT DISTINCT").contains("\"__asof_t\"");
        }
    }

    @Test
    void bothWindowSpellingsDefineTheSameAggregate() {
        FeatureView v = define(catalog(), new DuckDbDialect(), "CREATE FEATURE VIEW v ENTITY customer FROM transactions"
                + " AS SELECT customer_id, SUM(amount) OVER (RANGE INTERVAL '7' DAY PRECEDING) AS a,"
                + " SUM(transactions.amount) OVER (RANGE BETWEEN INTERVAL '7' DAY PRECEDING AND CURRENT ROW) AS b,"
                + " COUNT(*) OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS n,"
                + " LAST_VALUE(merchant) OVER (RANGE INTERVAL '1' HOUR PRECEDING) AS m"
                + " HOP INTERVAL '5' MINUTE ONLINE");
        WindowAggregate sum = new WindowAggregate(WindowFunction.SUM, Optional.of("\"amount\""), Duration.ofDays(7));
        assertThat(v.features().get(1).aggregate()).contains(sum);
        assertThat(v.features().get(2).aggregate()).contains(sum);
        assertThat(v.features().get(3).aggregate()).contains(
                new WindowAggregate(WindowFunction.COUNT_ROWS, Optional.empty(), Duration.ofHours(1)));
        assertThat(v.features().get(4).aggregate().orElseThrow().function()).isEqualTo(WindowFunction.LAST);
        assertThat(v.features().get(1).expression()).isEqualTo("SUM(\"amount\") OVER (RANGE INTERVAL '7' DAY PRECEDING)");
        assertThat(v.hop()).contains(Duration.ofMinutes(5));
        assertThat(v.online()).isTrue();
        assertThat(v.windowed()).isTrue();
        // result types: SUM of DOUBLE is DOUBLE, COUNT BIGINT, LAST the argument's
        assertThat(v.columns().stream().map(c -> c.jdbcType()).toList())
                .containsExactly(JDBCType.BIGINT, JDBCType.DOUBLE, JDBCType.DOUBLE, JDBCType.BIGINT, JDBCType.VARCHAR);
    }

    private static AsofException createError(String selectAndRest) {
        String ddl = "CREATE FEATURE VIEW v ENTITY customer FROM transactions AS SELECT customer_id, " + selectAndRest;
        AsofException e = catchThrowableOfType(AsofException.class,
                () -> new Planner(catalog(), new DuckDbDialect()).plan(ddl));
        assertThat(e).as(ddl).isNotNull();
        return e;
    }

    private static void rejected(String selectAndRest, String message) {
        AsofException e = createError(selectAndRest);
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.INVALID_DEFINITION);
        assertThat(e.getMessage()).isEqualTo(message);
    }

    /** Column numbers count from the start of "CREATE FEATURE VIEW v ... customer_id, " (79 characters). */
    @Test
    void invalidDefinitionsAreRejectedWithPosition() {
        rejected("SUM(amount) OVER (RANGE INTERVAL '7' MINUTE PRECEDING) AS s HOP INTERVAL '5' MINUTE",
                "line 1, column 104: window INTERVAL '7' MINUTE is not a multiple of HOP INTERVAL '5' MINUTE; windows move in whole hops");
        rejected("MEDIAN(amount) OVER (RANGE INTERVAL '7' DAY PRECEDING) AS s",
                "line 1, column 80: 'MEDIAN' is not a windowed aggregate asof computes; use one of " + WindowFunction.names());
        rejected("SUM(merchant) OVER (RANGE INTERVAL '7' DAY PRECEDING) AS s",
                "line 1, column 84: SUM needs a numeric argument, not VARCHAR");
        rejected("merchant, SUM(amount) OVER (RANGE INTERVAL '7' DAY PRECEDING) AS s",
                "line 1, column 80: column 'merchant' is neither a key of entity 'customer' nor a windowed aggregate; a feature"
                        + " view holds latest values or windowed aggregates, not both (the value of the latest row in a window"
                        + " is LAST(merchant) OVER (RANGE INTERVAL '1' DAY PRECEDING))");
        rejected("SUM(amount) OVER (RANGE INTERVAL '7' DAY PRECEDING) AS s TTL INTERVAL '1' DAY",
                "line 1, column 141: TTL applies to latest-value views; a windowed aggregate only reads rows inside its window already");
        rejected("SUM(amount) AS s",
                "line 1, column 80: SUM needs a window: SUM(...) OVER (RANGE INTERVAL '7' DAY PRECEDING); without OVER a feature"
                        + " view holds the latest value of each column");
        rejected("merchant HOP INTERVAL '5' MINUTE",
                "line 1, column 93: HOP applies to windowed aggregates, which this view has none of");
        rejected("APPROX_COUNT_DISTINCT(amount) OVER (RANGE INTERVAL '7' DAY PRECEDING) AS s",
                "line 1, column 102: APPROX_COUNT_DISTINCT counts integers or strings (whose text is the same on every engine),"
                        + " not DOUBLE; CAST the argument to one of them");
        rejected("COUNT(DISTINCT amount) OVER (RANGE INTERVAL '7' DAY PRECEDING) AS s",
                "line 1, column 95: COUNT(DISTINCT) counts integers or strings (whose text is the same on every engine),"
                        + " not DOUBLE; CAST the argument to one of them");
        rejected("SUM(DISTINCT amount) OVER (RANGE INTERVAL '7' DAY PRECEDING) AS s",
                "line 1, column 80: SUM(DISTINCT ...) is not a windowed aggregate asof computes; use one of " + WindowFunction.names());
    }

    @Test
    void windowShapesOtherThanATimeRangeBackAreRejected() {
        String shape = "write OVER (RANGE INTERVAL '7' DAY PRECEDING) or OVER (RANGE BETWEEN INTERVAL '7' DAY PRECEDING"
                + " AND CURRENT ROW)";
        rejected("SUM(amount) OVER (PARTITION BY merchant RANGE INTERVAL '7' DAY PRECEDING) AS s",
                "line 1, column 111: a windowed feature is partitioned by the entity key already; remove PARTITION BY and " + shape);
        rejected("SUM(amount) OVER (ORDER BY txn_ts RANGE INTERVAL '7' DAY PRECEDING) AS s",
                "line 1, column 107: a windowed feature is ordered by the source's event time already; remove ORDER BY and " + shape);
        rejected("SUM(amount) OVER (ROWS 3 PRECEDING) AS s",
                "line 1, column 97: windows are time ranges, not row counts: " + shape);
        rejected("SUM(amount) OVER (RANGE BETWEEN INTERVAL '1' DAY PRECEDING AND INTERVAL '1' HOUR FOLLOWING) AS s",
                "line 1, column 97: a window reaches back from the current time: " + shape);
        rejected("SUM(amount) OVER (RANGE UNBOUNDED PRECEDING) AS s",
                "line 1, column 104: the window must be an interval PRECEDING, e.g. " + shape);
        rejected("SUM(amount) OVER (RANGE INTERVAL '1' MONTH PRECEDING) AS s",
                "line 1, column 104: a window must be a DAY, HOUR, MINUTE or SECOND interval (a fixed length), not YEAR or MONTH");
        rejected("SUM(amount) OVER w AS s",
                "line 1, column 97: named windows are not supported; write the window inline: OVER (RANGE INTERVAL '7' DAY PRECEDING)");
        rejected("SUM(amount) OVER (RANGE INTERVAL '7' DAY PRECEDING) / 100 AS s",
                "line 1, column 80: a windowed feature is one aggregate call with OVER, e.g. SUM(amount) OVER (RANGE INTERVAL"
                        + " '7' DAY PRECEDING) AS spend_7d; compute expressions over it in the query instead");
        rejected("SUM(MAX(amount)) OVER (RANGE INTERVAL '7' DAY PRECEDING) AS s",
                "line 1, column 84: the argument of a windowed aggregate cannot contain an aggregate or OVER");
    }

    @Test
    void lastNeedsAWindow() {
        AsofException e = createError("LAST(merchant) AS m");
        assertThat(e.code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
        assertThat(e.getMessage()).isEqualTo("line 1, column 95: unexpected \"AS\"; expected one of: OVER");
    }
}
