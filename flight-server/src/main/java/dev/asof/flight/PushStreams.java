package dev.asof.flight;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.session.Principal;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightProducer.CallContext;
import org.apache.arrow.flight.FlightProducer.StreamListener;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Flight SQL ingest ({@code CommandStatementIngest}) into a push source: the stream's columns are
 * matched to the source's by name, the whole stream is read and checked, then pushed as one
 * all-or-nothing, durable write (acknowledged with the number of rows stored). At most
 * {@link #MAX_ROWS} rows per stream; the caller needs INSERT on the source.
 */
final class PushStreams {
    /** Rows one stream may push (they are held until the stream ends, to store all or nothing). */
    static final int MAX_ROWS = 1_000_000;

    private final StatementExecutor executor;
    private final BufferAllocator allocator;
    private final FlightAuthentication authentication;

    PushStreams(StatementExecutor executor, BufferAllocator allocator, FlightAuthentication authentication) {
        this.executor = requireNonNull(executor, "executor");
        this.allocator = requireNonNull(allocator, "allocator");
        this.authentication = requireNonNull(authentication, "authentication");
    }

    /** Whether {@code command} pushes into a push source (no catalog or schema, the name of one). */
    boolean isPush(FlightSql.CommandStatementIngest command) {
        return (!command.hasSchema() || command.getSchema().isEmpty())
                && (!command.hasCatalog() || command.getCatalog().isEmpty())
                && executor.pushSource(command.getTable()).isPresent();
    }

    Runnable accept(FlightSql.CommandStatementIngest command, CallContext context, FlightStream flightStream,
            StreamListener<PutResult> ackStream) {
        return () -> {
            try {
                Principal principal = FlightCalls.principal(authentication, context);
                List<String> names = new ArrayList<>();
                for (Field f : flightStream.getSchema().getFields()) {
                    names.add(f.getName());
                }
                List<Object[]> rows = new ArrayList<>();
                while (flightStream.next()) {
                    VectorSchemaRoot root = flightStream.getRoot();
                    List<FieldVector> vectors = root.getFieldVectors();
                    ArrowTypes.ColumnReader[] readers = new ArrowTypes.ColumnReader[vectors.size()];
                    for (int i = 0; i < readers.length; i++) {
                        readers[i] = ArrowTypes.reader(vectors.get(i));
                    }
                    if (rows.size() + root.getRowCount() > MAX_ROWS) {
                        throw new AsofException(ErrorCode.INVALID_PARAMETER, "a push stream holds at most " + MAX_ROWS
                                + " rows; send more in several streams");
                    }
                    for (int r = 0; r < root.getRowCount(); r++) {
                        Object[] row = new Object[readers.length];
                        for (int i = 0; i < readers.length; i++) {
                            row[i] = readers[i].read(r);
                        }
                        rows.add(row);
                    }
                }
                long stored = executor.ingest(principal, command.getTable(), names, rows,
                        FlightCalls.owner(context, principal));
                FlightCalls.sendUpdateCount(allocator, ackStream, stored);
            } catch (RuntimeException e) {
                ackStream.onError(FlightErrors.toFlight(e, null));
            }
        };
    }
}
