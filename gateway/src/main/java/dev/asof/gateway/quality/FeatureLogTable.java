package dev.asof.gateway.quality;

import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.quality.QualityQueries;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a view's served lookups are logged: the warehouse table
 * {@code <catalog>.asof_internal.feature_log_<view>_<definition id>} (the catalog:
 * {@link FeatureLogWriter#catalog()}), with the view's key
 * columns, {@value QualityQueries#LOOKUP_TIME} (TIMESTAMP, UTC, microseconds) and the view's
 * features under their own names and types. The definition id makes a view dropped and created
 * again (possibly with other columns) log to a new table.
 */
final class FeatureLogTable {
    /** The schema asof owns in that catalog. */
    static final String SCHEMA = "asof_internal";

    private FeatureLogTable() {}

    static SchemaName schema(String catalog) {
        return new SchemaName(catalog, SCHEMA);
    }

    static TableName name(String catalog, FeatureView view, long viewId) {
        return TableName.of(schema(catalog), "feature_log_" + view.name().toLowerCase(Locale.ROOT) + "_" + viewId);
    }

    /** The table's columns: keys, lookup time, features. */
    static List<ColumnMetadata> columns(List<Feature> keys, List<Feature> features) {
        List<ColumnMetadata> columns = new ArrayList<>();
        keys.forEach(k -> columns.add(k.type()));
        columns.add(new ColumnMetadata(QualityQueries.LOOKUP_TIME, JDBCType.TIMESTAMP, "TIMESTAMP", 26, 6));
        features.forEach(f -> columns.add(f.type()));
        return columns;
    }
}
