package dev.asof.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.planner.catalog.RequestView;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.plan.LookupPlan;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.sql.DuckDbDialect;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.TableName;
import java.sql.JDBCType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Request-time views in the planner: the definition, and the lookup and extract it expands into. */
class RequestViewPlannerTest {
    private final InMemoryCatalog catalog = (InMemoryCatalog) InMemoryCatalogs.withOnlineView();
    private final Planner planner = new Planner(catalog, new DuckDbDialect());
    private RequestView risk;

    @BeforeEach
    void define() {
        catalog.table(TableName.of("lake", "ml", "requests"), List.of(ColumnMetadata.of("id", JDBCType.BIGINT),
                ColumnMetadata.of("customer_id", JDBCType.BIGINT), ColumnMetadata.of("ts", JDBCType.TIMESTAMP),
                ColumnMetadata.of("amount", JDBCType.DOUBLE)));
        PlannedStatement p = planner.plan("CREATE FEATURE VIEW risk ENTITY customer FROM online_profile"
                + " REQUEST (amount DOUBLE) AS SELECT customer_id, amount / credit_limit AS share, UPPER(segment) AS seg ONLINE");
        risk = ((PlannedStatement.CreateRequestView) p).view();
        catalog.add(risk);
    }

    @Test
    void definition() {
        assertThat(risk.view()).isEqualTo("online_profile");
        assertThat(risk.columns()).extracting(c -> c.name() + " " + c.jdbcType())
                .containsExactly("customer_id BIGINT", "amount DOUBLE", "share DOUBLE", "seg VARCHAR");
        assertThat(risk.features()).extracting(f -> f.expression())
                .containsExactly("\"amount\" / \"credit_limit\"", "UPPER(\"segment\")");
        assertThat(risk.online()).isTrue();
        assertThat(risk.ddl()).contains("REQUEST (").contains("amount").contains("DOUBLE");
    }

    @Test
    void lookupTakesTheRequestValueFromWhereAndIsCompiled() {
        PlannedStatement p = planner.plan("SELECT seg, share FROM risk WHERE customer_id = ? AND amount = ?");
        assertThat(p).isInstanceOf(PlannedStatement.Lookup.class);
        LookupPlan plan = ((PlannedStatement.Lookup) p).lookup();
        assertThat(plan.views()).extracting(v -> v.name()).containsExactly("online_profile");
        assertThat(plan.keys()).containsExactly(List.of(new LookupPlan.Parameter(0)));
        assertThat(plan.projection().orElseThrow().parameterTypes()).isEqualTo(Map.of(1, JDBCType.DOUBLE));
        assertThat(plan.columns()).extracting(c -> c.name() + " " + c.jdbcType())
                .containsExactly("seg VARCHAR", "share DOUBLE");
        // Inputs in first-use order: segment, credit_limit.
        assertThat(plan.row(new Object[] {"gold", 200.0}, Arrays.asList(7L, 50.0))).containsExactly("GOLD", 0.25);
        assertThat(p.parameterCount()).isEqualTo(2);
        // A literal request value, and the request column read back.
        LookupPlan literal = ((PlannedStatement.Lookup) planner.plan(
                "SELECT amount, share FROM risk WHERE amount = 30 AND customer_id = ?")).lookup();
        assertThat(literal.row(new Object[] {200.0}, List.of(7L))).containsExactly(30.0, 0.15);
    }

    @Test
    void extractTakesTheRequestFromTheSpine() {
        PlannedStatement p = planner.plan("SELECT l.id, r.share, r.amount FROM lake.ml.requests l"
                + " LEFT JOIN risk AS OF l.ts r ON r.customer_id = l.customer_id");
        assertThat(p).isInstanceOf(PlannedStatement.Query.class);
        String sql = ((PlannedStatement.Query) p).query().sql();
        // The request column is a spine column carried through the join (the view has a CREATED TIME).
        assertThat(sql).contains("\"l\".\"amount\" AS \"__sp1\"")
                .contains("CAST(\"r\".\"__sp1\" AS DOUBLE) / \"r\".\"credit_limit\" AS \"share\"").contains("\"profile_updates\"")
                .doesNotContain("\"risk\"");
    }

    @Test
    void errors() {
        assertThatThrownBy(() -> planner.plan("SELECT share FROM risk WHERE customer_id = ?"))
                .isInstanceOfSatisfying(AsofException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_QUERY);
                    assertThat(e.getMessage()).startsWith("line 1, column 19: request view 'risk' needs a value for"
                            + " its request column(s) amount");
                });
        assertThatThrownBy(() -> planner.plan("SELECT r.share FROM lake.ml.labels l"
                + " LEFT JOIN risk AS OF l.event_ts r ON r.customer_id = l.customer_id"))
                .isInstanceOfSatisfying(AsofException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_OBJECT);
                    assertThat(e.getMessage()).contains("request column 'amount' of request view 'risk' is not a column"
                            + " of the spine 'l'");
                });
        assertThatThrownBy(() -> planner.plan("CREATE FEATURE VIEW r2 ENTITY customer FROM online_profile"
                + " REQUEST (segment VARCHAR) AS SELECT segment || 'x' AS s2"))
                .isInstanceOfSatisfying(AsofException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_DEFINITION);
                    assertThat(e.getMessage()).startsWith("line 1, column 69: request column 'segment' has the name of"
                            + " column 'segment' of feature view 'online_profile'");
                });
        assertThatThrownBy(() -> planner.plan("CREATE FEATURE VIEW r2 ENTITY customer FROM customer_profile"
                + " REQUEST (amount DOUBLE) AS SELECT amount / credit_limit AS s ONLINE"))
                .isInstanceOfSatisfying(AsofException.class, e -> assertThat(e.getMessage())
                        .contains("is declared ONLINE but feature view 'customer_profile', which it reads, is not ONLINE"));
    }
}
