package dev.asof.flight;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.asof.gateway.execution.PreparedQuery;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.session.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightProducer.CallContext;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.FlightProducer.StreamListener;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Statements a client runs at once: {@code CommandStatementQuery} and {@code CommandStatementUpdate},
 * as the calling user ({@link FlightAuthentication}).
 *
 * <p>A query is planned but not described: GetFlightInfo starts it and declares the schema of its
 * running result, and the DoGet of its ticket streams that result. So the warehouse receives the
 * query and nothing else (on a warm metadata cache). A started result that no DoGet claims within
 * {@link #UNCLAIMED_TIMEOUT} is cancelled. {@code GetSchema} of a query, where the client asks for
 * metadata only, describes it instead.
 */
final class AdHocStatements {
    /** A started query whose ticket is not fetched within this time is cancelled. */
    static final Duration UNCLAIMED_TIMEOUT = Duration.ofMinutes(5);

    private final StatementExecutor executor;
    private final FlightSessions sessions;
    private final ResultStreamer streamer;
    private final BufferAllocator allocator;
    private final FlightAuthentication authentication;
    /** Started queries by ticket handle, until their DoGet. */
    private final Map<ByteString, Started> started = new ConcurrentHashMap<>();

    private record Started(StartedResult result, long startedNanos) {}

    AdHocStatements(StatementExecutor executor, FlightSessions sessions, ResultStreamer streamer,
            BufferAllocator allocator, FlightAuthentication authentication) {
        this.executor = requireNonNull(executor, "executor");
        this.authentication = requireNonNull(authentication, "authentication");
        this.sessions = requireNonNull(sessions, "sessions");
        this.streamer = requireNonNull(streamer, "streamer");
        this.allocator = requireNonNull(allocator, "allocator");
    }

    FlightInfo flightInfo(FlightSql.CommandStatementQuery command, CallContext context, FlightDescriptor descriptor) {
        String sql = command.getQuery();
        return FlightErrors.guarded(() -> {
            Principal principal = FlightCalls.principal(authentication, context);
            StartedResult result = streamer.start(principal, FlightCalls.owner(principal, context), plan(sql, context));
            ByteString handle = FlightCalls.newHandle();
            started.put(handle, new Started(result, System.nanoTime()));
            Ticket ticket = new Ticket(Any.pack(FlightSql.TicketStatementQuery.newBuilder()
                    .setStatementHandle(handle).build()).toByteArray());
            return FlightCalls.info(result.schema(), descriptor, ticket);
        }, sql);
    }

    /** The client asks for the result's schema only: described, not run. */
    SchemaResult schema(FlightSql.CommandStatementQuery command, CallContext context) {
        String sql = command.getQuery();
        return FlightErrors.guarded(() -> new SchemaResult(ResultStreamer.resultSchema(
                executor.prepare(FlightCalls.principal(authentication, context), sql,
                        sessions.searchPath(FlightCalls.session(context))))), sql);
    }

    void stream(FlightSql.TicketStatementQuery ticket, ServerStreamListener listener) {
        Started s = started.remove(ticket.getStatementHandle());
        if (s == null) {
            listener.error(CallStatus.NOT_FOUND.withDescription("unknown or already used statement ticket")
                    .toRuntimeException());
            return;
        }
        streamer.stream(s.result(), listener);
    }

    Runnable update(FlightSql.CommandStatementUpdate command, CallContext context, StreamListener<PutResult> ackStream) {
        String sql = command.getQuery();
        return () -> {
            try {
                Principal principal = FlightCalls.principal(authentication, context);
                long count = FlightCalls.runUpdate(executor, principal, FlightCalls.owner(principal, context),
                        plan(sql, context), List.of());
                FlightCalls.sendUpdateCount(allocator, ackStream, count);
            } catch (RuntimeException e) {
                ackStream.onError(FlightErrors.toFlight(e, sql));
            }
        };
    }

    private PreparedQuery plan(String sql, CallContext context) {
        return executor.plan(FlightCalls.principal(authentication, context), sql,
                sessions.searchPath(FlightCalls.session(context)));
    }

    /** Cancels started queries nobody fetched in time. */
    void sweep() {
        long now = System.nanoTime();
        started.forEach((handle, s) -> {
            if (now - s.startedNanos() > UNCLAIMED_TIMEOUT.toNanos() && started.remove(handle, s)) {
                s.result().abandon();
            }
        });
    }

    void close() {
        started.forEach((handle, s) -> {
            if (started.remove(handle, s)) {
                s.result().abandon();
            }
        });
    }
}
