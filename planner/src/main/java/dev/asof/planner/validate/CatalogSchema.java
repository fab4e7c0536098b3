package dev.asof.planner.validate;

import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.TableName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.TemporalTable;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * Presents a {@link Catalog} to Calcite's validator: registry objects at the root, warehouse
 * tables under {@code catalog.schema}. Feature views are temporal tables, so that
 * {@code FOR SYSTEM_TIME AS OF} validates against them. Warehouse columns are fetched only for
 * tables a statement uses.
 */
final class CatalogSchema extends AbstractSchema {
    private final Catalog catalog;

    CatalogSchema(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    protected Map<String, Table> getTableMap() {
        Map<String, Table> tables = new LinkedHashMap<>();
        for (CatalogObject o : catalog.objects()) {
            tables.put(o.name(), o instanceof FeatureView ? new FeatureViewTable(o) : new ColumnsTable(o.columns()));
        }
        return tables;
    }

    @Override
    protected Map<String, Schema> getSubSchemaMap() {
        Map<String, Map<String, TableName>> byCatalog = new TreeMap<>();
        for (TableName t : catalog.warehouseTables()) {
            byCatalog.computeIfAbsent(t.catalog().orElseThrow(), k -> new TreeMap<>())
                    .put(t.schema().orElseThrow() + "\u0000" + t.table(), t);
        }
        // The default schema exists even while it has no tables, so that an unknown name is
        // reported as itself rather than as a missing schema on the search path.
        List<String> defaultSchema = catalog.defaultSchema();
        if (defaultSchema.size() == 2) {
            byCatalog.computeIfAbsent(defaultSchema.get(0), k -> new TreeMap<>());
        }
        Map<String, Schema> schemas = new LinkedHashMap<>();
        byCatalog.forEach((name, tables) -> schemas.put(name, new WarehouseCatalogSchema(catalog, name, List.copyOf(tables.values()))));
        return schemas;
    }

    /** One warehouse catalog: its schemas. */
    private static final class WarehouseCatalogSchema extends AbstractSchema {
        private final Catalog catalog;
        private final String name;
        private final List<TableName> tables;

        WarehouseCatalogSchema(Catalog catalog, String name, List<TableName> tables) {
            this.catalog = catalog;
            this.name = name;
            this.tables = tables;
        }

        @Override
        protected Map<String, Schema> getSubSchemaMap() {
            Map<String, List<TableName>> bySchema = new TreeMap<>();
            for (TableName t : tables) {
                bySchema.computeIfAbsent(t.schema().orElseThrow(), k -> new ArrayList<>()).add(t);
            }
            List<String> defaultSchema = catalog.defaultSchema();
            if (defaultSchema.size() == 2 && defaultSchema.get(0).equals(name)) {
                bySchema.computeIfAbsent(defaultSchema.get(1), k -> new ArrayList<>());
            }
            Map<String, Schema> schemas = new LinkedHashMap<>();
            bySchema.forEach((name, ts) -> schemas.put(name, new WarehouseSchema(catalog, ts)));
            return schemas;
        }
    }

    /** One warehouse schema: its tables, columns fetched when first used. */
    private static final class WarehouseSchema extends AbstractSchema {
        private final Catalog catalog;
        private final List<TableName> tables;

        WarehouseSchema(Catalog catalog, List<TableName> tables) {
            this.catalog = catalog;
            this.tables = tables;
        }

        @Override
        protected Map<String, Table> getTableMap() {
            Map<String, Table> map = new LinkedHashMap<>();
            for (TableName name : tables) {
                map.put(name.table(), new LazyWarehouseTable(catalog, name));
            }
            return map;
        }
    }

    private static final class LazyWarehouseTable extends AbstractTable {
        private final Catalog catalog;
        private final TableName name;
        private List<ColumnMetadata> columns;

        LazyWarehouseTable(Catalog catalog, TableName name) {
            this.catalog = catalog;
            this.name = name;
        }

        @Override
        public RelDataType getRowType(RelDataTypeFactory typeFactory) {
            if (columns == null) {
                columns = catalog.warehouseColumns(name).orElse(List.of());
            }
            return SqlTypes.rowType(typeFactory, columns);
        }
    }

    private static class ColumnsTable extends AbstractTable {
        private final List<ColumnMetadata> columns;

        ColumnsTable(List<ColumnMetadata> columns) {
            this.columns = columns;
        }

        @Override
        public RelDataType getRowType(RelDataTypeFactory typeFactory) {
            return SqlTypes.rowType(typeFactory, columns);
        }
    }

    /** A feature view: temporal, so that it may stand under AS OF. */
    private static final class FeatureViewTable extends ColumnsTable implements TemporalTable {
        FeatureViewTable(CatalogObject view) {
            super(view.columns());
        }

        @Override
        public String getSysStartFieldName() {
            return "__asof_valid_from";
        }

        @Override
        public String getSysEndFieldName() {
            return "__asof_valid_to";
        }
    }
}
