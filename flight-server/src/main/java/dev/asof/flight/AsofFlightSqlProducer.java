package dev.asof.flight;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.asof.gateway.catalog.LikePattern;
import dev.asof.gateway.execution.ClientErrors;
import dev.asof.gateway.execution.PreparedQuery;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.execution.StatementResult;
import dev.asof.gateway.session.Principal;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import dev.asof.spi.RowCursor;
import dev.asof.spi.warehouse.ArrowExport;
import dev.asof.spi.warehouse.LoadMode;
import dev.asof.spi.warehouse.QueryControl;
import java.nio.charset.StandardCharsets;
import java.sql.JDBCType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.arrow.flight.BackpressureStrategy;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.ErrorFlightMetadata;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.NoOpFlightSqlProducer;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Arrow Flight SQL over the gateway's execution layer: the same planner, registry and engines as
 * the JDBC endpoint. Query results stream as Arrow record batches while the engine produces
 * them, waiting for the client between batches, so an extract is never held whole in memory.
 */
final class AsofFlightSqlProducer extends NoOpFlightSqlProducer {
    static final int BATCH_ROWS = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(AsofFlightSqlProducer.class);
    private static final List<String> TABLE_TYPES = List.of("ENTITY", "FEATURE VIEW", "SOURCE", "TABLE");
    private static final long STATEMENT_TTL_NANOS = Duration.ofMinutes(30).toNanos();
    /** How long a stream waits for a slow client between batches before giving up. */
    private static final long CLIENT_WAIT_MILLIS = Duration.ofMinutes(10).toMillis();

    private final StatementExecutor executor;
    private final BufferAllocator allocator;
    private final FlightSessions sessions;
    private final FlightAuthentication authentication;
    private final SqlInfoBuilder sqlInfo;
    /** Statements planned by GetFlightInfo (one-shot) and prepared statements, by handle. */
    private final Map<ByteString, Handle> handles = new ConcurrentHashMap<>();

    /** A planned statement, its session, bound parameter rows and when it was last used. */
    private static final class Handle {
        final PreparedQuery query;
        final String sessionId;
        final boolean prepared;
        volatile List<List<Object>> parameterRows = List.of();
        volatile long lastUsed = System.nanoTime();

        Handle(PreparedQuery query, String sessionId, boolean prepared) {
            this.query = query;
            this.sessionId = sessionId;
            this.prepared = prepared;
        }
    }

    AsofFlightSqlProducer(StatementExecutor executor, BufferAllocator allocator, FlightSessions sessions,
            FlightAuthentication authentication) {
        this.executor = executor;
        this.authentication = authentication;
        this.allocator = allocator;
        this.sessions = sessions;
        String version = java.util.Objects.requireNonNullElse(
                AsofFlightSqlProducer.class.getPackage().getImplementationVersion(), "development");
        this.sqlInfo = new SqlInfoBuilder()
                .withFlightSqlServerName("asof")
                .withFlightSqlServerVersion(version)
                .withFlightSqlServerArrowVersion("18.3.0")
                .withFlightSqlServerReadOnly(false)
                .withFlightSqlServerBulkIngestion(true)
                .withFlightSqlServerBulkIngestionTransaction(false)
                .withSqlIdentifierQuoteChar("\"")
                .withSqlTransactionsSupported(false);
    }

    // ---- statements -----------------------------------------------------------------------

    @Override
    public FlightInfo getFlightInfoStatement(FlightSql.CommandStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        return guarded(() -> {
            String session = session(context);
            PreparedQuery q = prepare(command.getQuery(), session, context);
            ByteString handle = newHandle(new Handle(q, session, false));
            Ticket ticket = new Ticket(Any.pack(FlightSql.TicketStatementQuery.newBuilder()
                    .setStatementHandle(handle).build()).toByteArray());
            return info(resultSchema(q), descriptor, ticket);
        });
    }

    @Override
    public SchemaResult getSchemaStatement(FlightSql.CommandStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        return guarded(() -> new SchemaResult(resultSchema(prepare(command.getQuery(), session(context), context))));
    }

    @Override
    public void getStreamStatement(FlightSql.TicketStatementQuery ticket, CallContext context,
            ServerStreamListener listener) {
        Handle h = handles.remove(ticket.getStatementHandle());
        if (h == null) {
            listener.error(CallStatus.NOT_FOUND.withDescription("unknown or already used statement ticket")
                    .toRuntimeException());
            return;
        }
        streamResults(h, List.of(List.of()), context, listener);
    }

    @Override
    public Runnable acceptPutStatement(FlightSql.CommandStatementUpdate command, CallContext context,
            FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return () -> {
            try {
                String session = session(context);
                PreparedQuery q = prepare(command.getQuery(), session, context);
                long count = update(q, List.of(), context);
                sendUpdateCount(ackStream, count);
            } catch (RuntimeException e) {
                ackStream.onError(toFlight(e, command.getQuery()));
            }
        };
    }

    // ---- prepared statements ----------------------------------------------------------------

    @Override
    public void createPreparedStatement(FlightSql.ActionCreatePreparedStatementRequest request, CallContext context,
            StreamListener<Result> listener) {
        try {
            String session = session(context);
            PreparedQuery q = prepare(request.getQuery(), session, context);
            ByteString handle = newHandle(new Handle(q, session, true));
            FlightSql.ActionCreatePreparedStatementResult.Builder result = FlightSql.ActionCreatePreparedStatementResult
                    .newBuilder().setPreparedStatementHandle(handle);
            if (q.columns().isPresent()) {
                result.setDatasetSchema(ByteString.copyFrom(serialize(resultSchema(q))));
            }
            result.setParameterSchema(ByteString.copyFrom(serialize(parameterSchema(q))));
            listener.onNext(new Result(Any.pack(result.build()).toByteArray()));
            listener.onCompleted();
        } catch (RuntimeException e) {
            listener.onError(toFlight(e, request.getQuery()));
        }
    }

    @Override
    public void closePreparedStatement(FlightSql.ActionClosePreparedStatementRequest request, CallContext context,
            StreamListener<Result> listener) {
        handles.remove(request.getPreparedStatementHandle());
        listener.onCompleted();
    }

    @Override
    public FlightInfo getFlightInfoPreparedStatement(FlightSql.CommandPreparedStatementQuery command,
            CallContext context, FlightDescriptor descriptor) {
        return guarded(() -> {
            Handle h = preparedHandle(command.getPreparedStatementHandle());
            return info(resultSchema(h.query), descriptor, new Ticket(Any.pack(command).toByteArray()));
        });
    }

    @Override
    public SchemaResult getSchemaPreparedStatement(FlightSql.CommandPreparedStatementQuery command,
            CallContext context, FlightDescriptor descriptor) {
        return guarded(() -> new SchemaResult(resultSchema(preparedHandle(command.getPreparedStatementHandle()).query)));
    }

    @Override
    public void getStreamPreparedStatement(FlightSql.CommandPreparedStatementQuery command, CallContext context,
            ServerStreamListener listener) {
        Handle h;
        try {
            h = preparedHandle(command.getPreparedStatementHandle());
        } catch (RuntimeException e) {
            listener.error(toFlight(e, null));
            return;
        }
        List<List<Object>> rows = h.parameterRows;
        streamResults(h, rows.isEmpty() ? List.of(List.of()) : rows, context, listener);
    }

    @Override
    public Runnable acceptPutPreparedStatementQuery(FlightSql.CommandPreparedStatementQuery command,
            CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return () -> {
            try {
                Handle h = preparedHandle(command.getPreparedStatementHandle());
                h.parameterRows = readParameters(flightStream);
                ackStream.onCompleted();
            } catch (RuntimeException e) {
                ackStream.onError(toFlight(e, null));
            }
        };
    }

    @Override
    public Runnable acceptPutPreparedStatementUpdate(FlightSql.CommandPreparedStatementUpdate command,
            CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return () -> {
            try {
                Handle h = preparedHandle(command.getPreparedStatementHandle());
                List<List<Object>> rows = readParameters(flightStream);
                long total = 0;
                for (List<Object> params : rows.isEmpty() ? List.<List<Object>>of(List.of()) : rows) {
                    long n = update(h.query, params, context);
                    total = n < 0 ? total : total + n;
                }
                sendUpdateCount(ackStream, total);
            } catch (RuntimeException e) {
                ackStream.onError(toFlight(e, null));
            }
        };
    }

    // ---- bulk ingest ------------------------------------------------------------------------

    /**
     * Uploads into a session table {@code <catalog>.asof_session_<id>.<table>}; the session's next
     * statements find it by its unqualified name. Only session tables can be written: a command
     * that names another schema or catalog is refused.
     */
    @Override
    public Runnable acceptPutStatementBulkIngest(FlightSql.CommandStatementIngest command, CallContext context,
            FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return () -> {
            try {
                String session = session(context);
                String table = command.getTable();
                if (table.isBlank()) {
                    throw new AsofException(ErrorCode.INVALID_PARAMETER, "bulk ingest needs a table name");
                }
                if ((command.hasSchema() && !command.getSchema().isEmpty()
                                && !command.getSchema().equalsIgnoreCase(FlightSessions.schemaName(session)))
                        || (command.hasCatalog() && !command.getCatalog().isEmpty()
                                && !command.getCatalog().equalsIgnoreCase(executor.defaultCatalog()))) {
                    throw new AsofException(ErrorCode.NOT_SUPPORTED, "bulk ingest writes session tables only:"
                            + " leave catalog and schema unset; the table is then visible to this session as '"
                            + table + "'");
                }
                LoadMode mode = loadMode(command.getTableDefinitionOptions());
                SchemaName schema = sessions.ensureSchema(session);
                Schema arrowSchema = flightStream.getSchema();
                List<ColumnMetadata> columns = new ArrayList<>();
                for (Field f : arrowSchema.getFields()) {
                    columns.add(ArrowTypes.column(f));
                }
                long n = executor.warehouse().bulkLoad(TableName.of(schema, table), columns, mode,
                        new StreamRows(flightStream, columns.size()));
                LOG.debug("session {} uploaded {} rows into {}", session, n, table);
                sendUpdateCount(ackStream, n);
            } catch (RuntimeException e) {
                ackStream.onError(toFlight(e, null));
            }
        };
    }

    private static LoadMode loadMode(TableDefinitionOptions options) {
        var notExist = options.getIfNotExist();
        var exists = options.getIfExists();
        boolean create = notExist != TableDefinitionOptions.TableNotExistOption.TABLE_NOT_EXIST_OPTION_FAIL;
        switch (exists) {
            case TABLE_EXISTS_OPTION_REPLACE:
                return LoadMode.REPLACE;
            case TABLE_EXISTS_OPTION_APPEND:
                return create ? LoadMode.CREATE_OR_APPEND : LoadMode.APPEND;
            default:
                // FAIL or unspecified: create, failing if the table exists
                return LoadMode.CREATE;
        }
    }

    /** Rows of an uploaded Arrow stream, batch by batch (one array, reused). */
    private static final class StreamRows implements Iterator<Object[]> {
        private final FlightStream stream;
        private final Object[] row;
        private ArrowTypes.ColumnReader[] readers;
        private int index;
        private int count;
        private boolean done;

        StreamRows(FlightStream stream, int width) {
            this.stream = stream;
            this.row = new Object[width];
        }

        @Override
        public boolean hasNext() {
            while (!done && index >= count) {
                if (!stream.next()) {
                    done = true;
                    break;
                }
                VectorSchemaRoot root = stream.getRoot();
                List<FieldVector> vectors = root.getFieldVectors();
                readers = new ArrowTypes.ColumnReader[vectors.size()];
                for (int i = 0; i < readers.length; i++) {
                    readers[i] = ArrowTypes.reader(vectors.get(i));
                }
                index = 0;
                count = root.getRowCount();
            }
            return !done;
        }

        @Override
        public Object[] next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            for (int i = 0; i < row.length; i++) {
                row[i] = readers[i].read(index);
            }
            index++;
            return row;
        }
    }

    // ---- metadata ---------------------------------------------------------------------------

    @Override
    public FlightInfo getFlightInfoSqlInfo(FlightSql.CommandGetSqlInfo request, CallContext context,
            FlightDescriptor descriptor) {
        return info(Schemas.GET_SQL_INFO_SCHEMA, descriptor, ticketFor(request));
    }

    @Override
    public void getStreamSqlInfo(FlightSql.CommandGetSqlInfo command, CallContext context, ServerStreamListener listener) {
        sqlInfo.send(command.getInfoList(), listener);
    }

    @Override
    public FlightInfo getFlightInfoCatalogs(FlightSql.CommandGetCatalogs request, CallContext context,
            FlightDescriptor descriptor) {
        return info(Schemas.GET_CATALOGS_SCHEMA, descriptor, ticketFor(request));
    }

    @Override
    public void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
        streamMetadata(listener, Schemas.GET_CATALOGS_SCHEMA, root -> {
            TreeSet<String> catalogs = new TreeSet<>();
            executor.warehouseTables().forEach(t -> catalogs.add(t.catalog().orElseThrow()));
            catalogs.add(executor.defaultCatalog());
            int i = 0;
            for (String c : catalogs) {
                setText(root, "catalog_name", i++, c);
            }
            return i;
        });
    }

    @Override
    public FlightInfo getFlightInfoSchemas(FlightSql.CommandGetDbSchemas request, CallContext context,
            FlightDescriptor descriptor) {
        return info(Schemas.GET_SCHEMAS_SCHEMA, descriptor, ticketFor(request));
    }

    @Override
    public void getStreamSchemas(FlightSql.CommandGetDbSchemas command, CallContext context, ServerStreamListener listener) {
        String session = session(context);
        String catalog = command.hasCatalog() ? command.getCatalog() : null;
        Pattern schemaPattern = LikePattern.compile(command.hasDbSchemaFilterPattern() ? command.getDbSchemaFilterPattern() : null);
        streamMetadata(listener, Schemas.GET_SCHEMAS_SCHEMA, root -> {
            TreeSet<SchemaName> seen = new TreeSet<>(java.util.Comparator.comparing(SchemaName::catalog)
                    .thenComparing(SchemaName::schema));
            for (TableName t : executor.warehouseTables()) {
                SchemaName s = t.schemaName();
                if ((catalog == null || catalog.equalsIgnoreCase(s.catalog())) && schemaPattern.matcher(s.schema()).matches()
                        && !sessions.isForeign(s.schema(), session)) {
                    seen.add(s);
                }
            }
            int i = 0;
            for (SchemaName s : seen) {
                setText(root, "catalog_name", i, s.catalog());
                setText(root, "db_schema_name", i, s.schema());
                i++;
            }
            return i;
        });
    }

    @Override
    public FlightInfo getFlightInfoTables(FlightSql.CommandGetTables request, CallContext context,
            FlightDescriptor descriptor) {
        return info(request.getIncludeSchema() ? Schemas.GET_TABLES_SCHEMA : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA,
                descriptor, ticketFor(request));
    }

    /**
     * Registry objects (entities, sources, feature views) are tables without catalog or schema, of
     * types ENTITY, SOURCE, FEATURE VIEW; warehouse tables follow with type TABLE. Other sessions'
     * upload schemas are not listed.
     */
    @Override
    public void getStreamTables(FlightSql.CommandGetTables command, CallContext context, ServerStreamListener listener) {
        String session = session(context);
        String catalog = command.hasCatalog() ? command.getCatalog() : null;
        String schemaFilter = command.hasDbSchemaFilterPattern() ? command.getDbSchemaFilterPattern() : null;
        Pattern schemaPattern = LikePattern.compile(schemaFilter);
        Pattern tablePattern = LikePattern.compile(command.hasTableNameFilterPattern() ? command.getTableNameFilterPattern() : null);
        List<String> types = command.getTableTypesCount() == 0 ? null : command.getTableTypesList();
        boolean includeSchema = command.getIncludeSchema();
        Schema schema = includeSchema ? Schemas.GET_TABLES_SCHEMA : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA;
        streamMetadata(listener, schema, root -> {
            int i = 0;
            boolean registryScope = catalog == null || catalog.isEmpty();
            if (registryScope && (schemaFilter == null || schemaFilter.equals("%"))) {
                for (CatalogObject o : executor.registry().objects()) {
                    if (tablePattern.matcher(o.name()).matches() && typeWanted(types, o.tableType())) {
                        addTable(root, i++, null, null, o.name(), o.tableType(), includeSchema ? o.columns() : null);
                    }
                }
            }
            if (typeWanted(types, "TABLE")) {
                for (TableName t : executor.warehouseTables()) {
                    SchemaName s = t.schemaName();
                    if ((catalog == null || catalog.equalsIgnoreCase(s.catalog())) && schemaPattern.matcher(s.schema()).matches()
                            && tablePattern.matcher(t.table()).matches() && !sessions.isForeign(s.schema(), session)) {
                        List<ColumnMetadata> cols = includeSchema ? executor.warehouseColumns(t).orElse(List.of()) : null;
                        addTable(root, i++, s.catalog(), s.schema(), t.table(), "TABLE", cols);
                    }
                }
            }
            return i;
        });
    }

    private static void addTable(VectorSchemaRoot root, int i, String catalog, String schema, String name, String type,
            List<ColumnMetadata> columns) {
        setText(root, "catalog_name", i, catalog);
        setText(root, "db_schema_name", i, schema);
        setText(root, "table_name", i, name);
        setText(root, "table_type", i, type);
        if (columns != null) {
            ((VarBinaryVector) root.getVector("table_schema")).setSafe(i, serialize(ArrowTypes.schema(columns)));
        }
    }

    @Override
    public FlightInfo getFlightInfoTableTypes(FlightSql.CommandGetTableTypes request, CallContext context,
            FlightDescriptor descriptor) {
        return info(Schemas.GET_TABLE_TYPES_SCHEMA, descriptor, ticketFor(request));
    }

    @Override
    public void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
        streamMetadata(listener, Schemas.GET_TABLE_TYPES_SCHEMA, root -> {
            int i = 0;
            for (String t : TABLE_TYPES) {
                setText(root, "table_type", i++, t);
            }
            return i;
        });
    }

    /** No keys: asof has no primary/foreign key metadata; answered empty so clients can ask. */
    @Override
    public FlightInfo getFlightInfoPrimaryKeys(FlightSql.CommandGetPrimaryKeys request, CallContext context,
            FlightDescriptor descriptor) {
        return info(Schemas.GET_PRIMARY_KEYS_SCHEMA, descriptor, ticketFor(request));
    }

    @Override
    public void getStreamPrimaryKeys(FlightSql.CommandGetPrimaryKeys command, CallContext context,
            ServerStreamListener listener) {
        streamMetadata(listener, Schemas.GET_PRIMARY_KEYS_SCHEMA, root -> 0);
    }

    // ---- streaming --------------------------------------------------------------------------

    /**
     * Runs the statement once per parameter row and streams every row as Arrow batches of
     * {@value #BATCH_ROWS}. Between batches it waits until the client can take more (gRPC
     * flow control through {@link BackpressureStrategy}), so memory stays at about one batch
     * however large the result.
     */
    private void streamResults(Handle h, List<List<Object>> parameterRows, CallContext context,
            ServerStreamListener listener) {
        h.lastUsed = System.nanoTime();
        QueryControl control = QueryControl.none();
        listener.setOnCancelHandler(control::cancel);
        Schema schema = resultSchema(h.query);
        BackpressureStrategy backpressure = new BackpressureStrategy.CallbackBackpressureStrategy();
        backpressure.register(listener);
        try (BufferAllocator streamAllocator = allocator.newChildAllocator("stream", 0, allocator.getLimit())) {
            if (parameterRows.size() == 1 && arrowExportFits(schema)
                    && streamArrow(principal(context), h, parameterRows.get(0), schema, streamAllocator, control, listener,
                            backpressure)) {
                return;
            }
            streamRows(principal(context), h, parameterRows, schema, streamAllocator, control, listener, backpressure);
        } catch (RuntimeException e) {
            listener.error(toFlight(e, h.query.sql()));
        }
    }

    /** The export is worth trying for result sets with columns (types are checked once it runs). */
    private static boolean arrowExportFits(Schema schema) {
        return !schema.getFields().isEmpty();
    }

    /**
     * The fast path: the engine exports Arrow batches and they go out as they are. Returns false
     * (having sent nothing) when the engine cannot export or its types differ from the declared
     * schema; the caller then converts row by row.
     */
    private boolean streamArrow(Principal principal, Handle h, List<Object> params, Schema schema, BufferAllocator streamAllocator,
            QueryControl control, ServerStreamListener listener, BackpressureStrategy backpressure) {
        Optional<ArrowExport.ArrowBatches> export = executor.executeArrow(principal, h.query, params, control, streamAllocator,
                BATCH_ROWS);
        if (export.isEmpty()) {
            return false;
        }
        try (ArrowExport.ArrowBatches batches = export.get()) {
            ArrowReader reader = (ArrowReader) batches.reader();
            VectorSchemaRoot root;
            try {
                root = reader.getVectorSchemaRoot();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            if (!sameTypes(root.getSchema(), schema)) {
                LOG.debug("engine Arrow types {} differ from declared {}; converting rows", root.getSchema(), schema);
                return false;
            }
            listener.start(root);
            try {
                while (reader.loadNextBatch()) {
                    if (root.getRowCount() == 0) {
                        continue;
                    }
                    if (!send(root, root.getRowCount(), listener, backpressure, control)) {
                        return true;
                    }
                }
            } catch (java.io.IOException e) {
                throw new AsofException(ErrorCode.ENGINE_ERROR, "reading the engine's Arrow result: " + e.getMessage());
            }
            listener.completed();
            return true;
        }
    }

    private static boolean sameTypes(Schema actual, Schema declared) {
        if (actual.getFields().size() != declared.getFields().size()) {
            return false;
        }
        for (int i = 0; i < actual.getFields().size(); i++) {
            Field a = actual.getFields().get(i);
            Field d = declared.getFields().get(i);
            if (!a.getType().equals(d.getType()) || !a.getName().equals(d.getName()) || !a.getChildren().isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private void streamRows(Principal principal, Handle h, List<List<Object>> parameterRows, Schema schema, BufferAllocator streamAllocator,
            QueryControl control, ServerStreamListener listener, BackpressureStrategy backpressure) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, streamAllocator)) {
            listener.start(root);
            List<FieldVector> vectors = root.getFieldVectors();
            ArrowTypes.ColumnWriter[] writers = new ArrowTypes.ColumnWriter[vectors.size()];
            for (int i = 0; i < writers.length; i++) {
                writers[i] = ArrowTypes.writer(vectors.get(i));
            }
            for (List<Object> params : parameterRows) {
                StatementResult result = executor.execute(principal, h.query, params, control);
                if (!(result instanceof StatementResult.Rows rows)) {
                    continue;
                }
                try (RowCursor cursor = rows.cursor()) {
                    int n = 0;
                    root.allocateNew();
                    while (cursor.next()) {
                        for (int c = 0; c < writers.length; c++) {
                            writers[c].write(n, cursor.value(c));
                        }
                        if (++n == BATCH_ROWS) {
                            if (!send(root, n, listener, backpressure, control)) {
                                return;
                            }
                            root.allocateNew();
                            n = 0;
                        }
                    }
                    if (n > 0 && !send(root, n, listener, backpressure, control)) {
                        return;
                    }
                }
            }
            listener.completed();
        }
    }

    /**
     * Sends one batch once the client can take it; false if the client went away.
     *
     * <p>The handler runs on the call's gRPC executor, so the transport's on-ready callback may not
     * be delivered while we wait here: the wait re-checks {@code isReady()} every few milliseconds
     * instead of relying on the callback alone (otherwise a stream can stall until the timeout).
     */
    private static boolean send(VectorSchemaRoot root, int rows, ServerStreamListener listener,
            BackpressureStrategy backpressure, QueryControl control) {
        root.setRowCount(rows);
        long deadline = System.nanoTime() + CLIENT_WAIT_MILLIS * 1_000_000L;
        while (!listener.isReady()) {
            if (listener.isCancelled()) {
                control.cancel();
                return false;
            }
            if (System.nanoTime() > deadline) {
                control.cancel();
                listener.error(CallStatus.TIMED_OUT.withDescription("client did not read results for "
                        + CLIENT_WAIT_MILLIS / 1000 + " s").toRuntimeException());
                return false;
            }
            backpressure.waitForListener(2);
        }
        listener.putNext();
        return true;
    }

    private interface Filler {
        int fill(VectorSchemaRoot root);
    }

    private void streamMetadata(ServerStreamListener listener, Schema schema, Filler filler) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            root.allocateNew();
            int n = filler.fill(root);
            root.setRowCount(n);
            listener.start(root);
            listener.putNext();
            listener.completed();
        } catch (RuntimeException e) {
            listener.error(toFlight(e, null));
        }
    }

    private static void setText(VectorSchemaRoot root, String column, int i, String value) {
        VarCharVector v = (VarCharVector) root.getVector(column);
        if (value == null) {
            v.setNull(i);
        } else {
            v.setSafe(i, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    private PreparedQuery prepare(String sql, String session, CallContext context) {
        return executor.prepare(principal(context), sql, sessions.searchPath(session));
    }

    private long update(PreparedQuery q, List<Object> params, CallContext context) {
        StatementResult r = executor.execute(principal(context), q, params, QueryControl.none());
        if (r instanceof StatementResult.UpdateCount c) {
            return c.count();
        }
        ((StatementResult.Rows) r).cursor().close();
        throw new AsofException(ErrorCode.INVALID_QUERY, "the statement returns rows; run it as a query");
    }

    private Handle preparedHandle(ByteString handle) {
        Handle h = handles.get(handle);
        if (h == null || !h.prepared) {
            throw new AsofException(ErrorCode.INVALID_QUERY, "unknown or closed prepared statement");
        }
        h.lastUsed = System.nanoTime();
        return h;
    }

    private ByteString newHandle(Handle h) {
        UUID id = UUID.randomUUID();
        ByteString key = ByteString.copyFrom(id.toString().getBytes(StandardCharsets.US_ASCII));
        handles.put(key, h);
        return key;
    }

    /** Forgets statements nobody used for 30 minutes. */
    void sweep() {
        long now = System.nanoTime();
        handles.values().removeIf(h -> now - h.lastUsed > STATEMENT_TTL_NANOS);
        sessions.sweep();
    }

    private static Schema resultSchema(PreparedQuery q) {
        return q.columns().map(ArrowTypes::schema).orElse(new Schema(List.of()));
    }

    /** Parameter fields typed as the engine infers them; unknown types are sent as strings. */
    private Schema parameterSchema(PreparedQuery q) {
        List<JDBCType> types = executor.parameterTypes(q);
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            JDBCType t = types.get(i);
            ArrowType type = t == JDBCType.OTHER || t == JDBCType.NULL ? ArrowType.Utf8.INSTANCE
                    : ArrowTypes.arrowType(new ColumnMetadata("p", t, t.getName(), t == JDBCType.DECIMAL ? 38 : 0,
                            t == JDBCType.DECIMAL ? 9 : 0));
            fields.add(new Field("parameter_" + (i + 1), FieldType.nullable(type), null));
        }
        return new Schema(fields);
    }

    private static List<List<Object>> readParameters(FlightStream stream) {
        List<List<Object>> rows = new ArrayList<>();
        while (stream.next()) {
            VectorSchemaRoot root = stream.getRoot();
            List<FieldVector> vectors = root.getFieldVectors();
            ArrowTypes.ColumnReader[] readers = new ArrowTypes.ColumnReader[vectors.size()];
            for (int i = 0; i < readers.length; i++) {
                readers[i] = ArrowTypes.reader(vectors.get(i));
            }
            for (int r = 0; r < root.getRowCount(); r++) {
                List<Object> row = new ArrayList<>(readers.length);
                for (ArrowTypes.ColumnReader reader : readers) {
                    Object v = reader.read(r);
                    row.add(v instanceof org.apache.arrow.vector.util.Text t ? t.toString() : v);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private void sendUpdateCount(StreamListener<PutResult> ackStream, long count) {
        byte[] bytes = FlightSql.DoPutUpdateResult.newBuilder().setRecordCount(count).build().toByteArray();
        try (ArrowBuf buf = allocator.buffer(bytes.length)) {
            buf.writeBytes(bytes);
            ackStream.onNext(PutResult.metadata(buf));
        }
        ackStream.onCompleted();
    }

    private static FlightInfo info(Schema schema, FlightDescriptor descriptor, Ticket ticket) {
        return new FlightInfo(schema, descriptor, List.of(new FlightEndpoint(ticket)), -1, -1);
    }

    private static Ticket ticketFor(Message command) {
        return new Ticket(Any.pack(command).toByteArray());
    }

    static byte[] serialize(Schema schema) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            MessageSerializer.serialize(new WriteChannel(java.nio.channels.Channels.newChannel(out)), schema);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Who makes this call (authenticated by {@link FlightAuthentication}). */
    private Principal principal(CallContext context) {
        SessionMiddleware m = context.getMiddleware(SessionMiddleware.KEY);
        return authentication.principal(context, m == null ? null : m.peerAddress());
    }

    private static String session(CallContext context) {
        SessionMiddleware m = context.getMiddleware(SessionMiddleware.KEY);
        return m == null ? "anonymous" : m.sessionId();
    }

    private static boolean typeWanted(List<String> types, String type) {
        return types == null || types.stream().anyMatch(type::equalsIgnoreCase);
    }

    private interface Work<T> {
        T run();
    }

    private static <T> T guarded(Work<T> work) {
        try {
            return work.run();
        } catch (RuntimeException e) {
            throw toFlight(e, null);
        }
    }

    /**
     * The Flight error a client sees: the asof message (with line:column where the planner gives
     * it), a status that fits the error code, the SQLSTATE in the metadata key
     * {@code x-asof-sqlstate}, and never a stack trace.
     */
    static FlightRuntimeException toFlight(RuntimeException e, String sql) {
        if (e instanceof FlightRuntimeException f) {
            return f;
        }
        AsofException error = ClientErrors.of(e, sql);
        CallStatus status = switch (error.code()) {
            case SYNTAX_ERROR, INVALID_QUERY, PIT_JOIN_REQUIRED, INVALID_PARAMETER, INVALID_DEFINITION, INVALID_SOURCE ->
                    CallStatus.INVALID_ARGUMENT;
            case UNKNOWN_OBJECT -> CallStatus.NOT_FOUND;
            case ALREADY_EXISTS -> CallStatus.ALREADY_EXISTS;
            case NOT_SUPPORTED -> CallStatus.UNIMPLEMENTED;
            case CANCELLED -> CallStatus.CANCELLED;
            case ENGINE_ERROR, INTERNAL_ERROR -> CallStatus.INTERNAL;
            case INSUFFICIENT_PRIVILEGE -> CallStatus.UNAUTHORIZED;
            case AUTHENTICATION_REQUIRED, AUTHENTICATION_FAILED -> CallStatus.UNAUTHENTICATED;
        };
        ErrorFlightMetadata metadata = new ErrorFlightMetadata();
        metadata.insert("x-asof-sqlstate", error.code().sqlState());
        FlightRuntimeException out = status.withDescription(error.getMessage()).withMetadata(metadata).toRuntimeException();
        out.setStackTrace(new StackTraceElement[0]);
        return out;
    }

    @Override
    public void close() {
        handles.clear();
    }

}
