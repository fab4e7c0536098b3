package dev.asof.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.catalog.SourceLocation;
import dev.asof.planner.ddl.DefinitionPlanner;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.sql.DuckDbDialect;
import dev.asof.planner.sql.EngineDialect;
import dev.asof.planner.sql.TrinoDialect;
import dev.asof.spi.ColumnMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.JDBCType;
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
        c.table(List.of("lake", "sales", "transactions"), TX_COLUMNS);
        c.add(new Source("transactions", new SourceLocation.Table(List.of("lake", "sales", "transactions")), "txn_ts",
                Optional.of("loaded_at"), TX_COLUMNS, "CREATE SOURCE transactions ..."));
        c.add(new Source("transactions_now", new SourceLocation.Table(List.of("lake", "sales", "transactions")), "txn_ts",
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
    void printsSql() throws Exception {
        for (EngineDialect d : List.of(new DuckDbDialect(), new TrinoDialect())) {
            InMemoryCatalog catalog = catalog();
            define(catalog, d, SPEND);
            PlannedStatement p = new Planner(catalog, d).plan("SELECT l.id, s.* FROM lake.ml.labels l"
                    + " LEFT JOIN spend AS OF l.event_ts s ON s.customer_id = l.customer_id");
            String sql = ((PlannedStatement.Query) p).query().sql();
            Files.writeString(Path.of("/tmp/wscratch/sql/" + d.name() + ".sql"), sql);
            assertThat(sql).contains("RANGE BETWEEN");
        }
    }
}
