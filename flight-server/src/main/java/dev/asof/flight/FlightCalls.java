package dev.asof.flight;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.asof.gateway.auth.Authenticator;
import dev.asof.gateway.execution.PreparedQuery;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.execution.StatementOwner;
import dev.asof.gateway.execution.StatementResult;
import dev.asof.gateway.metadata.UploadSchemas;
import dev.asof.gateway.session.Principal;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.spi.warehouse.QueryControl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.HexFormat;
import io.grpc.Context;
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

    /**
     * The session a call belongs to: the id the client names ({@link SessionMiddleware}) within
     * the calling user's sessions ({@link UploadSchemas#sessionKey}).
     */
    static String session(CallContext context) {
        SessionMiddleware m = context.getMiddleware(SessionMiddleware.KEY);
        return userSession(context, m == null ? "anonymous" : m.sessionId());
    }

    private static String userSession(CallContext context, String clientSessionId) {
        return UploadSchemas.sessionKey(Authenticator.userOf(context.peerIdentity()), clientSessionId);
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

    /**
     * The session a handle created by this call is bound to: the call's session when the call named
     * it, else none. A client that keeps no session (no header, no cookie: a raw FlightClient,
     * pyarrow without cookies) gets a fresh session on every call, so its ticket must be usable
     * from its next call: such a handle is a bearer handle, protected by its 128 random bits only.
     */
    static String owningSession(CallContext context) {
        SessionMiddleware m = context.getMiddleware(SessionMiddleware.KEY);
        return m == null || !m.named() ? null : userSession(context, m.sessionId());
    }

    /** How {@code sys.statements} shows this call's statements: its session, user and protocol. */
    static StatementOwner owner(CallContext context, Principal principal) {
        return new StatementOwner(session(context), principal.user(), "flight");
    }

    /** Stops watching the call ({@link #cancelWithCall}). */
    interface CallWatch extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Cancels {@code control} when the gRPC call in service on this thread ends early: the client
     * cancelled it, its deadline passed, or its connection closed. gRPC cancels the call's
     * {@link Context} at once on a thread of its own, even while this call's handler is blocked in
     * the engine (the stream listener's cancel handler would wait for the handler to return). Close
     * the watch when the work is over or handed to another call: gRPC also cancels the context of a
     * call that completed normally.
     */
    static CallWatch cancelWithCall(QueryControl control) {
        Context call = Context.current();
        Context.CancellationListener listener = c -> control.cancel();
        call.addListener(listener, Runnable::run);
        return () -> call.removeListener(listener);
    }

    /** Whether this call may use a handle bound to {@code owner} (null: bound to no session). */
    static boolean mayUse(String owner, CallContext context) {
        return owner == null || owner.equals(session(context));
    }

    /** A new unguessable statement handle: 128 random bits (hex), bound by its holder to the creating session. */
    static ByteString newHandle() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return ByteString.copyFrom(HexFormat.of().formatHex(bits).getBytes(StandardCharsets.US_ASCII));
    }

    /** Thread-safe; stateless as far as callers are concerned. */
    private static final SecureRandom RANDOM = new SecureRandom();

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
    static long runUpdate(StatementExecutor executor, Principal principal, PreparedQuery query,
            List<Object> parameters, StatementOwner owner) {
        QueryControl control = QueryControl.none();
        StatementResult r;
        try (CallWatch watch = cancelWithCall(control)) {
            r = executor.execute(principal, query, parameters, control, owner);
        }
        if (r instanceof StatementResult.UpdateCount c) {
            return c.count();
        }
        ((StatementResult.Rows) r).cursor().close();
        throw new AsofException(ErrorCode.INVALID_QUERY, "the statement returns rows; run it as a query");
    }
}
