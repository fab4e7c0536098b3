package dev.asof.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.planner.access.Access;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.sql.DuckDbDialect;
import dev.asof.spi.TableName;
import org.junit.jupiter.api.Test;

/** What a planned statement reads, as the gateway's privilege checks see it. */
class AccessAnalyzerTest {
    private final Planner planner = new Planner(InMemoryCatalog.standard(), new DuckDbDialect());

    private Access access(String sql) {
        PlannedStatement p = planner.plan(sql);
        if (p instanceof PlannedStatement.Query q) {
            return q.access();
        }
        if (p instanceof PlannedStatement.Lookup l) {
            return l.access();
        }
        if (p instanceof PlannedStatement.PassThrough t) {
            return t.access();
        }
        throw new AssertionError("not a query: " + p);
    }

    @Test
    void pitJoinReadsTheViewAndTheSpineNotTheViewsSource() {
        Access a = access("SELECT l.id, p.segment FROM lake.ml.labels l"
                + " LEFT JOIN customer_profile AS OF l.event_ts p ON p.customer_id = l.customer_id");
        assertThat(a.planned()).isTrue();
        assertThat(a.objects()).containsExactly("customer_profile");
        assertThat(a.tables()).containsExactly(TableName.of("lake", "ml", "labels"));
        assertThat(a.outside()).isEmpty();
    }

    @Test
    void plainQueryReadsItsTablesResolvedAsTheValidatorDoes() {
        Access a = access("WITH x AS (SELECT * FROM lake.ml.labels) SELECT * FROM x JOIN lake.crm.profile_updates u ON true");
        assertThat(a.tables()).containsExactlyInAnyOrder(TableName.of("lake", "ml", "labels"),
                TableName.of("lake", "crm", "profile_updates"));
        assertThat(a.objects()).isEmpty();
        assertThat(a.outside()).isEmpty();
    }

    @Test
    void engineFunctionsThatReachOutsideAreReported() {
        assertThat(access("SELECT read_text('/etc/passwd') FROM lake.ml.labels").outside())
                .containsExactly("function read_text");
        assertThat(access("SELECT getenv('HOME'), current_setting('threads') FROM lake.ml.labels").outside())
                .containsExactly("function getenv", "function current_setting");
        assertThat(access("SELECT * FROM TABLE(read_csv('/etc/passwd'))").outside()).isNotEmpty();
        assertThat(access("SELECT pg.catalog_fn(1) FROM lake.ml.labels").outside()).isNotEmpty();
        // Standard functions are fine.
        assertThat(access("SELECT upper(name), count(*), coalesce(id, 0) FROM lake.ml.labels GROUP BY name, id")
                .outside()).isEmpty();
    }
}
