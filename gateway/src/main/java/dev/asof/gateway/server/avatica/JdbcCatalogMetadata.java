package dev.asof.gateway.server.avatica;

import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.metadata.MetadataListing;
import dev.asof.gateway.metadata.MetadataListing.ColumnRow;
import dev.asof.gateway.metadata.MetadataListing.KeyRow;
import dev.asof.gateway.metadata.MetadataListing.SchemaRow;
import dev.asof.gateway.metadata.MetadataListing.TableRow;
import dev.asof.gateway.metadata.TypeInfo;
import dev.asof.planner.parser.AsofParser;
import dev.asof.spi.ColumnMetadata;
import java.sql.DatabaseMetaData;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.Meta.MetaResultSet;

/**
 * {@link DatabaseMetaData} answers: the rows of the gateway's {@link MetadataListing} (registry
 * objects as tables of catalog {@code registry}, schema {@code features}, then warehouse tables) rendered as Avatica result
 * sets with the columns JDBC documents. A JDBC session has no upload schema, so it lists none.
 */
final class JdbcCatalogMetadata {
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
    private static final List<ColumnMetadata> PRIMARY_KEYS = List.of(
            text("TABLE_CAT"), text("TABLE_SCHEM"), text("TABLE_NAME"), text("COLUMN_NAME"),
            ColumnMetadata.of("KEY_SEQ", JDBCType.SMALLINT), text("PK_NAME"));
    private static final List<ColumnMetadata> SCHEMAS = columns("TABLE_SCHEM", "TABLE_CATALOG");
    private static final List<ColumnMetadata> CATALOGS = columns("TABLE_CAT");
    private static final List<ColumnMetadata> TYPES = columns("TABLE_TYPE");
    private static final List<ColumnMetadata> TYPE_INFO = List.of(
            text("TYPE_NAME"), integer("DATA_TYPE"), integer("PRECISION"), text("LITERAL_PREFIX"), text("LITERAL_SUFFIX"),
            text("CREATE_PARAMS"), small("NULLABLE"), bool("CASE_SENSITIVE"), small("SEARCHABLE"),
            bool("UNSIGNED_ATTRIBUTE"), bool("FIXED_PREC_SCALE"), bool("AUTO_INCREMENT"), text("LOCAL_TYPE_NAME"),
            small("MINIMUM_SCALE"), small("MAXIMUM_SCALE"), integer("SQL_DATA_TYPE"), integer("SQL_DATETIME_SUB"),
            integer("NUM_PREC_RADIX"));

    private final StatementExecutor executor;
    private final java.util.function.Supplier<dev.asof.gateway.session.Principal> caller;

    /** @param caller the user of the request being served: it lists only what it may read */
    JdbcCatalogMetadata(StatementExecutor executor, java.util.function.Supplier<dev.asof.gateway.session.Principal> caller) {
        this.executor = executor;
        this.caller = caller;
    }

    /** What a JDBC session may list: what its user may read, and no upload schemas of its own. */
    private MetadataListing listing() {
        return executor.metadata(caller.get(), List.of());
    }

    Map<Meta.DatabaseProperty, Object> databaseProperties() {
        Map<Meta.DatabaseProperty, Object> props = new EnumMap<>(Meta.DatabaseProperty.class);
        props.put(Meta.DatabaseProperty.GET_DATABASE_PRODUCT_NAME, "asof");
        props.put(Meta.DatabaseProperty.GET_DRIVER_NAME, CompactFrames.ANNOUNCEMENT);
        props.put(Meta.DatabaseProperty.GET_S_Q_L_KEYWORDS, AsofParser.jdbcKeywords());
        props.put(Meta.DatabaseProperty.GET_DATABASE_PRODUCT_VERSION,
                java.util.Objects.requireNonNullElse(JdbcCatalogMetadata.class.getPackage().getImplementationVersion(), "development"));
        return props;
    }

    MetaResultSet tables(String connectionId, int statementId, String catalog, Meta.Pat schema, Meta.Pat table,
            List<String> types) {
        List<Object> rows = new ArrayList<>();
        for (TableRow t : listing().tables(catalog, pattern(schema), pattern(table), types)) {
            rows.add(new Object[] {t.catalog(), t.schema(), t.name(), t.type(), t.remarks(), null, null, null, null, null});
        }
        return result(connectionId, statementId, TABLES, rows);
    }

    MetaResultSet columns(String connectionId, int statementId, String catalog, Meta.Pat schema, Meta.Pat table,
            Meta.Pat column) {
        List<Object> rows = new ArrayList<>();
        for (ColumnRow r : listing().columns(catalog, pattern(schema), pattern(table), pattern(column))) {
            ColumnMetadata c = r.column();
            rows.add(new Object[] {
                r.catalog(), r.schema(), r.table(), c.name(), AvaticaTypes.wireType(c.jdbcType()), c.typeName(),
                c.precision() > 0 ? c.precision() : null, null, c.scale() > 0 ? c.scale() : null, 10,
                DatabaseMetaData.columnNullable, r.remarks(), null, null, null, null, r.ordinal(), "YES",
                null, null, null, null, "NO", "NO"
            });
        }
        return result(connectionId, statementId, COLUMNS, rows);
    }

    MetaResultSet primaryKeys(String connectionId, int statementId, String catalog, String schema, String table) {
        List<Object> rows = new ArrayList<>();
        for (KeyRow k : listing().primaryKeys(catalog, schema, table)) {
            rows.add(new Object[] {k.catalog(), k.schema(), k.table(), k.column(), (short) k.sequence(), k.keyName()});
        }
        return result(connectionId, statementId, PRIMARY_KEYS, rows);
    }

    MetaResultSet schemas(String connectionId, int statementId, String catalog, Meta.Pat schema) {
        List<Object> rows = new ArrayList<>();
        for (SchemaRow s : listing().schemas(catalog, pattern(schema))) {
            rows.add(new Object[] {s.schema(), s.catalog()});
        }
        return result(connectionId, statementId, SCHEMAS, rows);
    }

    MetaResultSet catalogs(String connectionId, int statementId) {
        List<Object> rows = new ArrayList<>();
        listing().catalogs().forEach(c -> rows.add(new Object[] {c}));
        return result(connectionId, statementId, CATALOGS, rows);
    }

    MetaResultSet tableTypes(String connectionId, int statementId) {
        List<Object> rows = new ArrayList<>();
        MetadataListing.TABLE_TYPES.forEach(t -> rows.add(new Object[] {t}));
        return result(connectionId, statementId, TYPES, rows);
    }

    /** The types asof takes and returns, as {@code getTypeInfo} documents them. */
    MetaResultSet typeInfo(String connectionId, int statementId) {
        List<Object> rows = new ArrayList<>();
        for (TypeInfo t : TypeInfo.ALL) {
            rows.add(new Object[] {
                t.name(), t.type().getVendorTypeNumber(), t.precision(), t.literalPrefix(), t.literalSuffix(),
                t.createParams(), (short) t.nullable(), t.caseSensitive(), (short) t.searchable(), t.unsigned(),
                t.fixedPrecScale(), false, t.name(), (short) t.minScale(), (short) t.maxScale(), null, null, t.radix()
            });
        }
        return result(connectionId, statementId, TYPE_INFO, rows);
    }

    MetaResultSet empty(String connectionId, int statementId) {
        return result(connectionId, statementId, List.of(), List.of());
    }

    private static MetaResultSet result(String connectionId, int statementId, List<ColumnMetadata> columns, List<Object> rows) {
        Meta.Signature signature = Meta.Signature.create(AvaticaTypes.columns(columns), null, List.of(),
                Meta.CursorFactory.ARRAY, Meta.StatementType.SELECT);
        return MetaResultSet.create(connectionId, statementId, true, signature, Meta.Frame.create(0, true, rows));
    }

    /** A JDBC name pattern's text; null (no pattern) matches every name. */
    private static String pattern(Meta.Pat pat) {
        return pat == null ? null : pat.s;
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

    private static ColumnMetadata small(String name) {
        return ColumnMetadata.of(name, JDBCType.SMALLINT);
    }

    private static ColumnMetadata bool(String name) {
        return ColumnMetadata.of(name, JDBCType.BOOLEAN);
    }

    private static ColumnMetadata integer(String name) {
        return ColumnMetadata.of(name, JDBCType.INTEGER);
    }
}
