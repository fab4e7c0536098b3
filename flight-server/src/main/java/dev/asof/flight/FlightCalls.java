package dev.asof.flight;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.asof.gateway.execution.PreparedQuery;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.execution.StatementResult;
import dev.asof.gateway.execution.StatementOwner;
import dev.asof.gateway.session.Principal;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.spi.warehouse.QueryControl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightProducer.CallContext;
import org.apache.arrow.flight.FlightProducer.StreamListener;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/** Small pieces every Flight SQL command handler uses: sessions, tickets, handles, schemas, update counts. */
final class FlightCalls {
    private FlightCalls() {}

    /** The session a call belongs to ({@link SessionMiddleware}). */
    static String session(CallContext context) {
        SessionMiddleware m = context.getMiddleware(SessionMiddleware.KEY);
        return m == null ? "anonymous" : m.sessionId();
    }

    /**
     * Who makes this call, as the user is now (authenticated by {@link FlightAuthentication}).
     *
     * @throws org.apache.arrow.flight.FlightRuntimeException UNAUTHENTICATED when the user was
     *     dropped or its password changed since the token was issued
     */
    static Principal principal(FlightAuthentication authentication, CallContext context) {
        SessionMiddleware m = context.getMiddleware(SessionMiddleware.KEY);
        return authentication.principal(context, m == null ? null : m.peerAddress());
    }

    /** Whose statement a call runs, for admission to the warehouse: the call's session and user. */
    static StatementOwner owner(Principal principal, CallContext context) {
        return new StatementOwner(session(context), principal.user(), "flight-sql");
    }

    /** A new unguessable statement handle. */
    static ByteString newHandle() {
        return ByteString.copyFrom(UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** A FlightInfo with one endpoint: this server, {@code ticket}. */
    static FlightInfo info(Schema schema, FlightDescriptor descriptor, Ticket ticket) {
        return new FlightInfo(schema, descriptor, List.of(new FlightEndpoint(ticket)), -1, -1);
    }

    /** A ticket that carries the command itself (metadata commands, prepared statements). */
    static Ticket ticketFor(Message command) {
        return new Ticket(Any.pack(command).toByteArray());
    }

    /** An Arrow schema in IPC form, as Flight SQL messages carry it. */
    static byte[] serialize(Schema schema) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            MessageSerializer.serialize(new WriteChannel(Channels.newChannel(out)), schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Acknowledges a DoPut with its update count and completes it. */
    static void sendUpdateCount(BufferAllocator allocator, StreamListener<PutResult> ackStream, long count) {
        byte[] bytes = FlightSql.DoPutUpdateResult.newBuilder().setRecordCount(count).build().toByteArray();
        try (ArrowBuf buf = allocator.buffer(bytes.length)) {
            buf.writeBytes(bytes);
            ackStream.onNext(PutResult.metadata(buf));
        }
        ackStream.onCompleted();
    }

    /** Runs a statement that changes something, as {@code principal}, and returns its update count; a query is an error. */
    static long runUpdate(StatementExecutor executor, Principal principal, StatementOwner owner, PreparedQuery query,
            List<Object> parameters) {
        StatementResult r = executor.execute(principal, query, parameters, QueryControl.none(), owner);
        if (r instanceof StatementResult.UpdateCount c) {
            return c.count();
        }
        ((StatementResult.Rows) r).cursor().close();
        throw new AsofException(ErrorCode.INVALID_QUERY, "the statement returns rows; run it as a query");
    }
}
