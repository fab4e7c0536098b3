package dev.asof.flight;

import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.execution.StatementExecutor;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.sql.NoOpFlightSqlProducer;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Arrow Flight SQL over the gateway's execution layer: the same planner, registry, engines and
 * metadata listing as the JDBC endpoint. Every call is authenticated before it gets here
 * ({@link FlightAuthentication}); statements run as the calling user. This class only routes Flight SQL commands to the classes
 * that handle each concern: statements run at once ({@link AdHocStatements}), prepared statements
 * ({@link PreparedStatements}), bulk ingest ({@link BulkIngest}), metadata ({@link MetadataStreams});
 * results stream through {@link ResultStreamer} and errors map through {@link FlightErrors}.
 * Commands it does not override are answered "not implemented".
 */
final class AsofFlightSqlProducer extends NoOpFlightSqlProducer {
    private final FlightSessions sessions;
    private final AdHocStatements adHoc;
    private final PreparedStatements prepared;
    private final BulkIngest ingest;
    private final PushStreams pushes;
    private final MetadataStreams metadata;

    AsofFlightSqlProducer(StatementExecutor executor, BufferAllocator allocator, FlightSessions sessions,
            FlightAuthentication authentication, GatewayConfig.Timeouts timeouts) {
        this.sessions = sessions;
        ResultStreamer streamer = new ResultStreamer(executor, allocator);
        this.adHoc = new AdHocStatements(executor, sessions, streamer, allocator, authentication, timeouts.resultIdle());
        this.prepared = new PreparedStatements(executor, sessions, streamer, allocator, authentication,
                timeouts.sessionIdle());
        this.ingest = new BulkIngest(executor, sessions, allocator);
        this.pushes = new PushStreams(executor, allocator, authentication);
        this.metadata = new MetadataStreams(executor, sessions, allocator, authentication);
    }

    // ---- statements run at once ---------------------------------------------------------------

    @Override
    public FlightInfo getFlightInfoStatement(FlightSql.CommandStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        return adHoc.flightInfo(command, context, descriptor);
    }

    @Override
    public SchemaResult getSchemaStatement(FlightSql.CommandStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        return adHoc.schema(command, context);
    }

    @Override
    public void getStreamStatement(FlightSql.TicketStatementQuery ticket, CallContext context,
            ServerStreamListener listener) {
        adHoc.stream(ticket, context, listener);
    }

    @Override
    public Runnable acceptPutStatement(FlightSql.CommandStatementUpdate command, CallContext context,
            FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return adHoc.update(command, context, ackStream);
    }

    // ---- prepared statements ------------------------------------------------------------------

    @Override
    public void createPreparedStatement(FlightSql.ActionCreatePreparedStatementRequest request, CallContext context,
            StreamListener<Result> listener) {
        prepared.create(request, context, listener);
    }

    @Override
    public void closePreparedStatement(FlightSql.ActionClosePreparedStatementRequest request, CallContext context,
            StreamListener<Result> listener) {
        prepared.close(request, context, listener);
    }

    @Override
    public FlightInfo getFlightInfoPreparedStatement(FlightSql.CommandPreparedStatementQuery command,
            CallContext context, FlightDescriptor descriptor) {
        return prepared.flightInfo(command, context, descriptor);
    }

    @Override
    public SchemaResult getSchemaPreparedStatement(FlightSql.CommandPreparedStatementQuery command,
            CallContext context, FlightDescriptor descriptor) {
        return prepared.schema(command, context);
    }

    @Override
    public void getStreamPreparedStatement(FlightSql.CommandPreparedStatementQuery command, CallContext context,
            ServerStreamListener listener) {
        prepared.stream(command, context, listener);
    }

    @Override
    public Runnable acceptPutPreparedStatementQuery(FlightSql.CommandPreparedStatementQuery command,
            CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return prepared.bind(command, context, flightStream, ackStream);
    }

    @Override
    public Runnable acceptPutPreparedStatementUpdate(FlightSql.CommandPreparedStatementUpdate command,
            CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return prepared.update(command, context, flightStream, ackStream);
    }

    // ---- bulk ingest --------------------------------------------------------------------------

    @Override
    public Runnable acceptPutStatementBulkIngest(FlightSql.CommandStatementIngest command, CallContext context,
            FlightStream flightStream, StreamListener<PutResult> ackStream) {
        // Into a push source: the write-ahead log; anything else is a session upload.
        return pushes.isPush(command) ? pushes.accept(command, context, flightStream, ackStream)
                : ingest.accept(command, context, flightStream, ackStream);
    }

    // ---- metadata -----------------------------------------------------------------------------

    @Override
    public FlightInfo getFlightInfoSqlInfo(FlightSql.CommandGetSqlInfo request, CallContext context,
            FlightDescriptor descriptor) {
        return FlightCalls.info(Schemas.GET_SQL_INFO_SCHEMA, descriptor, FlightCalls.ticketFor(request));
    }

    @Override
    public void getStreamSqlInfo(FlightSql.CommandGetSqlInfo command, CallContext context, ServerStreamListener listener) {
        metadata.sqlInfo(command, listener);
    }

    @Override
    public FlightInfo getFlightInfoCatalogs(FlightSql.CommandGetCatalogs request, CallContext context,
            FlightDescriptor descriptor) {
        return FlightCalls.info(Schemas.GET_CATALOGS_SCHEMA, descriptor, FlightCalls.ticketFor(request));
    }

    @Override
    public void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
        metadata.catalogs(context, listener);
    }

    @Override
    public FlightInfo getFlightInfoSchemas(FlightSql.CommandGetDbSchemas request, CallContext context,
            FlightDescriptor descriptor) {
        return FlightCalls.info(Schemas.GET_SCHEMAS_SCHEMA, descriptor, FlightCalls.ticketFor(request));
    }

    @Override
    public void getStreamSchemas(FlightSql.CommandGetDbSchemas command, CallContext context, ServerStreamListener listener) {
        metadata.schemas(command, context, listener);
    }

    @Override
    public FlightInfo getFlightInfoTables(FlightSql.CommandGetTables request, CallContext context,
            FlightDescriptor descriptor) {
        return FlightCalls.info(MetadataStreams.tablesSchema(request.getIncludeSchema()), descriptor,
                FlightCalls.ticketFor(request));
    }

    @Override
    public void getStreamTables(FlightSql.CommandGetTables command, CallContext context, ServerStreamListener listener) {
        metadata.tables(command, context, listener);
    }

    @Override
    public FlightInfo getFlightInfoTableTypes(FlightSql.CommandGetTableTypes request, CallContext context,
            FlightDescriptor descriptor) {
        return FlightCalls.info(Schemas.GET_TABLE_TYPES_SCHEMA, descriptor, FlightCalls.ticketFor(request));
    }

    @Override
    public void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
        metadata.tableTypes(listener);
    }

    @Override
    public FlightInfo getFlightInfoPrimaryKeys(FlightSql.CommandGetPrimaryKeys request, CallContext context,
            FlightDescriptor descriptor) {
        return FlightCalls.info(Schemas.GET_PRIMARY_KEYS_SCHEMA, descriptor, FlightCalls.ticketFor(request));
    }

    @Override
    public void getStreamPrimaryKeys(FlightSql.CommandGetPrimaryKeys command, CallContext context,
            ServerStreamListener listener) {
        metadata.primaryKeys(command, context, listener);
    }

    @Override
    public FlightInfo getFlightInfoImportedKeys(FlightSql.CommandGetImportedKeys request, CallContext context,
            FlightDescriptor descriptor) {
        return FlightCalls.info(Schemas.GET_IMPORTED_KEYS_SCHEMA, descriptor, FlightCalls.ticketFor(request));
    }

    @Override
    public void getStreamImportedKeys(FlightSql.CommandGetImportedKeys command, CallContext context,
            ServerStreamListener listener) {
        metadata.noKeys(Schemas.GET_IMPORTED_KEYS_SCHEMA, listener);
    }

    @Override
    public FlightInfo getFlightInfoExportedKeys(FlightSql.CommandGetExportedKeys request, CallContext context,
            FlightDescriptor descriptor) {
        return FlightCalls.info(Schemas.GET_EXPORTED_KEYS_SCHEMA, descriptor, FlightCalls.ticketFor(request));
    }

    @Override
    public void getStreamExportedKeys(FlightSql.CommandGetExportedKeys command, CallContext context,
            ServerStreamListener listener) {
        metadata.noKeys(Schemas.GET_EXPORTED_KEYS_SCHEMA, listener);
    }

    @Override
    public FlightInfo getFlightInfoCrossReference(FlightSql.CommandGetCrossReference request, CallContext context,
            FlightDescriptor descriptor) {
        return FlightCalls.info(Schemas.GET_CROSS_REFERENCE_SCHEMA, descriptor, FlightCalls.ticketFor(request));
    }

    @Override
    public void getStreamCrossReference(FlightSql.CommandGetCrossReference command, CallContext context,
            ServerStreamListener listener) {
        metadata.noKeys(Schemas.GET_CROSS_REFERENCE_SCHEMA, listener);
    }

    @Override
    public FlightInfo getFlightInfoTypeInfo(FlightSql.CommandGetXdbcTypeInfo request, CallContext context,
            FlightDescriptor descriptor) {
        return FlightCalls.info(Schemas.GET_TYPE_INFO_SCHEMA, descriptor, FlightCalls.ticketFor(request));
    }

    @Override
    public void getStreamTypeInfo(FlightSql.CommandGetXdbcTypeInfo command, CallContext context,
            ServerStreamListener listener) {
        metadata.typeInfo(command, listener);
    }

    // ---- housekeeping -------------------------------------------------------------------------

    /** Cancels unclaimed results, forgets idle prepared statements and drops idle sessions' uploads. */
    void sweep() {
        adHoc.sweep();
        prepared.sweep();
        sessions.sweep();
    }

    @Override
    public void close() {
        adHoc.close();
        prepared.close();
    }
}
