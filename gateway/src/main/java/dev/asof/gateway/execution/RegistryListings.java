package dev.asof.gateway.execution;

import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.Entity;
import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.RequestView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.parser.ObjectKind;
import dev.asof.planner.window.WindowAggregate;
import dev.asof.spi.ColumnMetadata;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/** The rows of SHOW and DESCRIBE. */
final class RegistryListings {
    static final List<ColumnMetadata> DESCRIBE_COLUMNS = List.of(
            ColumnMetadata.of("column_name", JDBCType.VARCHAR),
            ColumnMetadata.of("type", JDBCType.VARCHAR),
            ColumnMetadata.of("role", JDBCType.VARCHAR),
            ColumnMetadata.of("definition", JDBCType.VARCHAR));

    private RegistryListings() {}

    static List<ColumnMetadata> showColumns(ObjectKind kind) {
        List<ColumnMetadata> columns = new ArrayList<>();
        columns.add(ColumnMetadata.of("name", JDBCType.VARCHAR));
        switch (kind) {
            case ENTITY -> columns.add(ColumnMetadata.of("keys", JDBCType.VARCHAR));
            case SOURCE -> {
                columns.add(ColumnMetadata.of("location", JDBCType.VARCHAR));
                columns.add(ColumnMetadata.of("event_time", JDBCType.VARCHAR));
                columns.add(ColumnMetadata.of("created_time", JDBCType.VARCHAR));
            }
            case FEATURE_VIEW -> {
                columns.add(ColumnMetadata.of("entity", JDBCType.VARCHAR));
                columns.add(ColumnMetadata.of("source", JDBCType.VARCHAR));
                columns.add(ColumnMetadata.of("ttl", JDBCType.VARCHAR));
                columns.add(ColumnMetadata.of("hop", JDBCType.VARCHAR));
                columns.add(ColumnMetadata.of("online", JDBCType.BOOLEAN));
            }
        }
        columns.add(ColumnMetadata.of("definition", JDBCType.VARCHAR));
        return columns;
    }

    static ListCursor show(ObjectKind kind, Collection<CatalogObject> objects) {
        List<List<Object>> rows = new ArrayList<>();
        for (CatalogObject o : objects) {
            List<Object> row = new ArrayList<>();
            if (kind == ObjectKind.ENTITY && o instanceof Entity e) {
                row.add(e.name());
                row.add(String.join(", ", e.keys().stream().map(k -> k.name() + " " + k.typeName()).toList()));
            } else if (kind == ObjectKind.SOURCE && o instanceof Source s) {
                row.add(s.name());
                row.add(s.location().toString());
                row.add(s.eventTime());
                row.add(s.createdTime().orElse(null));
            } else if (kind == ObjectKind.FEATURE_VIEW && o instanceof FeatureView v) {
                row.add(v.name());
                row.add(v.entity());
                row.add(v.source());
                row.add(v.ttl().map(DurationText::of).orElse(null));
                row.add(v.hop().map(DurationText::of).orElse(null));
                row.add(v.online());
            } else if (kind == ObjectKind.FEATURE_VIEW && o instanceof RequestView r) {
                // A request-time view: its "source" is the feature view it reads; it has no TTL or HOP of its own.
                row.add(r.name());
                row.add(r.entity());
                row.add(r.view());
                row.add(null);
                row.add(null);
                row.add(r.online());
            } else {
                continue;
            }
            row.add(o.ddl());
            rows.add(row);
        }
        return new ListCursor(showColumns(kind), rows);
    }

    /**
     * One row per column of a definition, with the column's role (key, feature, windowed feature,
     * event time…) and, for a feature view, its definition: the expression over the source, or
     * the windowed aggregate with its window and the view's HOP; for a request-time view, role
     * {@code request} for the request columns and each feature's expression over the feature view
     * it reads and the request columns.
     */
    static ListCursor describe(CatalogObject o, Collection<CatalogObject> all) {
        List<String> keys = new ArrayList<>();
        if (o instanceof FeatureView v) {
            all.stream()
                    .filter(x -> x instanceof Entity && x.name().equalsIgnoreCase(v.entity()))
                    .forEach(e -> ((Entity) e).keys().forEach(k -> keys.add(k.name())));
        }
        List<List<Object>> rows = new ArrayList<>();
        if (o instanceof FeatureView v) {
            for (Feature f : v.features()) {
                String definition = f.aggregate()
                        .map(a -> a.sql() + v.hop().map(h -> " HOP " + WindowAggregate.interval(h)).orElse(""))
                        .orElse(f.expression());
                String role = f.aggregate().isPresent() ? "windowed feature" : role(o, f.name(), keys);
                rows.add(Arrays.asList(f.name(), f.type().typeName(), role, definition));
            }
        } else if (o instanceof RequestView r) {
            for (ColumnMetadata k : r.keys()) {
                rows.add(Arrays.asList(k.name(), k.typeName(), "key", null));
            }
            for (ColumnMetadata c : r.request()) {
                rows.add(Arrays.asList(c.name(), c.typeName(), "request", "supplied by each request: WHERE " + c.name()
                        + " = ?, or the spine's column " + c.name()));
            }
            for (Feature f : r.features()) {
                rows.add(Arrays.asList(f.name(), f.type().typeName(), "request-time feature", f.expression()));
            }
        } else {
            for (ColumnMetadata c : o.columns()) {
                rows.add(Arrays.asList(c.name(), c.typeName(), role(o, c.name(), keys), null));
            }
        }
        return new ListCursor(DESCRIBE_COLUMNS, rows);
    }

    private static String role(CatalogObject o, String column, List<String> viewKeys) {
        if (o instanceof Entity) {
            return "key";
        }
        if (o instanceof Source s) {
            if (s.eventTime().equalsIgnoreCase(column)) {
                return "event time";
            }
            return s.createdTime().filter(column::equalsIgnoreCase).isPresent() ? "created time" : "column";
        }
        return viewKeys.stream().anyMatch(column::equalsIgnoreCase) ? "key" : "feature";
    }
}
