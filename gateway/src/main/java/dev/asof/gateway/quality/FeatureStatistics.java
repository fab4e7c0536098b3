package dev.asof.gateway.quality;

import static dev.asof.gateway.quality.FeatureQuality.column;

import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.plan.GeneratedQuery;
import dev.asof.planner.quality.QualityQueries;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.RowCursor;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.sql.JDBCType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ANALYZE FEATURE VIEW v AS OF t: per feature, statistics of the view's values at t (one value per
 * entity key that has one), computed by the warehouse in one pass ({@link QualityQueries#statistics}).
 * Distinct counts and quantiles are the engine's estimates (DuckDB: {@code approx_count_distinct},
 * {@code approx_quantile}; Trino: {@code approx_distinct}, {@code approx_percentile}); minimum,
 * maximum, mean, standard deviation and quantiles are for numeric features only (as DOUBLE).
 */
final class FeatureStatistics {
    /** The result columns, one row per feature. */
    static final List<ColumnMetadata> COLUMNS = List.of(column("view_name", JDBCType.VARCHAR),
            column("feature", JDBCType.VARCHAR), column("as_of", JDBCType.VARCHAR),
            column("row_count", JDBCType.BIGINT), column("null_count", JDBCType.BIGINT),
            column("null_rate", JDBCType.DOUBLE), column("distinct_estimate", JDBCType.BIGINT),
            column("min", JDBCType.DOUBLE), column("max", JDBCType.DOUBLE), column("mean", JDBCType.DOUBLE),
            column("stddev", JDBCType.DOUBLE), column("p01", JDBCType.DOUBLE), column("p50", JDBCType.DOUBLE),
            column("p99", JDBCType.DOUBLE));

    private final WarehouseConnector warehouse;
    private final QueryControl control;

    FeatureStatistics(WarehouseConnector warehouse, QueryControl control) {
        this.warehouse = warehouse;
        this.control = control;
    }

    FeatureQuality.Rows run(FeatureView view, Instant asOf, Catalog catalog) {
        QualityQueries queries = new QualityQueries(catalog, warehouse.dialect());
        List<Feature> features = queries.features(view);
        GeneratedQuery query = queries.statistics(view, asOf);
        List<List<Object>> result = new ArrayList<>();
        try (RowCursor row = warehouse.executeQuery(query.sql(), query.bind(List.of()), control)) {
            row.next(); // an aggregate without GROUP BY: exactly one row
            long rows = longValue(row.value(0));
            for (int i = 0; i < features.size(); i++) {
                int c = 1 + 9 * i;
                long nulls = rows - longValue(row.value(c));
                result.add(Arrays.asList(view.name(), features.get(i).name(), asOf.toString(), rows, nulls,
                        rows == 0 ? null : (double) nulls / rows, longValue(row.value(c + 1)),
                        doubleValue(row.value(c + 2)), doubleValue(row.value(c + 3)), doubleValue(row.value(c + 4)),
                        doubleValue(row.value(c + 5)), doubleValue(row.value(c + 6)), doubleValue(row.value(c + 7)),
                        doubleValue(row.value(c + 8))));
            }
        }
        return new FeatureQuality.Rows(COLUMNS, result);
    }

    static long longValue(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }

    static Double doubleValue(Object value) {
        return value == null ? null : ((Number) value).doubleValue();
    }
}
