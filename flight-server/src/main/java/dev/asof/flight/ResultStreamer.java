package dev.asof.flight;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.execution.PreparedQuery;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.execution.StatementOwner;
import dev.asof.gateway.execution.StatementResult;
import dev.asof.gateway.execution.StatementOwner;
import dev.asof.gateway.session.Principal;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.RowCursor;
import dev.asof.spi.warehouse.ArrowExport;
import dev.asof.spi.warehouse.QueryControl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.flight.BackpressureStrategy;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs statements and streams their rows as Arrow record batches of {@value #BATCH_ROWS} rows while
 * the engine produces them. Between batches it waits until the client can take more (gRPC flow
 * control through {@link BackpressureStrategy}), so memory stays at about one batch however large
 * the result. When the engine exports Arrow itself ({@link ArrowExport}) and its types are the ones
 * asof declares, its batches go out as they are; otherwise rows are converted
 * ({@link ArrowTypes}).
 */
final class ResultStreamer {
    static final int BATCH_ROWS = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(ResultStreamer.class);
    /** How long a stream waits for a slow client between batches before giving up. */
    private static final long CLIENT_WAIT_MILLIS = Duration.ofMinutes(10).toMillis();

    private final StatementExecutor executor;
    private final BufferAllocator allocator;

    ResultStreamer(StatementExecutor executor, BufferAllocator allocator) {
        this.executor = requireNonNull(executor, "executor");
        this.allocator = requireNonNull(allocator, "allocator");
    }

    /**
     * Runs a statement planned to run at once, without parameters, as {@code principal}: its schema is that of the running
     * result (the engine's Arrow export or the cursor's columns), so it is never described first.
     */
    StartedResult start(Principal principal, PreparedQuery query, StatementOwner owner) {
        QueryControl control = QueryControl.none();
        BufferAllocator child = allocator.newChildAllocator("result", 0, allocator.getLimit());
        ArrowExport.ArrowBatches batches = null;
        RowCursor cursor = null;
        // Until the result is handed to its DoGet: the query runs within this call, which the
        // client may cancel or let pass its deadline.
        try (FlightCalls.CallWatch watch = FlightCalls.cancelWithCall(control)) {
            Optional<ArrowExport.ArrowBatches> export = executor.executeArrow(principal, query, List.of(), control,
                    child, BATCH_ROWS, owner);
            if (export.isPresent()) {
                batches = export.get();
                Optional<Schema> declared = importedSchema(batches).flatMap(ResultStreamer::declaredSchema);
                if (declared.isPresent()) {
                    return new StartedResult(query.sql(), declared.get(), control, child, batches, null);
                }
                // Types asof declares differently (e.g. lists become text), or a schema Arrow cannot
                // import: run it again as rows.
                batches.close();
                batches = null;
            }
            StatementResult result = executor.execute(principal, query, List.of(), control, owner);
            if (result instanceof StatementResult.Rows rows) {
                cursor = rows.cursor();
                return new StartedResult(query.sql(), ArrowTypes.schema(cursor.columns()), control, child, null, cursor);
            }
            return new StartedResult(query.sql(), new Schema(List.of()), control, child, null, null);
        } catch (RuntimeException e) {
            control.cancel();
            if (batches != null) {
                batches.close();
            }
            if (cursor != null) {
                cursor.close();
            }
            StartedResult.closeQuietly(child);
            throw e;
        }
    }

    /** Streams a started result to the client, then closes it. */
    void stream(StartedResult result, ServerStreamListener listener) {
        listener.setOnCancelHandler(result.control()::cancel);
        BackpressureStrategy backpressure = new BackpressureStrategy.CallbackBackpressureStrategy();
        backpressure.register(listener);
        try (result; FlightCalls.CallWatch watch = FlightCalls.cancelWithCall(result.control())) {
            if (result.batches() != null) {
                sendBatches(result.batches(), listener, backpressure, result.control());
            } else {
                try (VectorSchemaRoot root = VectorSchemaRoot.create(result.schema(), result.allocator())) {
                    listener.start(root);
                    if (result.cursor() == null || sendRows(result.cursor(), root, listener, backpressure, result.control())) {
                        listener.completed();
                    }
                }
            }
        } catch (RuntimeException e) {
            listener.error(FlightErrors.toFlight(e, result.sql()));
        }
    }

    /**
     * Runs a prepared statement as {@code principal} once per parameter row and streams every row in its prepared
     * schema (worked out when it was prepared, so nothing is described here).
     */
    void streamPrepared(Principal principal, PreparedQuery query, List<List<Object>> parameterRows,
            ServerStreamListener listener, StatementOwner owner) {
        QueryControl control = QueryControl.none();
        listener.setOnCancelHandler(control::cancel);
        Schema schema = resultSchema(query);
        BackpressureStrategy backpressure = new BackpressureStrategy.CallbackBackpressureStrategy();
        backpressure.register(listener);
        try (BufferAllocator child = allocator.newChildAllocator("stream", 0, allocator.getLimit());
                FlightCalls.CallWatch watch = FlightCalls.cancelWithCall(control)) {
            if (parameterRows.size() == 1 && !schema.getFields().isEmpty()
                    && streamExport(principal, query, parameterRows.get(0), schema, child, control, listener, backpressure,
                            owner)) {
                return;
            }
            try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, child)) {
                listener.start(root);
                for (List<Object> params : parameterRows) {
                    StatementResult result = executor.execute(principal, query, params, control, owner);
                    if (!(result instanceof StatementResult.Rows rows)) {
                        continue;
                    }
                    try (RowCursor cursor = rows.cursor()) {
                        if (!sendRows(cursor, root, listener, backpressure, control)) {
                            return;
                        }
                    }
                }
                listener.completed();
            }
        } catch (RuntimeException e) {
            listener.error(FlightErrors.toFlight(e, query.sql()));
        }
    }

    /** The schema a prepared statement's rows are declared with. */
    static Schema resultSchema(PreparedQuery query) {
        return query.columns().map(ArrowTypes::schema).orElse(new Schema(List.of()));
    }

    /**
     * The fast path of a prepared statement: the engine's Arrow batches go out as they are. Returns
     * false (having sent nothing) when the engine cannot export or its types differ from the
     * declared schema; the caller then converts rows.
     */
    private boolean streamExport(Principal principal, PreparedQuery query, List<Object> params, Schema declared, BufferAllocator child,
            QueryControl control, ServerStreamListener listener, BackpressureStrategy backpressure, StatementOwner owner) {
        Optional<ArrowExport.ArrowBatches> export = executor.executeArrow(principal, query, params, control, child,
                BATCH_ROWS, owner);
        if (export.isEmpty()) {
            return false;
        }
        try (ArrowExport.ArrowBatches batches = export.get()) {
            Optional<Schema> imported = importedSchema(batches);
            if (imported.isEmpty()) {
                return false;
            }
            Schema actual = imported.get();
            if (!sameTypes(actual, declared)) {
                LOG.debug("engine Arrow types {} differ from declared {}; converting rows", actual, declared);
                return false;
            }
            sendBatches(batches, listener, backpressure, control);
            return true;
        }
    }

    /** Sends every batch of an engine export, then completes the stream (unless the client went away). */
    private static void sendBatches(ArrowExport.ArrowBatches batches, ServerStreamListener listener,
            BackpressureStrategy backpressure, QueryControl control) {
        ArrowReader reader = (ArrowReader) batches.reader();
        VectorSchemaRoot root = root(batches);
        listener.start(root);
        try {
            while (reader.loadNextBatch()) {
                EdgeTimes.check(root);
                if (root.getRowCount() > 0 && !send(root, root.getRowCount(), listener, backpressure, control)) {
                    return;
                }
            }
        } catch (IOException e) {
            throw new AsofException(ErrorCode.ENGINE_ERROR, "reading the engine's Arrow result: " + e.getMessage());
        }
        listener.completed();
    }

    /** Converts a cursor's rows into {@code root}, batch by batch; false if the client went away. */
    private static boolean sendRows(RowCursor cursor, VectorSchemaRoot root, ServerStreamListener listener,
            BackpressureStrategy backpressure, QueryControl control) {
        List<FieldVector> vectors = root.getFieldVectors();
        ArrowTypes.ColumnWriter[] writers = new ArrowTypes.ColumnWriter[vectors.size()];
        for (int i = 0; i < writers.length; i++) {
            writers[i] = ArrowTypes.writer(vectors.get(i));
        }
        int n = 0;
        root.allocateNew();
        while (cursor.next()) {
            for (int c = 0; c < writers.length; c++) {
                writers[c].write(n, cursor.value(c));
            }
            if (++n == BATCH_ROWS) {
                if (!send(root, n, listener, backpressure, control)) {
                    return false;
                }
                root.allocateNew();
                n = 0;
            }
        }
        return n == 0 || send(root, n, listener, backpressure, control);
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

    /**
     * The schema asof declares for an engine's exported batches: the same when every field has a
     * type asof would give that column ({@link ArrowTypes}), so the batches can go out unchanged;
     * empty when a type differs (the rows must then be converted).
     */
    private static Optional<Schema> declaredSchema(Schema exported) {
        List<ColumnMetadata> columns = new ArrayList<>();
        for (Field f : exported.getFields()) {
            try {
                columns.add(ArrowTypes.column(f));
            } catch (AsofException e) {
                return Optional.empty(); // a type asof does not declare (e.g. a list)
            }
        }
        Schema declared = ArrowTypes.schema(columns);
        return sameTypes(exported, declared) ? Optional.of(declared) : Optional.empty();
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

    /**
     * The engine's schema, or empty when Arrow's C data interface cannot import it: it reads names
     * of at most 32,767 bytes, and a query's column may be named by a longer expression (e.g. a
     * long literal). Such results then go row by row, as the JDBC endpoint sends them.
     */
    private static Optional<Schema> importedSchema(ArrowExport.ArrowBatches batches) {
        try {
            return Optional.of(root(batches).getSchema());
        } catch (java.nio.BufferUnderflowException e) {
            LOG.debug("the engine's Arrow schema cannot be imported (a name too long); converting rows");
            return Optional.empty();
        }
    }

    private static VectorSchemaRoot root(ArrowExport.ArrowBatches batches) {
        try {
            return ((ArrowReader) batches.reader()).getVectorSchemaRoot();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
