package dev.asof.flight;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.metadata.MetadataListing;
import dev.asof.gateway.metadata.MetadataListing.KeyRow;
import dev.asof.gateway.metadata.MetadataListing.SchemaRow;
import dev.asof.gateway.metadata.MetadataListing.TableRow;
import dev.asof.gateway.metadata.TypeInfo;
import dev.asof.planner.parser.AsofParser;
import dev.asof.spi.ColumnMetadata;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightProducer.CallContext;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.sql.FlightSqlColumnMetadata;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Flight SQL metadata commands: the rows of the gateway's {@link MetadataListing} for the calling
 * session (its own upload schema, never another session's) rendered as Arrow vectors in the
 * schemas Flight SQL defines, plus the server's SqlInfo. Table schemas ({@code include_schema})
 * carry each column's type name, precision and scale as Flight SQL column metadata.
 */
final class MetadataStreams {
    private final StatementExecutor executor;
    private final FlightSessions sessions;
    private final BufferAllocator allocator;
    private final SqlInfoBuilder sqlInfo;
    private final FlightAuthentication authentication;

    MetadataStreams(StatementExecutor executor, FlightSessions sessions, BufferAllocator allocator,
            FlightAuthentication authentication) {
        this.executor = requireNonNull(executor, "executor");
        this.authentication = requireNonNull(authentication, "authentication");
        this.sessions = requireNonNull(sessions, "sessions");
        this.allocator = requireNonNull(allocator, "allocator");
        String version = java.util.Objects.requireNonNullElse(
                MetadataStreams.class.getPackage().getImplementationVersion(), "development");
        this.sqlInfo = new SqlInfoBuilder()
                .withFlightSqlServerName("asof")
                .withFlightSqlServerVersion(version)
                .withFlightSqlServerArrowVersion("18.3.0")
                .withFlightSqlServerReadOnly(false)
                .withFlightSqlServerBulkIngestion(true)
                .withFlightSqlServerBulkIngestionTransaction(false)
                .withSqlIdentifierQuoteChar("\"")
                .withSqlKeywords(AsofParser.jdbcKeywords().split(","))
                .withSqlTransactionsSupported(false);
    }

    void sqlInfo(FlightSql.CommandGetSqlInfo command, ServerStreamListener listener) {
        sqlInfo.send(command.getInfoList(), listener);
    }

    void catalogs(CallContext context, ServerStreamListener listener) {
        send(listener, Schemas.GET_CATALOGS_SCHEMA, root -> {
            List<String> catalogs = listing(context).catalogs();
            for (int i = 0; i < catalogs.size(); i++) {
                setText(root, "catalog_name", i, catalogs.get(i));
            }
            return catalogs.size();
        });
    }

    void schemas(FlightSql.CommandGetDbSchemas command, CallContext context, ServerStreamListener listener) {
        String catalog = command.hasCatalog() ? command.getCatalog() : null;
        String pattern = command.hasDbSchemaFilterPattern() ? command.getDbSchemaFilterPattern() : null;
        send(listener, Schemas.GET_SCHEMAS_SCHEMA, root -> {
            List<SchemaRow> schemas = listing(context).schemas(catalog, pattern);
            for (int i = 0; i < schemas.size(); i++) {
                setText(root, "catalog_name", i, schemas.get(i).catalog());
                setText(root, "db_schema_name", i, schemas.get(i).schema());
            }
            return schemas.size();
        });
    }

    /** Registry objects (catalog registry, schema features), then warehouse tables; with their Arrow schemas when asked. */
    void tables(FlightSql.CommandGetTables command, CallContext context, ServerStreamListener listener) {
        String catalog = command.hasCatalog() ? command.getCatalog() : null;
        String schemaPattern = command.hasDbSchemaFilterPattern() ? command.getDbSchemaFilterPattern() : null;
        String tablePattern = command.hasTableNameFilterPattern() ? command.getTableNameFilterPattern() : null;
        List<String> types = command.getTableTypesCount() == 0 ? null : command.getTableTypesList();
        boolean includeSchema = command.getIncludeSchema();
        send(listener, tablesSchema(includeSchema), root -> {
            MetadataListing listing = listing(context);
            List<TableRow> tables = listing.tables(catalog, schemaPattern, tablePattern, types);
            for (int i = 0; i < tables.size(); i++) {
                TableRow t = tables.get(i);
                setText(root, "catalog_name", i, t.catalog());
                setText(root, "db_schema_name", i, t.schema());
                setText(root, "table_name", i, t.name());
                setText(root, "table_type", i, t.type());
                if (includeSchema) {
                    byte[] schema = FlightCalls.serialize(tableSchema(t, listing.columnsOf(t)));
                    ((VarBinaryVector) root.getVector("table_schema")).setSafe(i, schema);
                }
            }
            return tables.size();
        });
    }

    static Schema tablesSchema(boolean includeSchema) {
        return includeSchema ? Schemas.GET_TABLES_SCHEMA : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA;
    }

    void tableTypes(ServerStreamListener listener) {
        send(listener, Schemas.GET_TABLE_TYPES_SCHEMA, root -> {
            List<String> types = MetadataListing.TABLE_TYPES;
            for (int i = 0; i < types.size(); i++) {
                setText(root, "table_type", i, types.get(i));
            }
            return types.size();
        });
    }

    /** The entity key columns of entities and feature views; warehouse tables have none. */
    void primaryKeys(FlightSql.CommandGetPrimaryKeys command, CallContext context, ServerStreamListener listener) {
        String catalog = command.hasCatalog() ? command.getCatalog() : null;
        String schema = command.hasDbSchema() ? command.getDbSchema() : null;
        String table = command.getTable();
        send(listener, Schemas.GET_PRIMARY_KEYS_SCHEMA, root -> {
            List<KeyRow> keys = listing(context).primaryKeys(catalog, schema, table);
            IntVector sequence = (IntVector) root.getVector("key_sequence");
            for (int i = 0; i < keys.size(); i++) {
                KeyRow k = keys.get(i);
                setText(root, "catalog_name", i, k.catalog());
                setText(root, "db_schema_name", i, k.schema());
                setText(root, "table_name", i, k.table());
                setText(root, "column_name", i, k.column());
                setText(root, "key_name", i, k.keyName());
                sequence.setSafe(i, k.sequence());
            }
            return keys.size();
        });
    }

    /**
     * Foreign keys (imported, exported, cross reference): asof declares none, so the answer is an
     * empty stream in the schema Flight SQL defines for the command, not "unimplemented".
     */
    void noKeys(Schema schema, ServerStreamListener listener) {
        send(listener, schema, root -> 0);
    }

    /** The types asof takes and returns ({@link TypeInfo}), all or the one JDBC type number asked for. */
    void typeInfo(FlightSql.CommandGetXdbcTypeInfo command, ServerStreamListener listener) {
        send(listener, Schemas.GET_TYPE_INFO_SCHEMA, root -> {
            int i = 0;
            for (TypeInfo t : TypeInfo.ALL) {
                if (command.hasDataType() && command.getDataType() != t.type().getVendorTypeNumber()) {
                    continue;
                }
                setText(root, "type_name", i, t.name());
                setInt(root, "data_type", i, t.type().getVendorTypeNumber());
                setInt(root, "column_size", i, t.precision());
                setText(root, "literal_prefix", i, t.literalPrefix());
                setText(root, "literal_suffix", i, t.literalSuffix());
                UnionListWriter params = ((ListVector) root.getVector("create_params")).getWriter();
                params.setPosition(i);
                if (t.createParams() != null) {
                    params.startList();
                    for (String p : t.createParams().split(",")) {
                        byte[] b = p.getBytes(StandardCharsets.UTF_8);
                        try (ArrowBuf buf = allocator.buffer(b.length)) {
                            buf.setBytes(0, b);
                            params.varChar().writeVarChar(0, b.length, buf);
                        }
                    }
                    params.endList();
                }
                setInt(root, "nullable", i, t.nullable());
                setBit(root, "case_sensitive", i, t.caseSensitive());
                setInt(root, "searchable", i, t.searchable());
                setBit(root, "unsigned_attribute", i, t.unsigned());
                setBit(root, "fixed_prec_scale", i, t.fixedPrecScale());
                setBit(root, "auto_increment", i, false);
                setText(root, "local_type_name", i, t.name());
                setInt(root, "minimum_scale", i, t.minScale());
                setInt(root, "maximum_scale", i, t.maxScale());
                setInt(root, "sql_data_type", i, t.type().getVendorTypeNumber());
                if (t.radix() != null) {
                    setInt(root, "num_prec_radix", i, t.radix());
                }
                i++;
            }
            ((ListVector) root.getVector("create_params")).setValueCount(i);
            return i;
        });
    }

    /**
     * What the calling session may list: what its user may read, and its own upload schema, never
     * another session's.
     */
    private MetadataListing listing(CallContext context) {
        return executor.metadata(FlightCalls.principal(authentication, context),
                sessions.searchPath(FlightCalls.session(context)));
    }

    /** A listed table's columns as an Arrow schema, each field with its Flight SQL column metadata. */
    private static Schema tableSchema(TableRow table, List<ColumnMetadata> columns) {
        List<Field> fields = new ArrayList<>(columns.size());
        for (ColumnMetadata c : columns) {
            FlightSqlColumnMetadata.Builder metadata = new FlightSqlColumnMetadata.Builder()
                    .tableName(table.name()).typeName(c.typeName()).precision(c.precision()).scale(c.scale());
            if (table.catalog() != null) {
                metadata.catalogName(table.catalog()).schemaName(table.schema());
            }
            fields.add(new Field(c.name(), new FieldType(true, ArrowTypes.arrowType(c), null,
                    metadata.build().getMetadataMap()), null));
        }
        return new Schema(fields);
    }

    private interface Filler {
        int fill(VectorSchemaRoot root);
    }

    /** One batch of metadata rows; failures reach the client as Flight errors. */
    private void send(ServerStreamListener listener, Schema schema, Filler filler) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            root.allocateNew();
            root.setRowCount(filler.fill(root));
            listener.start(root);
            listener.putNext();
            listener.completed();
        } catch (RuntimeException e) {
            listener.error(FlightErrors.toFlight(e, null));
        }
    }

    private static void setInt(VectorSchemaRoot root, String column, int i, int value) {
        ((IntVector) root.getVector(column)).setSafe(i, value);
    }

    private static void setBit(VectorSchemaRoot root, String column, int i, boolean value) {
        ((BitVector) root.getVector(column)).setSafe(i, value ? 1 : 0);
    }

    private static void setText(VectorSchemaRoot root, String column, int i, String value) {
        VarCharVector v = (VarCharVector) root.getVector(column);
        if (value == null) {
            v.setNull(i);
        } else {
            v.setSafe(i, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
