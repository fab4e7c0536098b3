package dev.asof.planner;

import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.Entity;
import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.catalog.SourceLocation;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.TableName;
import java.sql.JDBCType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link Catalog} held in memory, for planner tests that run without any engine. The standard
 * fixture ({@link #standard()}) is:
 *
 * <ul>
 *   <li>warehouse tables {@code lake.crm.profile_updates(customer_id BIGINT, updated_ts TIMESTAMP,
 *       loaded_at TIMESTAMP, segment VARCHAR, credit_limit DOUBLE)} and {@code lake.ml.labels(id
 *       BIGINT, customer_id BIGINT, event_ts TIMESTAMP, name VARCHAR, "odd""col" VARCHAR)};
 *   <li>entity {@code customer (customer_id BIGINT)};
 *   <li>source {@code profile_updates} over the table, EVENT TIME updated_ts CREATED TIME loaded_at;
 *   <li>feature view {@code customer_profile} = customer_id, segment, credit_limit, TTL 30 days.
 * </ul>
 */
final class InMemoryCatalog implements Catalog {
    private final Map<String, CatalogObject> objects = new LinkedHashMap<>();
    private final Map<TableName, List<ColumnMetadata>> tables = new LinkedHashMap<>();

    static final List<ColumnMetadata> PROFILE_COLUMNS = List.of(
            ColumnMetadata.of("customer_id", JDBCType.BIGINT),
            ColumnMetadata.of("updated_ts", JDBCType.TIMESTAMP),
            ColumnMetadata.of("loaded_at", JDBCType.TIMESTAMP),
            ColumnMetadata.of("segment", JDBCType.VARCHAR),
            ColumnMetadata.of("credit_limit", JDBCType.DOUBLE));

    static final List<ColumnMetadata> LABEL_COLUMNS = List.of(
            ColumnMetadata.of("id", JDBCType.BIGINT),
            ColumnMetadata.of("customer_id", JDBCType.BIGINT),
            ColumnMetadata.of("event_ts", JDBCType.TIMESTAMP),
            ColumnMetadata.of("name", JDBCType.VARCHAR),
            ColumnMetadata.of("odd\"col", JDBCType.VARCHAR));

    static InMemoryCatalog standard() {
        InMemoryCatalog c = new InMemoryCatalog();
        c.table(TableName.of("lake", "crm", "profile_updates"), PROFILE_COLUMNS);
        c.table(TableName.of("lake", "ml", "labels"), LABEL_COLUMNS);
        c.add(new Entity("customer", List.of(ColumnMetadata.of("customer_id", JDBCType.BIGINT)),
                "CREATE ENTITY customer (customer_id BIGINT)"));
        c.add(new Source("profile_updates", new SourceLocation.Table(TableName.of("lake", "crm", "profile_updates")),
                "updated_ts", Optional.of("loaded_at"), PROFILE_COLUMNS,
                "CREATE SOURCE profile_updates FROM TABLE lake.crm.profile_updates EVENT TIME updated_ts CREATED TIME loaded_at"));
        c.add(new FeatureView("customer_profile", "customer", "profile_updates", List.of(
                        new Feature("\"customer_id\"", ColumnMetadata.of("customer_id", JDBCType.BIGINT)),
                        new Feature("\"segment\"", ColumnMetadata.of("segment", JDBCType.VARCHAR)),
                        new Feature("\"credit_limit\"", ColumnMetadata.of("credit_limit", JDBCType.DOUBLE))),
                Optional.of(Duration.ofDays(30)), false,
                "CREATE FEATURE VIEW customer_profile ENTITY customer FROM profile_updates"
                        + " AS SELECT customer_id, segment, credit_limit TTL INTERVAL '30' DAY"));
        return c;
    }

    void add(CatalogObject o) {
        objects.put(o.name().toLowerCase(Locale.ROOT), o);
    }

    void table(TableName name, List<ColumnMetadata> columns) {
        tables.put(name, List.copyOf(columns));
    }

    @Override
    public Optional<CatalogObject> object(String name) {
        return Optional.ofNullable(objects.get(name.toLowerCase(Locale.ROOT)));
    }

    @Override
    public Collection<CatalogObject> objects() {
        return List.copyOf(objects.values());
    }

    @Override
    public List<TableName> warehouseTables() {
        return new ArrayList<>(tables.keySet());
    }

    @Override
    public Optional<List<ColumnMetadata>> warehouseColumns(TableName name) {
        List<String> full = List.of(name.catalog().orElse("lake"), name.schema().orElse("main"), name.table());
        for (Map.Entry<TableName, List<ColumnMetadata>> e : tables.entrySet()) {
            if (equalsIgnoreCase(e.getKey().parts(), full)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    @Override
    public List<String> defaultSchema() {
        return List.of("lake", "main");
    }

    private static boolean equalsIgnoreCase(List<String> a, List<String> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equalsIgnoreCase(b.get(i))) {
                return false;
            }
        }
        return true;
    }
}
