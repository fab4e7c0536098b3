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
 * join; with one, one window (three BIGINT sort keys) drops dominated rows. What each plan computes
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
     * CREATED TIME: one window pass over the source (the running maximum of e, RANGE frame, over
     * one BIGINT ordering u), no DECIMAL encoding, no feature in the sort; ties are the lateral
     * aggregate's, matched on (key, e) among the rows with c <= u of the match, ordered by c then
     * the features, the time columns as they are; the TTL is the lateral join's condition on e.
     */
    @Test
    void createdTimeIsOneWindowOfOneBigintKey() {
        String sql = sql(pit("customer_profile", ""));
        assertThat(sql).contains("ASOF LEFT JOIN").contains("LEFT JOIN LATERAL").doesNotContain("DECIMAL")
                .doesNotContain("VALUES").doesNotContain("LAG(");
        assertThat(count(sql, " OVER ")).isEqualTo(1);
        assertThat(sql).contains("MAX(\"__e\") OVER (PARTITION BY \"__k0\" ORDER BY \"__asof_r\""
                + " RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS \"__me\"").contains("WHERE \"__e\" = \"__me\"");
        assertThat(sql).contains("\"updated_ts\" = \"__asof_p\".\"__er\"")
                .contains("COALESCE(\"loaded_at\", \"updated_ts\") <= \"__asof_p\".\"__ur\"")
                .contains("(COALESCE(\"loaded_at\", \"updated_ts\"), \"segment\" IS NOT NULL, \"segment\"");
        assertThat(sql).containsPattern("AS \"p\" ON \"__asof_p\"\\.\"__e\" >= CASE .* - 2592000000000$");
    }
}
