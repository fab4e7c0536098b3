package dev.asof.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.catalog.SourceLocation;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.sql.DuckDbDialect;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.TableName;
import java.sql.JDBCType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shape of a latest-value {@code LEFT JOIN … AS OF} on DuckDB: DuckDB's {@code ASOF LEFT JOIN}
 * over the candidate rows, then a {@code LEFT JOIN LATERAL} aggregate that applies the tie rule
 * (and the TTL) to the matched row. Without a CREATED TIME nothing sorts the source before the
 * join. With one, the spine's rows and the source rows go through one window instead (no as-of
 * join), unless the query reads the spine in ways that cannot be carried. What each plan computes
 * is tested against real DuckDB in the conformance suites; this pins what it costs.
 */
class AsofJoinPlanTest {
    private static final String SPINE = "SELECT l.id, p.segment, p.credit_limit FROM lake.ml.labels l\n";

    private static Planner planner() {
        InMemoryCatalog c = InMemoryCatalog.standard();
        c.add(new Source("profile_events", new SourceLocation.Table(TableName.of("lake", "crm", "profile_updates")),
                "updated_ts", Optional.empty(), InMemoryCatalog.PROFILE_COLUMNS,
                "CREATE SOURCE profile_events FROM TABLE lake.crm.profile_updates EVENT TIME updated_ts"));
        List<Feature> features = List.of(
                new Feature("\"customer_id\"", ColumnMetadata.of("customer_id", JDBCType.BIGINT)),
                new Feature("\"segment\"", ColumnMetadata.of("segment", JDBCType.VARCHAR)),
                new Feature("\"credit_limit\"", ColumnMetadata.of("credit_limit", JDBCType.DOUBLE)));
        c.add(new FeatureView("profile_plain", "customer", "profile_events", features, Optional.empty(), false,
                "CREATE FEATURE VIEW profile_plain ENTITY customer FROM profile_events"
                        + " AS SELECT customer_id, segment, credit_limit"));
        c.add(new FeatureView("profile_ttl", "customer", "profile_events", features, Optional.of(Duration.ofDays(7)),
                false, "CREATE FEATURE VIEW profile_ttl ENTITY customer FROM profile_events"
                        + " AS SELECT customer_id, segment, credit_limit TTL INTERVAL '7' DAY"));
        return new Planner(c, new DuckDbDialect());
    }

    private static String sql(String query) {
        PlannedStatement p = planner().plan(query);
        assertThat(p).isInstanceOf(PlannedStatement.Query.class);
        return ((PlannedStatement.Query) p).query().sql().replaceAll("\\s+", " ");
    }

    private static String pit(String view, String exclusive) {
        return SPINE + "LEFT JOIN " + view + " AS OF l.event_ts" + exclusive + " p ON p.customer_id = l.customer_id";
    }

    private static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /**
     * No CREATED TIME: the as-of join reads the source rows as they are (no window, no sort before
     * it), and the lateral aggregate picks the tie winner among the source rows of the matched
     * (key, e): the source is read twice, once by each.
     */
    @Test
    void withoutCreatedTimeNoPassBeforeTheJoin() {
        String sql = sql(pit("profile_plain", ""));
        assertThat(sql).contains("ASOF LEFT JOIN").contains("LEFT JOIN LATERAL").contains("ON TRUE")
                .doesNotContain(" OVER ").doesNotContain("DISTINCT").doesNotContain("DECIMAL").doesNotContain("VALUES");
        assertThat(count(sql, "\"lake\".\"crm\".\"profile_updates\"")).isEqualTo(2);
        // The tie rule: one ordering key (NULL lowest per feature) for every feature's arg-max.
        assertThat(count(sql, "ARG_MAX_NULL(")).isEqualTo(2);
        assertThat(sql).contains("ARG_MAX_NULL(\"segment\", (\"segment\" IS NOT NULL, \"segment\", \"credit_limit\" IS NOT NULL, \"credit_limit\"))");
        // Ties are matched on the event time column as it is (a TIMESTAMP: whole microseconds).
        assertThat(sql).contains("\"updated_ts\" AS \"__e\"").contains("\"updated_ts\" = \"__asof_p\".\"__e\"");
        // The as-of join's condition is inclusive.
        assertThat(sql).containsPattern("END >= \"__asof_p\".\"__asof_r\"");
    }

    /** EXCLUSIVE is the as-of join's strict comparison, with or without a TTL. */
    @Test
    void exclusiveIsTheStrictComparison() {
        assertThat(sql(pit("profile_plain", " EXCLUSIVE"))).contains("END > \"__asof_p\".\"__asof_r\"")
                .doesNotContain(">= \"__asof_p\".\"__asof_r\"");
        assertThat(sql(pit("profile_ttl", " EXCLUSIVE"))).contains("END > \"__asof_p\".\"__asof_r\"");
    }

    /**
     * A TTL is the lateral join's condition on the matched row (e >= T - ttl, 7 days in
     * microseconds), not a condition inside the aggregate (which would correlate it with every
     * spine time): no expiry rows, no second window.
     */
    @Test
    void ttlIsTheLateralJoinCondition() {
        String sql = sql(pit("profile_ttl", ""));
        assertThat(sql).doesNotContain(" OVER ").doesNotContain("VALUES").doesNotContain("3 *").doesNotContain("ON TRUE");
        assertThat(sql).containsPattern("AS \"p\" ON \"__asof_p\"\\.\"__asof_r\" >= CASE .* - 604800000000$");
        String lateral = sql.substring(sql.indexOf("LEFT JOIN LATERAL"), sql.indexOf("AS \"p\" ON"));
        assertThat(lateral).doesNotContain("\"l\".");
    }

    /**
     * CREATED TIME: no as-of join. The spine's rows (only the column the query reads above the
     * join, {@code l.id}) and the source rows in one union, one running maximum of e per key in
     * visibility order (source rows first at equal instants), the plain timestamps compared as
     * they are (each checked against the supported range, no EPOCH_US); ties are the lateral
     * aggregate's, matched on (key, e) among the rows with c <= T, ordered by c then the
     * features; the TTL is the lateral join's condition on e, in instants.
     */
    @Test
    void createdTimeIsOneWindowOverSpineAndSource() {
        String sql = sql(pit("customer_profile", ""));
        assertThat(sql).doesNotContain("ASOF LEFT JOIN").contains("UNION ALL").contains("LEFT JOIN LATERAL")
                .doesNotContain("DECIMAL").doesNotContain("VALUES").doesNotContain("LAG(").doesNotContain("DISTINCT");
        assertThat(count(sql, " OVER ")).isEqualTo(1);
        assertThat(sql).contains("MAX(\"__e\") OVER (PARTITION BY \"__k0\" ORDER BY \"__u\", \"__kind\""
                + " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS \"__me\"").contains("WHERE \"__kind\" = 1");
        // Only the spine column the query reads goes through the union.
        assertThat(sql).contains("\"l\".\"id\" AS \"__sp0\"").doesNotContain("__sp1").doesNotContain("\"l\".\"name\"")
                .startsWith("SELECT \"p\".\"__sp0\" AS \"id\"");
        // The source is read twice: by the union and by the tie step.
        assertThat(count(sql, "\"lake\".\"crm\".\"profile_updates\"")).isEqualTo(2);
        String union = sql.substring(0, sql.indexOf("LEFT JOIN LATERAL"));
        assertThat(union).doesNotContain("EPOCH_US").contains("ISINF(\"updated_ts\")").contains("ISINF(\"loaded_at\")")
                .contains("ISINF(\"l\".\"event_ts\")").contains("column ''loaded_at''");
        assertThat(sql).contains("\"updated_ts\" = \"__w\".\"__me\"")
                .contains("COALESCE(\"loaded_at\", \"updated_ts\") <= \"__w\".\"__u\"")
                .contains("(COALESCE(\"loaded_at\", \"updated_ts\"), \"segment\" IS NOT NULL, \"segment\"");
        assertThat(sql).containsPattern("AS \"__v\" ON CASE .* - 2592000000000\\) AS \"p\"$");
    }

    /** EXCLUSIVE: spine rows sort before source rows at equal instants, and tied rows need c < T. */
    @Test
    void createdTimeExclusiveSortsSpineRowsFirst() {
        String sql = sql(pit("customer_profile", " EXCLUSIVE"));
        assertThat(sql).contains("ORDER BY \"__u\", \"__kind\" DESC ROWS")
                .contains("COALESCE(\"loaded_at\", \"updated_ts\") < \"__w\".\"__u\"");
    }

    /**
     * A spine filter filters the spine rows before the union and restricts the source to their
     * keys; a zoned AS OF time compares instants.
     */
    @Test
    void createdTimeWithSpineFilterAndZonedTime() {
        String filtered = sql(pit("customer_profile", "") + " WHERE l.name = 'x'");
        assertThat(filtered).contains("WITH \"__spine\" AS").contains("EXISTS (SELECT 1 FROM (SELECT DISTINCT \"__k0\" FROM \"__spine\")")
                .endsWith("WHERE \"p\".\"__sp1\" = 'x'");
        String zoned = sql(SPINE + "LEFT JOIN customer_profile AS OF CAST(l.event_ts AS TIMESTAMP WITH TIME ZONE) p"
                + " ON p.customer_id = l.customer_id");
        assertThat(zoned).contains("UNION ALL").doesNotContain("ISINF(").contains("EPOCH_US(\"loaded_at\")")
                .contains("\"updated_ts\" = \"__w\".\"__me\"");
    }

    /**
     * When the spine columns the query reads cannot all be found (a sub-query in the select
     * list), the as-of join plan runs: one window pass over the source (the running maximum of
     * e, RANGE frame, over one BIGINT ordering u), ties matched on (key, e) among the rows with
     * c <= u of the match.
     */
    @Test
    void createdTimeWithSubQueryKeepsTheAsofJoin() {
        String sql = sql("SELECT l.id, p.segment, (SELECT 1) AS one FROM lake.ml.labels l\n"
                + "LEFT JOIN customer_profile AS OF l.event_ts p ON p.customer_id = l.customer_id");
        assertThat(sql).contains("ASOF LEFT JOIN").contains("LEFT JOIN LATERAL").doesNotContain("DECIMAL")
                .doesNotContain("UNION ALL").doesNotContain("LAG(");
        assertThat(count(sql, " OVER ")).isEqualTo(1);
        assertThat(sql).contains("MAX(\"__e\") OVER (PARTITION BY \"__k0\" ORDER BY \"__asof_r\""
                + " RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS \"__me\"").contains("WHERE \"__e\" = \"__me\"");
        assertThat(sql).contains("\"updated_ts\" = \"__asof_p\".\"__er\"")
                .contains("COALESCE(\"loaded_at\", \"updated_ts\") <= \"__asof_p\".\"__ur\"")
                .contains("(COALESCE(\"loaded_at\", \"updated_ts\"), \"segment\" IS NOT NULL, \"segment\"");
        assertThat(sql).containsPattern("AS \"p\" ON \"__asof_p\"\\.\"__e\" >= CASE .* - 2592000000000$");
    }
}
