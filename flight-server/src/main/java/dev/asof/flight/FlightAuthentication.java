package dev.asof.flight;

import static java.util.Objects.requireNonNull;

import com.google.common.cache.CacheBuilder;
import dev.asof.gateway.auth.Authenticator;
import dev.asof.gateway.session.Peer;
import dev.asof.gateway.session.Principal;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.ErrorFlightMetadata;
import org.apache.arrow.flight.FlightProducer.CallContext;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.auth2.Auth2Constants;
import org.apache.arrow.flight.auth2.BasicCallHeaderAuthenticator;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;
import org.apache.arrow.flight.auth2.GeneratedBearerTokenAuthenticator;

/**
 * Authentication of every Flight SQL call, with Arrow Flight's own authenticators: a call with
 * {@code Authorization: Basic …} (the handshake of {@code FlightSqlClient}/Arrow's JDBC driver,
 * or any call) is checked by the gateway's {@link Authenticator} and answered with a bearer token
 * ({@link GeneratedBearerTokenAuthenticator}) valid for the configured lifetime
 * ({@code asof.flight.token-ttl}); later calls carry {@code Authorization: Bearer …}. A call without
 * either, with an unknown or expired token, or with refused credentials fails with
 * {@code UNAUTHENTICATED} (SQLSTATE in the {@code x-asof-sqlstate} metadata: 28000 or 28P01; an
 * unknown user and a wrong password get the same message).
 *
 * <p>A token is also refused once its user is dropped or its password changed: the token maps to
 * the login's identity (user and credential id), which must still match the registry on every
 * call. The admin flag is read at each call, so ADMIN/NOADMIN apply at once.
 */
final class FlightAuthentication implements CallHeaderAuthenticator {
    /**
     * Set by {@link PeerAddressTracer} from the connection, after removing whatever the client
     * sent under that name: the remote address for the audit log and login throttling.
     */
    static final String PEER_ADDRESS_HEADER = "x-asof-peer-address";
    static final String PROTOCOL = "flight-sql";

    private final Authenticator authenticator;
    private final CallHeaderAuthenticator tokens;
    /**
     * The peer of the call being authenticated: Arrow's credential validator gets only the user
     * and password, on the thread that runs {@link #authenticate}.
     */
    private final ThreadLocal<Peer> peer = new ThreadLocal<>();

    /** Bearer tokens live {@code tokenTtl} after they are issued. */
    FlightAuthentication(Authenticator authenticator, Duration tokenTtl) {
        this.authenticator = requireNonNull(authenticator, "authenticator");
        requireNonNull(tokenTtl, "tokenTtl");
        this.tokens = new GeneratedBearerTokenAuthenticator(new BasicCallHeaderAuthenticator(this::validate),
                CacheBuilder.newBuilder().expireAfterWrite(tokenTtl.toNanos(), TimeUnit.NANOSECONDS).maximumSize(100_000));
    }

    @Override
    public AuthResult authenticate(CallHeaders headers) {
        if (headers.get(Auth2Constants.AUTHORIZATION_HEADER) == null) {
            throw unauthenticated(Authenticator.credentialsRequired());
        }
        Peer from = peerOf(headers);
        peer.set(from);
        AuthResult result;
        try {
            result = tokens.authenticate(headers);
        } finally {
            peer.remove();
        }
        if (authenticator.resume(result.getPeerIdentity(), from).isEmpty()) {
            throw unauthenticated(new AsofException(ErrorCode.AUTHENTICATION_FAILED, "authentication failed: the"
                    + " session's user was dropped or its password changed; log in again"));
        }
        return result;
    }

    /** Checks Basic credentials; the identity it returns is what bearer tokens stand for. */
    private AuthResult validate(String user, String password) {
        Peer from = peer.get() != null ? peer.get() : new Peer(PROTOCOL, "");
        Authenticator.Login login;
        try {
            login = authenticator.login(user, password, from);
        } catch (AsofException e) {
            throw unauthenticated(e);
        }
        authenticator.recordLogin(login.principal(), "Flight SQL bearer token issued");
        String identity = login.identity();
        return () -> identity;
    }

    /**
     * The principal of an authenticated call, as it is now (admin flag read at each call).
     *
     * @throws FlightRuntimeException UNAUTHENTICATED when the user was dropped or its password
     *     changed since the token was issued
     */
    Principal principal(CallContext context, String peerAddress) {
        return authenticator.resume(context.peerIdentity(), new Peer(PROTOCOL, peerAddress == null ? "" : peerAddress))
                .orElseThrow(() -> unauthenticated(new AsofException(ErrorCode.AUTHENTICATION_FAILED,
                        "authentication failed: the session's user was dropped or its password changed; log in again")));
    }

    private static Peer peerOf(CallHeaders headers) {
        String address = headers.get(PEER_ADDRESS_HEADER);
        return new Peer(PROTOCOL, address == null ? "" : address);
    }

    private static FlightRuntimeException unauthenticated(AsofException e) {
        ErrorFlightMetadata metadata = new ErrorFlightMetadata();
        metadata.insert("x-asof-sqlstate", e.code().sqlState());
        FlightRuntimeException out = CallStatus.UNAUTHENTICATED.withDescription(e.getMessage()).withMetadata(metadata)
                .toRuntimeException();
        out.setStackTrace(new StackTraceElement[0]);
        return out;
    }

    /**
     * Puts the connection's remote address in {@link #PEER_ADDRESS_HEADER}, replacing anything the
     * client sent under that name. A stream tracer, not an interceptor: gRPC tells tracers that a
     * call started before any interceptor runs, and Arrow's middleware (authentication included)
     * runs in an interceptor that gRPC would call before one added here.
     */
    static final class PeerAddressTracer extends ServerStreamTracer.Factory {
        private static final Metadata.Key<String> KEY = Metadata.Key.of(PEER_ADDRESS_HEADER,
                Metadata.ASCII_STRING_MARSHALLER);

        @Override
        public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
            headers.removeAll(KEY);
            return new ServerStreamTracer() {
                @Override
                public void serverCallStarted(ServerCallInfo<?, ?> callInfo) {
                    headers.removeAll(KEY);
                    SocketAddress remote = callInfo.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
                    if (remote instanceof InetSocketAddress a && a.getAddress() != null) {
                        headers.put(KEY, a.getAddress().getHostAddress());
                    }
                }
            };
        }
    }
}
