package dev.asof.flight;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.asof.gateway.execution.PreparedQuery;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.session.Principal;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.spi.ColumnMetadata;
import java.sql.JDBCType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightProducer.CallContext;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.FlightProducer.StreamListener;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Flight SQL prepared statements: planned and described once at creation (the client asks for
 * the result and parameter schemas there), then executed any number of times with the parameter
 * rows the client bound, without describing again. Each call runs as its caller
 * ({@link FlightAuthentication}). Handles are unguessable; a statement unused
 * for {@link #idleTimeout} is forgotten.
 */
final class PreparedStatements {
    /** Prepared statements unused this long are forgotten ({@code asof.session.idle-timeout}). */
    private final Duration idleTimeout;

    private final StatementExecutor executor;
    private final FlightSessions sessions;
    private final ResultStreamer streamer;
    private final BufferAllocator allocator;
    private final FlightAuthentication authentication;
    private final Map<ByteString, Handle> handles = new ConcurrentHashMap<>();

    /** A prepared statement, the parameter rows last bound to it and when it was last used. */
    private static final class Handle {
        final PreparedQuery query;
        /** The session that created it, the only one that may use or close it; null: a bearer handle. */
        final String session;
        volatile List<List<Object>> parameterRows = List.of();
        volatile long lastUsed = System.nanoTime();

        Handle(PreparedQuery query, String session) {
            this.query = query;
            this.session = session;
        }
    }

    PreparedStatements(StatementExecutor executor, FlightSessions sessions, ResultStreamer streamer,
            BufferAllocator allocator, FlightAuthentication authentication, Duration idleTimeout) {
        this.idleTimeout = requireNonNull(idleTimeout, "idleTimeout");
        this.executor = requireNonNull(executor, "executor");
        this.authentication = requireNonNull(authentication, "authentication");
        this.sessions = requireNonNull(sessions, "sessions");
        this.streamer = requireNonNull(streamer, "streamer");
        this.allocator = requireNonNull(allocator, "allocator");
    }

    void create(FlightSql.ActionCreatePreparedStatementRequest request, CallContext context,
            StreamListener<Result> listener) {
        try {
            PreparedQuery q = executor.prepare(FlightCalls.principal(authentication, context), request.getQuery(),
                    sessions.searchPath(FlightCalls.session(context)));
            ByteString handle = FlightCalls.newHandle();
            handles.put(handle, new Handle(q, FlightCalls.owningSession(context)));
            FlightSql.ActionCreatePreparedStatementResult.Builder result = FlightSql.ActionCreatePreparedStatementResult
                    .newBuilder().setPreparedStatementHandle(handle);
            if (q.columns().isPresent()) {
                result.setDatasetSchema(ByteString.copyFrom(FlightCalls.serialize(ResultStreamer.resultSchema(q))));
            }
            result.setParameterSchema(ByteString.copyFrom(FlightCalls.serialize(parameterSchema(q))));
            listener.onNext(new Result(Any.pack(result.build()).toByteArray()));
            listener.onCompleted();
        } catch (RuntimeException e) {
            listener.onError(FlightErrors.toFlight(e, request.getQuery()));
        }
    }

    void close(FlightSql.ActionClosePreparedStatementRequest request, CallContext context,
            StreamListener<Result> listener) {
        try {
            Handle h = handle(request.getPreparedStatementHandle(), context);
            handles.remove(request.getPreparedStatementHandle(), h);
            listener.onCompleted();
        } catch (RuntimeException e) {
            listener.onError(FlightErrors.toFlight(e, null));
        }
    }

    FlightInfo flightInfo(FlightSql.CommandPreparedStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        return FlightErrors.guarded(() -> FlightCalls.info(ResultStreamer.resultSchema(handle(command, context).query),
                descriptor, FlightCalls.ticketFor(command)), null);
    }

    SchemaResult schema(FlightSql.CommandPreparedStatementQuery command, CallContext context) {
        return FlightErrors.guarded(() -> new SchemaResult(ResultStreamer.resultSchema(handle(command, context).query)),
                null);
    }

    void stream(FlightSql.CommandPreparedStatementQuery command, CallContext context, ServerStreamListener listener) {
        Handle h;
        Principal principal;
        try {
            h = handle(command, context);
            principal = FlightCalls.principal(authentication, context);
        } catch (RuntimeException e) {
            listener.error(FlightErrors.toFlight(e, null));
            return;
        }
        List<List<Object>> rows = h.parameterRows;
        streamer.streamPrepared(principal, h.query, rows.isEmpty() ? List.of(List.of()) : rows, listener,
                FlightCalls.owner(context, principal));
    }

    /** Binds parameter rows for the statement's next executions. */
    Runnable bind(FlightSql.CommandPreparedStatementQuery command, CallContext context, FlightStream flightStream,
            StreamListener<PutResult> ackStream) {
        return () -> {
            try {
                handle(command, context).parameterRows = readParameters(flightStream);
                ackStream.onCompleted();
            } catch (RuntimeException e) {
                ackStream.onError(FlightErrors.toFlight(e, null));
            }
        };
    }

    /** Runs an update once per uploaded parameter row (once without parameters); acknowledges the total count. */
    Runnable update(FlightSql.CommandPreparedStatementUpdate command, CallContext context, FlightStream flightStream,
            StreamListener<PutResult> ackStream) {
        return () -> {
            try {
                Handle h = handle(command.getPreparedStatementHandle(), context);
                Principal principal = FlightCalls.principal(authentication, context);
                List<List<Object>> rows = readParameters(flightStream);
                if (h.query.plan() instanceof dev.asof.planner.plan.PlannedStatement.Push) {
                    // An INSERT into a push source: every parameter row in one durable write.
                    long[] counts = executor.executeBatch(principal, h.query,
                            rows.isEmpty() ? List.of(List.of()) : rows, dev.asof.spi.warehouse.QueryControl.none(),
                            FlightCalls.owner(context, principal));
                    FlightCalls.sendUpdateCount(allocator, ackStream, java.util.Arrays.stream(counts).sum());
                    return;
                }
                long total = 0;
                for (List<Object> params : rows.isEmpty() ? List.<List<Object>>of(List.of()) : rows) {
                    long n = FlightCalls.runUpdate(executor, principal, h.query, params,
                            FlightCalls.owner(context, principal));
                    total = n < 0 ? total : total + n;
                }
                FlightCalls.sendUpdateCount(allocator, ackStream, total);
            } catch (RuntimeException e) {
                ackStream.onError(FlightErrors.toFlight(e, null));
            }
        };
    }

    /** Forgets statements unused for {@link #idleTimeout}. */
    void sweep() {
        long now = System.nanoTime();
        handles.values().removeIf(h -> now - h.lastUsed > idleTimeout.toNanos());
    }

    void close() {
        handles.clear();
    }

    private Handle handle(FlightSql.CommandPreparedStatementQuery command, CallContext context) {
        return handle(command.getPreparedStatementHandle(), context);
    }

    /** The handle's statement if the calling session created it; another session's is answered as unknown. */
    private Handle handle(ByteString handle, CallContext context) {
        Handle h = handles.get(handle);
        if (h == null || !FlightCalls.mayUse(h.session, context)) {
            throw new AsofException(ErrorCode.NO_SUCH_STATEMENT, "no such prepared statement (unknown, closed, or "
                    + "another session's)");
        }
        h.lastUsed = System.nanoTime();
        return h;
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
}
