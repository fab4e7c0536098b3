package dev.asof.gateway.quality;

import static dev.asof.gateway.quality.FeatureQuality.column;

import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.plan.GeneratedQuery;
import dev.asof.planner.quality.PopulationStability;
import dev.asof.planner.quality.QualityQueries;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.RowCursor;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.sql.JDBCType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * ANALYZE FEATURE VIEW v DRIFT FROM t1 TO t2: per feature, the population stability index of the
 * view's values at t2 against its values at t1 ({@link PopulationStability}). Numbers are binned by
 * the baseline's deciles (the approximate quantiles 0.1 … 0.9 at t1, duplicates merged; bins
 * {@code [q_k-1, q_k)}, open at both ends), other types by value; NULL is a bin of its own, so a
 * change of the null rate counts. A feature has drifted when its index is above the view's
 * threshold ({@code DRIFT THRESHOLD}, default {@value PopulationStability#DEFAULT_THRESHOLD}); the
 * verdict is also the gauge {@code asof.feature.drift.flag}. Warehouse queries: one for the
 * baseline's deciles, then one grouped query per feature and time.
 */
final class DriftReport {
    /** The result columns, one row per feature. */
    static final List<ColumnMetadata> COLUMNS = List.of(column("view_name", JDBCType.VARCHAR),
            column("feature", JDBCType.VARCHAR), column("kind", JDBCType.VARCHAR), column("bins", JDBCType.INTEGER),
            column("baseline_rows", JDBCType.BIGINT), column("current_rows", JDBCType.BIGINT),
            column("psi", JDBCType.DOUBLE), column("threshold", JDBCType.DOUBLE), column("drifted", JDBCType.BOOLEAN));

    /** The baseline quantiles whose values are the bin edges of numeric features. */
    static final List<Double> DECILES = List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9);

    private final WarehouseConnector warehouse;
    private final QueryControl control;
    private final QualityGauges gauges;

    DriftReport(WarehouseConnector warehouse, QueryControl control, QualityGauges gauges) {
        this.warehouse = warehouse;
        this.control = control;
        this.gauges = gauges;
    }

    FeatureQuality.Rows run(FeatureView view, Instant baseline, Instant current, double threshold, Catalog catalog) {
        QualityQueries queries = new QualityQueries(catalog, warehouse.dialect());
        List<Feature> features = queries.features(view);
        List<Feature> numeric = features.stream().filter(QualityQueries::numeric).toList();
        List<List<Double>> edges = numeric.isEmpty() ? List.of() : edges(queries, view, baseline, numeric);
        List<List<Object>> result = new ArrayList<>();
        for (Feature f : features) {
            int n = numeric.indexOf(f);
            Optional<List<Double>> bins = n < 0 ? Optional.empty() : Optional.of(edges.get(n));
            Map<Object, Long> before = histogram(queries.histogram(view, baseline, f, bins));
            Map<Object, Long> after = histogram(queries.histogram(view, current, f, bins));
            double psi = PopulationStability.index(before, after);
            boolean drifted = psi > threshold;
            gauges.set(QualityGauges.DRIFT_PSI, view.name(), f.name(), psi);
            gauges.set(QualityGauges.DRIFT_FLAG, view.name(), f.name(), drifted ? 1 : 0);
            Set<Object> all = new HashSet<>(before.keySet());
            all.addAll(after.keySet());
            result.add(Arrays.asList(view.name(), f.name(), n < 0 ? "categorical" : "numeric", all.size(),
                    total(before), total(after), psi, threshold, drifted));
        }
        return new FeatureQuality.Rows(COLUMNS, result);
    }

    /** Per numeric feature, the baseline's distinct finite deciles, ascending. */
    private List<List<Double>> edges(QualityQueries queries, FeatureView view, Instant baseline, List<Feature> numeric) {
        GeneratedQuery query = queries.quantiles(view, baseline, numeric, DECILES);
        List<List<Double>> edges = new ArrayList<>();
        try (RowCursor row = warehouse.executeQuery(query.sql(), query.bind(List.of()), control)) {
            row.next();
            for (int i = 0; i < numeric.size(); i++) {
                TreeSet<Double> distinct = new TreeSet<>();
                for (int q = 0; q < DECILES.size(); q++) {
                    Object value = row.value(i * DECILES.size() + q);
                    if (value != null && Double.isFinite(((Number) value).doubleValue())) {
                        distinct.add(((Number) value).doubleValue());
                    }
                }
                edges.add(List.copyOf(distinct));
            }
        }
        return edges;
    }

    /** Rows per bin: numeric bins as {@code Long}, categories as text (NULL for NULL). */
    private Map<Object, Long> histogram(GeneratedQuery query) {
        Map<Object, Long> counts = new HashMap<>();
        try (RowCursor rows = warehouse.executeQuery(query.sql(), query.bind(List.of()), control)) {
            while (rows.next()) {
                Object bin = rows.value(0);
                counts.merge(bin instanceof Number number ? (Object) number.longValue() : bin,
                        FeatureStatistics.longValue(rows.value(1)), Long::sum);
            }
        }
        return counts;
    }

    private static long total(Map<Object, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
