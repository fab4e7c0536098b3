package dev.asof.gateway.server.avatica;

import dev.asof.gateway.catalog.LikePattern;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import java.sql.DatabaseMetaData;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.Meta.MetaResultSet;

/**
 * {@link DatabaseMetaData} answers: registry objects (entities, sources, feature views) are tables
 * with no catalog or schema, of type {@code ENTITY}, {@code SOURCE} or {@code FEATURE VIEW}, so
 * that a BI tool's tree shows them and the names it generates are the ones users type;
 * warehouse tables follow with their catalog and schema.
 */
final class JdbcCatalogMetadata {
    static final List<String> TABLE_TYPES = List.of("ENTITY", "FEATURE VIEW", "SOURCE", "TABLE");

    private static final List<ColumnMetadata> TABLES = columns(
            "TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE", "REMARKS", "TYPE_CAT", "TYPE_SCHEM", "TYPE_NAME",
            "SELF_REFERENCING_COL_NAME", "REF_GENERATION");
    private static final List<ColumnMetadata> COLUMNS = List.of(
            text("TABLE_CAT"), text("TABLE_SCHEM"), text("TABLE_NAME"), text("COLUMN_NAME"), integer("DATA_TYPE"),
            text("TYPE_NAME"), integer("COLUMN_SIZE"), integer("BUFFER_LENGTH"), integer("DECIMAL_DIGITS"),
            integer("NUM_PREC_RADIX"), integer("NULLABLE"), text("REMARKS"), text("COLUMN_DEF"), integer("SQL_DATA_TYPE"),
            integer("SQL_DATETIME_SUB"), integer("CHAR_OCTET_LENGTH"), integer("ORDINAL_POSITION"), text("IS_NULLABLE"),
            text("SCOPE_CATALOG"), text("SCOPE_SCHEMA"), text("SCOPE_TABLE"), ColumnMetadata.of("SOURCE_DATA_TYPE", JDBCType.SMALLINT),
            text("IS_AUTOINCREMENT"), text("IS_GENERATEDCOLUMN"));
    private static final List<ColumnMetadata> SCHEMAS = columns("TABLE_SCHEM", "TABLE_CATALOG");
    private static final List<ColumnMetadata> CATALOGS = columns("TABLE_CAT");
    private static final List<ColumnMetadata> TYPES = columns("TABLE_TYPE");

    private final StatementExecutor executor;

    JdbcCatalogMetadata(StatementExecutor executor) {
        this.executor = executor;
    }

    Map<Meta.DatabaseProperty, Object> databaseProperties() {
        Map<Meta.DatabaseProperty, Object> props = new EnumMap<>(Meta.DatabaseProperty.class);
        props.put(Meta.DatabaseProperty.GET_DATABASE_PRODUCT_NAME, "asof");
        props.put(Meta.DatabaseProperty.GET_DATABASE_PRODUCT_VERSION,
                java.util.Objects.requireNonNullElse(JdbcCatalogMetadata.class.getPackage().getImplementationVersion(), "development"));
        return props;
    }

    MetaResultSet tables(String connectionId, int statementId, String catalog, Meta.Pat schema, Meta.Pat table,
            List<String> types) {
        List<Object> rows = new ArrayList<>();
        Pattern tablePattern = like(table);
        boolean registryScope = catalog == null || catalog.isEmpty();
        if (registryScope && (schema == null || schema.s == null || schema.s.equals("%"))) {
            for (CatalogObject o : executor.registry().objects()) {
                if (tablePattern.matcher(o.name()).matches() && typeWanted(types, o.tableType())) {
                    rows.add(new Object[] {null, null, o.name(), o.tableType(), o.ddl(), null, null, null, null, null});
                }
            }
        }
        if (typeWanted(types, "TABLE")) {
            Pattern schemaPattern = like(schema);
            for (TableName t : executor.warehouseTables()) {
                if ((catalog == null || catalog.equalsIgnoreCase(t.catalog().orElseThrow()))
                        && schemaPattern.matcher(t.schema().orElseThrow()).matches() && tablePattern.matcher(t.table()).matches()) {
                    rows.add(new Object[] {t.catalog().get(), t.schema().get(), t.table(), "TABLE", null, null, null, null, null, null});
                }
            }
        }
        return result(connectionId, statementId, TABLES, rows);
    }

    MetaResultSet columns(String connectionId, int statementId, String catalog, Meta.Pat schema, Meta.Pat table,
            Meta.Pat column) {
        List<Object> rows = new ArrayList<>();
        Pattern tablePattern = like(table);
        Pattern columnPattern = like(column);
        boolean registryScope = catalog == null || catalog.isEmpty();
        if (registryScope && (schema == null || schema.s == null || schema.s.equals("%"))) {
            for (CatalogObject o : executor.registry().objects()) {
                if (tablePattern.matcher(o.name()).matches()) {
                    addColumns(rows, null, null, o.name(), o.columns(), columnPattern);
                }
            }
        }
        Pattern schemaPattern = like(schema);
        for (TableName t : executor.warehouseTables()) {
            if ((catalog == null || catalog.equalsIgnoreCase(t.catalog().orElseThrow()))
                    && schemaPattern.matcher(t.schema().orElseThrow()).matches() && tablePattern.matcher(t.table()).matches()) {
                executor.warehouseColumns(t).ifPresent(cols -> addColumns(rows, t.catalog().get(), t.schema().get(), t.table(), cols, columnPattern));
            }
        }
        return result(connectionId, statementId, COLUMNS, rows);
    }

    private static void addColumns(List<Object> rows, String catalog, String schema, String table,
            List<ColumnMetadata> columns, Pattern columnPattern) {
        int position = 0;
        for (ColumnMetadata c : columns) {
            position++;
            if (!columnPattern.matcher(c.name()).matches()) {
                continue;
            }
            rows.add(new Object[] {
                catalog, schema, table, c.name(), AvaticaTypes.wireType(c.jdbcType()), c.typeName(),
                c.precision() > 0 ? c.precision() : null, null, c.scale() > 0 ? c.scale() : null, 10,
                DatabaseMetaData.columnNullable, null, null, null, null, null, position, "YES",
                null, null, null, null, "NO", "NO"
            });
        }
    }

    MetaResultSet schemas(String connectionId, int statementId, String catalog, Meta.Pat schema) {
        Pattern schemaPattern = like(schema);
        TreeSet<String> seen = new TreeSet<>();
        List<Object> rows = new ArrayList<>();
        for (TableName t : executor.warehouseTables()) {
            SchemaName s = t.schemaName();
            if ((catalog == null || catalog.equalsIgnoreCase(s.catalog())) && schemaPattern.matcher(s.schema()).matches()
                    && seen.add(s.toString())) {
                rows.add(new Object[] {s.schema(), s.catalog()});
            }
        }
        return result(connectionId, statementId, SCHEMAS, rows);
    }

    MetaResultSet catalogs(String connectionId, int statementId) {
        TreeSet<String> catalogs = new TreeSet<>();
        executor.warehouseTables().forEach(t -> catalogs.add(t.catalog().orElseThrow()));
        List<Object> rows = new ArrayList<>();
        catalogs.forEach(c -> rows.add(new Object[] {c}));
        return result(connectionId, statementId, CATALOGS, rows);
    }

    MetaResultSet tableTypes(String connectionId, int statementId) {
        List<Object> rows = new ArrayList<>();
        TABLE_TYPES.forEach(t -> rows.add(new Object[] {t}));
        return result(connectionId, statementId, TYPES, rows);
    }

    MetaResultSet empty(String connectionId, int statementId) {
        return result(connectionId, statementId, List.of(), List.of());
    }

    private static MetaResultSet result(String connectionId, int statementId, List<ColumnMetadata> columns, List<Object> rows) {
        Meta.Signature signature = Meta.Signature.create(AvaticaTypes.columns(columns), null, List.of(),
                Meta.CursorFactory.ARRAY, Meta.StatementType.SELECT);
        return MetaResultSet.create(connectionId, statementId, true, signature, Meta.Frame.create(0, true, rows));
    }

    private static boolean typeWanted(List<String> types, String type) {
        return types == null || types.stream().anyMatch(type::equalsIgnoreCase);
    }

    private static List<ColumnMetadata> columns(String... names) {
        List<ColumnMetadata> columns = new ArrayList<>();
        for (String n : names) {
            columns.add(text(n));
        }
        return columns;
    }

    private static ColumnMetadata text(String name) {
        return ColumnMetadata.of(name, JDBCType.VARCHAR);
    }

    private static ColumnMetadata integer(String name) {
        return ColumnMetadata.of(name.toUpperCase(Locale.ROOT), JDBCType.INTEGER);
    }

    /** A JDBC name pattern; null (or a null pattern) matches every name. */
    static Pattern like(Meta.Pat pat) {
        return LikePattern.compile(pat == null ? null : pat.s);
    }
}
