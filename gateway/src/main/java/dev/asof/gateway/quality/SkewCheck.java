package dev.asof.gateway.quality;

import static dev.asof.gateway.quality.FeatureQuality.column;

import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.plan.GeneratedQuery;
import dev.asof.planner.quality.QualityQueries;
import dev.asof.planner.quality.QualityStatement;
import dev.asof.planner.quality.ValueMatch;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.RowCursor;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.sql.JDBCType;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * VALIDATE FEATURE VIEW: replays the view's logged lookups on the warehouse in one PIT query (the
 * log table as the spine, AS OF each lookup's time) and compares, per feature, the served value
 * with the warehouse's by {@link ValueMatch} (semantics rule 5). A lookup is logged only when the
 * online store served a value, so a key the warehouse has no value for at that time counts as a
 * mismatch of every non-null served feature. Values that changed in the warehouse after the last
 * MATERIALIZE before a lookup also show as mismatches: the online store served stale values then.
 */
final class SkewCheck {
    /** The result columns, one row per feature. */
    static final List<ColumnMetadata> COLUMNS = List.of(column("view_name", JDBCType.VARCHAR),
            column("feature", JDBCType.VARCHAR), column("lookups_compared", JDBCType.BIGINT),
            column("mismatches", JDBCType.BIGINT), column("mismatch_rate", JDBCType.DOUBLE),
            column("examples", JDBCType.VARCHAR));

    /** Mismatching lookups shown per feature at most. */
    static final int EXAMPLES = 3;

    private final WarehouseConnector warehouse;
    private final QueryControl control;
    private final QualityGauges gauges;

    SkewCheck(WarehouseConnector warehouse, QueryControl control, QualityGauges gauges) {
        this.warehouse = warehouse;
        this.control = control;
        this.gauges = gauges;
    }

    FeatureQuality.Rows run(FeatureView view, TableName log, QualityStatement.Validate statement, Catalog catalog) {
        if (warehouse.describeTable(log).isEmpty()) {
            throw new AsofException(ErrorCode.PREREQUISITE_MISSING, "no online lookup of feature view '" + view.name()
                    + "' has been logged yet; ALTER FEATURE VIEW " + view.name() + " SET LOG SAMPLE 0.01 logs 1% of them");
        }
        QualityQueries queries = new QualityQueries(catalog, warehouse.dialect());
        List<Feature> keys = queries.keys(view);
        List<Feature> features = queries.features(view);
        long[] compared = new long[features.size()];
        long[] mismatches = new long[features.size()];
        List<List<String>> examples = new ArrayList<>();
        features.forEach(f -> examples.add(new ArrayList<>()));
        GeneratedQuery replay = queries.replay(view, log, statement.from(), statement.to());
        try (RowCursor rows = warehouse.executeQuery(replay.sql(), replay.bind(List.of()), control)) {
            int k = keys.size();
            while (rows.next()) {
                for (int i = 0; i < features.size(); i++) {
                    Object served = rows.value(k + 1 + 2 * i);
                    Object offline = rows.value(k + 2 + 2 * i);
                    compared[i]++;
                    if (!ValueMatch.same(served, offline)) {
                        mismatches[i]++;
                        if (examples.get(i).size() < EXAMPLES) {
                            examples.get(i).add(example(rows, keys, served, offline));
                        }
                    }
                }
            }
        }
        List<List<Object>> result = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            double rate = compared[i] == 0 ? 0 : (double) mismatches[i] / compared[i];
            gauges.set(QualityGauges.MISMATCH_RATE, view.name(), features.get(i).name(), rate);
            result.add(Arrays.asList(view.name(), features.get(i).name(), compared[i], mismatches[i], rate,
                    examples.get(i).isEmpty() ? null : String.join("; ", examples.get(i))));
        }
        return new FeatureQuality.Rows(COLUMNS, result);
    }

    /** {@code customer_id=7 at 2025-03-01T00:00:00Z: served 2.0, offline 3.0}. */
    private static String example(RowCursor rows, List<Feature> keys, Object served, Object offline) {
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < keys.size(); k++) {
            s.append(k == 0 ? "" : ", ").append(keys.get(k).name()).append('=').append(rows.value(k));
        }
        Object time = rows.value(keys.size());
        s.append(" at ").append(time instanceof LocalDateTime t ? t.toInstant(ZoneOffset.UTC) : time);
        return s.append(": served ").append(served).append(", offline ").append(offline).toString();
    }
}
