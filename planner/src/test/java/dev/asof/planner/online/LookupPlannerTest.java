package dev.asof.planner.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.planner.InMemoryCatalogs;
import dev.asof.planner.Planner;
import dev.asof.planner.plan.LookupPlan;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.sql.DuckDbDialect;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which statements become online lookups, and what the lookup plan reads. */
class LookupPlannerTest {
    private final Planner planner = new Planner(InMemoryCatalogs.withOnlineView(), new DuckDbDialect());

    private LookupPlan lookup(String sql) {
        PlannedStatement p = planner.plan(sql);
        assertThat(p).as(sql).isInstanceOf(PlannedStatement.Lookup.class);
        return ((PlannedStatement.Lookup) p).lookup();
    }

    @Test
    void keyEqualsParameter() {
        LookupPlan plan = lookup("SELECT segment AS s, credit_limit FROM online_profile WHERE customer_id = ?");
        assertThat(plan.views()).extracting(v -> v.name()).containsExactly("online_profile");
        assertThat(plan.keys()).containsExactly(List.of(new LookupPlan.Parameter(0)));
        assertThat(plan.columns()).extracting(c -> c.name()).containsExactly("s", "credit_limit");
        assertThat(plan.outputs()).extracting(LookupPlan.Output::featureIndex).containsExactly(1, 2);
    }

    @Test
    void requestTimeExpressionsAreCompiledOverTheFeaturesTheyRead() {
        LookupPlan plan = lookup("SELECT CAST(? AS DOUBLE) / p.credit_limit AS ratio, UPPER(p.segment) AS seg"
                + " FROM online_profile p WHERE customer_id = ?");
        assertThat(plan.keys()).containsExactly(List.of(new LookupPlan.Parameter(1)));
        // Only the features read, in first-use order; the columns are the expressions'.
        assertThat(plan.outputs()).extracting(LookupPlan.Output::featureIndex).containsExactly(2, 1);
        assertThat(plan.columns()).extracting(c -> c.name() + " " + c.jdbcType())
                .containsExactly("ratio DOUBLE", "seg VARCHAR");
        assertThat(plan.projection().orElseThrow().parameterTypes()).isEqualTo(java.util.Map.of(0, java.sql.JDBCType.DOUBLE));
        assertThat(plan.row(new Object[] {200.0, "gold"}, java.util.Arrays.asList(50.0, 7L)))
                .containsExactly(0.25, "GOLD");
        assertThat(plan.row(new Object[] {null, null}, java.util.Arrays.asList(50.0, 7L)))
                .containsExactly(null, null);
    }

    @Test
    void inListsAndLiteralsAndStar() {
        LookupPlan plan = lookup("SELECT * FROM online_profile p WHERE p.customer_id IN (3, ?, 5)");
        assertThat(plan.keys()).containsExactly(List.of(new LookupPlan.Constant(3L)),
                List.of(new LookupPlan.Parameter(0)), List.of(new LookupPlan.Constant(5L)));
        assertThat(plan.columns()).extracting(c -> c.name()).containsExactly("customer_id", "segment", "credit_limit");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT segment FROM online_profile WHERE customer_id = ? ORDER BY segment",
        "SELECT ROUND(credit_limit) FROM online_profile WHERE customer_id = ?", // not evaluated in the gateway
        "SELECT segment FROM online_profile WHERE customer_id = ? AND segment = 'x'",
        "SELECT segment FROM online_profile WHERE customer_id > ?",
        "SELECT segment FROM online_profile",
        "SELECT segment FROM online_profile AS OF TIMESTAMP '2025-01-01 00:00:00' WHERE customer_id = 1",
        "SELECT segment FROM customer_profile WHERE customer_id = ?",
        "SELECT COUNT(*) FROM online_profile WHERE customer_id = ?",
    })
    void otherStatementsGoToTheWarehouse(String sql) {
        assertThat(planner.plan(sql)).as(sql).isInstanceOf(PlannedStatement.Query.class);
    }
}
