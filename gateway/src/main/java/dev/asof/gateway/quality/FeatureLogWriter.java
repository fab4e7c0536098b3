package dev.asof.gateway.quality;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.registry.Registry;
import dev.asof.planner.catalog.Entity;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.SchemaName;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.LoadMode;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes batches of logged lookups to their views' log tables ({@link FeatureLogTable}) through the
 * warehouse's bulk load: values are bound, never spliced; the schema and each table are created on
 * first use. Runs on the log's one writer thread only.
 */
final class FeatureLogWriter {
    private final WarehouseConnector warehouse;
    private final Registry registry;
    private boolean schemaCreated;

    FeatureLogWriter(WarehouseConnector warehouse, Registry registry) {
        this.warehouse = requireNonNull(warehouse, "warehouse");
        this.registry = requireNonNull(registry, "registry");
    }

    /**
     * The warehouse catalog the log tables live in: the push schema's, where asof may write (on
     * Trino the one {@code asof.trino.push-schema} names), else the default one.
     */
    String catalog() {
        return warehouse.pushSchema().map(SchemaName::catalog).orElseGet(() -> warehouse.defaultSchema().get(0));
    }

    /** Writes one batch, one bulk load per view; returns the rows written. */
    long write(List<LoggedLookup> batch) {
        Map<Long, List<LoggedLookup>> byView = new LinkedHashMap<>();
        for (LoggedLookup l : batch) {
            byView.computeIfAbsent(l.viewId(), id -> new ArrayList<>()).add(l);
        }
        if (!schemaCreated) {
            warehouse.createSchema(FeatureLogTable.schema(catalog()));
            schemaCreated = true;
        }
        long written = 0;
        for (List<LoggedLookup> lookups : byView.values()) {
            FeatureView view = lookups.get(0).view();
            int keys = keyCount(view);
            TableName table = FeatureLogTable.name(catalog(), view, lookups.get(0).viewId());
            List<ColumnMetadata> columns = FeatureLogTable.columns(view.features().subList(0, keys),
                    view.features().subList(keys, view.features().size()));
            List<Object[]> rows = new ArrayList<>(lookups.size());
            for (LoggedLookup l : lookups) {
                Object[] row = new Object[columns.size()];
                for (int i = 0; i < l.values().size(); i++) {
                    row[i < keys ? i : i + 1] = l.values().get(i);
                }
                row[keys] = LocalDateTime.ofInstant(Instant.EPOCH.plus(l.lookupMicros(), ChronoUnit.MICROS), ZoneOffset.UTC);
                rows.add(row);
            }
            written += warehouse.bulkLoad(table, columns, LoadMode.CREATE_OR_APPEND, rows.iterator());
        }
        return written;
    }

    private int keyCount(FeatureView view) {
        return registry.get(view.entity()).filter(Entity.class::isInstance).map(e -> ((Entity) e).keys().size())
                .orElseThrow(() -> new IllegalStateException("entity " + view.entity() + " of " + view.name() + " is gone"));
    }
}
