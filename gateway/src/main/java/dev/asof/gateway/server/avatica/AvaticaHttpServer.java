package dev.asof.gateway.server.avatica;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.auth.Authenticator;
import dev.asof.gateway.auth.BasicCredentials;
import dev.asof.gateway.session.Peer;
import dev.asof.gateway.session.Principal;
import dev.asof.planner.error.AsofException;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.metrics.noop.NoopMetricsSystem;
import org.apache.calcite.avatica.proto.Common.WireMessage;
import org.apache.calcite.avatica.proto.Requests;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.Handler.HandlerResponse;
import org.apache.calcite.avatica.remote.JsonService;
import org.apache.calcite.avatica.remote.ProtobufHandler;
import org.apache.calcite.avatica.remote.ProtobufTranslation;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Avatica's protobuf-over-HTTP protocol served on Netty: every HTTP POST carries one serialized
 * Avatica request, whose bytes go to Avatica's own {@link ProtobufHandler} (the same decoding,
 * dispatch to the {@link Service}, encoding and error serialization as Avatica's Jetty server).
 *
 * <p>Why not Avatica's Jetty server: a production lookup is one small request and one small
 * response on a kept-alive connection, so per-request overhead of the HTTP layer is most of the
 * round trip. This server keeps connections alive, sets TCP_NODELAY, aggregates each body in one
 * buffer and answers with one write.
 *
 * <p>Service calls block (warehouse queries may run for minutes), so they run on a bounded pool of
 * request threads, with one exception: the execution of a prepared statement that only reads
 * memory and an in-process online store ({@link InProcess}: an online lookup on RocksDB), by a
 * caller whose credentials were verified lately, runs on the event loop that read it. Such a
 * lookup takes microseconds, about what handing it to a request thread and its answer back to the
 * event loop costs (two thread wake-ups per lookup). Close-statement and close-connection
 * requests, which is how the JDBC driver cancels a running statement from a second connection, run
 * on a separate small pool, so a cancel is served at once even when every request thread is busy.
 * Requests beyond the pools' bounds ({@link Limits}) fail with SQLSTATE
 * {@value #OVERLOADED_SQL_STATE} instead of queueing without limit.
 *
 * <p>A client may pipeline HTTP/1.1 requests on one connection; responses go back in request
 * order because a connection has at most one request in service at a time (the others wait on the
 * event loop, in order).
 *
 * <p><b>Authentication.</b> Every request must carry {@code Authorization: Basic …}; it is checked
 * on the request thread (password hashing is slow, never on the event loop) before the request is
 * decoded, and the service call then runs as that {@link Principal} ({@link RequestIdentity}).
 * A request without credentials gets HTTP 401 with a {@code WWW-Authenticate: Basic} challenge (so
 * that challenge-based clients such as Avatica's own with {@code authentication=BASIC} send their
 * credentials) and an Avatica error body with SQLSTATE {@value #NO_CREDENTIALS_SQL_STATE}; refused
 * credentials get Avatica's usual error response (HTTP 500, which every Avatica client decodes into
 * an SQLException) with SQLSTATE {@value #REFUSED_SQL_STATE}, the same for an unknown user and a
 * wrong password. No stack trace is sent.
 *
 * <p><b>TLS.</b> With an {@link SslContext}, every connection starts with a TLS handshake; a
 * plaintext client's connection is closed.
 */
final class AvaticaHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AvaticaHttpServer.class);

    /** SQLSTATE "insufficient resources": the gateway has no thread left for the request. */
    static final String OVERLOADED_SQL_STATE = "53000";
    /** SQLSTATE of a request without credentials. */
    static final String NO_CREDENTIALS_SQL_STATE = "28000";
    /** SQLSTATE "feature not supported": a request in Avatica's JSON serialization. */
    static final String JSON_SQL_STATE = "0A000";
    /** SQLSTATE of refused credentials. */
    static final String REFUSED_SQL_STATE = "28P01";
    private static final String CHALLENGE = "Basic realm=\"asof\", charset=\"UTF-8\"";

    private static final AsciiString CONTENT_TYPE = AsciiString.cached("application/octet-stream;charset=utf-8");
    private static final String CLOSE_STATEMENT = Requests.CloseStatementRequest.class.getName();
    private static final String CLOSE_CONNECTION = Requests.CloseConnectionRequest.class.getName();

    private final Channel serverChannel;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup ioGroup;
    private final ExecutorService[] pools;
    private final int port;

    /**
     * Limits of the server.
     *
     * @param requestThreads service calls running at once on the main request threads (each JDBC
     *     statement execution or fetch holds one for its duration)
     * @param overflowThreads further threads that serve requests arriving while every request
     *     thread is busy
     * @param overflowQueue requests that may wait for an overflow thread; beyond that they are
     *     refused
     * @param controlThreads cancels (close-statement/close-connection requests) running at once;
     *     up to {@code overflowQueue} more wait
     * @param ioThreads event loop threads
     * @param maxRequestBytes largest request body accepted
     * @param idleTimeout a connection that sent nothing for this long is closed, unless a request of
     *     it is still in service
     */
    record Limits(int requestThreads, int overflowThreads, int overflowQueue, int controlThreads, int ioThreads,
            int maxRequestBytes, Duration idleTimeout) {
        Limits {
            if (requestThreads < 1 || overflowThreads < 1 || overflowQueue < 1 || controlThreads < 1 || ioThreads < 1
                    || maxRequestBytes < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
            requireNonNull(idleTimeout, "idleTimeout");
        }

        /**
         * Sized for a gateway process: 128 + 16 concurrent statements and 1,024 waiting, one event
         * loop per core (at most 4), request bodies up to 256 MiB (large batches).
         */
        static Limits defaults() {
            return new Limits(128, 16, 1024, 8, Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
                    256 * 1024 * 1024, Duration.ofMinutes(5));
        }
    }

    private AvaticaHttpServer(Channel serverChannel, EventLoopGroup bossGroup, EventLoopGroup ioGroup,
            ExecutorService[] pools, int port) {
        this.serverChannel = serverChannel;
        this.bossGroup = bossGroup;
        this.ioGroup = ioGroup;
        this.pools = pools;
        this.port = port;
    }

    /**
     * Binds {@code host:port} (port 0: any free port) and serves {@code service}; returns once the
     * port accepts connections.
     *
     * @throws IllegalStateException when the address cannot be bound (e.g. the port is in use)
     */
    static AvaticaHttpServer start(Service service, RequestIdentity identity, SslContext tls, String host, int port,
            Limits limits) {
        return start(service, identity, (connectionId, statementId) -> false, tls, host, port, limits);
    }

    /**
     * As above; executions {@code inProcess} names are served on the event loop when their caller's
     * credentials are in the verification cache.
     */
    static AvaticaHttpServer start(Service service, RequestIdentity identity, InProcess inProcess, SslContext tls,
            String host, int port, Limits limits) {
        requireNonNull(identity, "identity");
        ProtobufTranslation translation = new CompactFrames.Translation(new ProtobufTranslationImpl());
        ProtobufHandler handler = new ProtobufHandler(service, translation, NoopMetricsSystem.getInstance());
        ThreadPoolExecutor overflowThreads = queueing("asof-jdbc-overflow", limits.overflowThreads(),
                limits.overflowQueue());
        ThreadPoolExecutor requestThreads = new ThreadPoolExecutor(0, limits.requestThreads(), 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), new DefaultThreadFactory("asof-jdbc-request", true),
                (task, pool) -> overflowThreads.execute(task));
        ThreadPoolExecutor controlThreads = queueing("asof-jdbc-cancel", limits.controlThreads(), limits.overflowQueue());
        ExecutorService[] pools = {requestThreads, overflowThreads, controlThreads};
        EventLoopGroup bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("asof-jdbc-accept", true),
                NioIoHandler.newFactory());
        EventLoopGroup ioGroup = new MultiThreadIoEventLoopGroup(limits.ioThreads(),
                new DefaultThreadFactory("asof-jdbc-io", true), NioIoHandler.newFactory());
        Dispatcher dispatcher = new Dispatcher(service, translation, handler, identity, inProcess, requestThreads,
                controlThreads);
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(bossGroup, ioGroup)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ChannelPipeline p = ch.pipeline();
                            if (tls != null) {
                                p.addLast(new TlsOnly(tls));
                            }
                            // Reader idleness only: watching writes too would add a listener to every response.
                            p.addLast(new IdleStateHandler(limits.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
                            p.addLast(new HttpServerCodec());
                            p.addLast(new HttpObjectAggregator(limits.maxRequestBytes()));
                            p.addLast(new ConnectionHandler(dispatcher));
                        }
                    });
            Channel channel;
            try {
                channel = bootstrap.bind(new InetSocketAddress(host, port)).syncUninterruptibly().channel();
            } catch (Exception e) {
                // Netty rethrows the bind failure itself (a checked BindException when the port is
                // taken); callers find it in the cause chain.
                throw new IllegalStateException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(),
                        e);
            }
            int bound = ((InetSocketAddress) channel.localAddress()).getPort();
            // As Avatica's server does: responses (and errors) name the server that produced them.
            Service.RpcMetadataResponse metadata = new Service.RpcMetadataResponse(
                    String.format(Locale.ROOT, "%s:%d", host, bound));
            service.setRpcMetadata(metadata);
            handler.setRpcMetadata(metadata);
            return new AvaticaHttpServer(channel, bossGroup, ioGroup, pools, bound);
        } catch (RuntimeException e) {
            shutdown(bossGroup, ioGroup, pools);
            throw e;
        }
    }

    /*
     * The request pool hands each task straight to an idle thread (a SynchronousQueue, whose waiting
     * threads form a stack): the most recently idle thread gets the next request, so a steady stream
     * of lookups stays on a few warm threads instead of rotating through all of them, as a FIFO
     * queue of waiting threads would. When every request thread is busy, the overflow pool queues.
     */

    /** Fixed threads that end after a minute idle, and a bounded queue. */
    private static ThreadPoolExecutor queueing(String name, int threads, int queue) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(queue), new DefaultThreadFactory(name, true),
                new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** The bound port. */
    int port() {
        return port;
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        shutdown(bossGroup, ioGroup, pools);
    }

    private static void shutdown(EventLoopGroup bossGroup, EventLoopGroup ioGroup, ExecutorService... pools) {
        for (ExecutorService pool : pools) {
            pool.shutdownNow();
        }
        bossGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        ioGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        bossGroup.terminationFuture().syncUninterruptibly();
        ioGroup.terminationFuture().syncUninterruptibly();
    }

    /**
     * Which executions take about the time of a memory read and may run on the event loop: the
     * statement is known by its connection's and its own id.
     */
    interface InProcess {
        boolean executes(String connectionId, int statementId);
    }

    /** Runs each request's service call on the right pool and produces its HTTP status and body. */
    private static final class Dispatcher {
        private static final String EXECUTE = Requests.ExecuteRequest.class.getName();

        private final Service service;
        private final ProtobufTranslation translation;
        private final ProtobufHandler handler;
        private final RequestIdentity identity;
        private final InProcess inProcess;
        private final Executor requestThreads;
        private final Executor controlThreads;

        Dispatcher(Service service, ProtobufTranslation translation, ProtobufHandler handler, RequestIdentity identity,
                InProcess inProcess, Executor requestThreads, Executor controlThreads) {
            this.service = service;
            this.translation = translation;
            this.handler = handler;
            this.identity = identity;
            this.inProcess = inProcess;
            this.requestThreads = requestThreads;
            this.controlThreads = controlThreads;
        }

        /**
         * Starts serving {@code body} sent with {@code authorization} (the header, or null) by
         * {@code peer}; {@code done} receives the response on a pool thread (or on the caller's
         * thread when the request is refused).
         */
        void dispatch(byte[] body, String authorization, Peer peer, RequestIdentity.InFlight request,
                PresentedHeader presented, ResponseSink done) {
            if (isJson(body)) {
                done.accept(JSON_REFUSAL);
                return;
            }
            WireMessage envelope = envelope(body);
            String name = envelope == null ? null : envelope.getName();
            if (EXECUTE.equals(name)) {
                // Decoded once here: the request is served from this decoding when it runs on the event loop.
                Service.ExecuteRequest execute = executeRequest(body);
                Optional<Principal> principal = execute == null ? Optional.empty()
                        : inProcessCaller(execute.statementHandle, presented.of(authorization), peer);
                if (principal.isPresent()) {
                    done.accept(identity.as(principal.get(), request, () -> serve(execute)));
                    return;
                }
            }
            Executor pool = CLOSE_STATEMENT.equals(name) || CLOSE_CONNECTION.equals(name) ? controlThreads
                    : requestThreads;
            try {
                pool.execute(() -> done.accept(authenticated(body, authorization, peer, request)));
            } catch (RejectedExecutionException e) {
                done.accept(refused(pool == controlThreads ? "cancel" : "request"));
            }
        }

        /** Checks the credentials (on this pool thread: hashing is slow), then serves as their user. */
        private HandlerResponse<byte[]> authenticated(byte[] body, String authorization, Peer peer,
                RequestIdentity.InFlight request) {
            Principal principal;
            try {
                Optional<BasicCredentials> credentials = BasicCredentials.parse(authorization);
                principal = identity.authenticator().login(credentials.map(BasicCredentials::user).orElse(null),
                        credentials.map(BasicCredentials::password).orElse(null), peer).principal();
            } catch (AsofException e) {
                HandlerResponse<byte[]> error = handler.convertToErrorResponse(clientError(e.getMessage(),
                        e.code().code(), e.code().sqlState()));
                // 401 with a challenge when nothing was sent, so that challenge-based clients answer it.
                return e.code().sqlState().equals(NO_CREDENTIALS_SQL_STATE)
                        ? new HandlerResponse<>(error.getResponse(), HttpResponseStatus.UNAUTHORIZED.code())
                        : error;
            }
            return identity.as(principal, request, () -> serve(body));
        }

        private HandlerResponse<byte[]> serve(byte[] body) {
            try {
                // Decoding, the service call, encoding, and errors as Avatica's ProtobufHandler
                // defines them (AsofMeta already strips stack traces from its errors).
                return handler.apply(body);
            } catch (RuntimeException | Error e) {
                // apply() converts exceptions itself; this is a failure to encode even the error
                LOG.error("JDBC request failed", e);
                return handler.convertToErrorResponse(clientError("internal error: the request failed",
                        "XX000"));
            }
        }

        /** As {@link #serve(byte[])}, for an execute request already decoded (what Avatica's handler does with one). */
        private HandlerResponse<byte[]> serve(Service.ExecuteRequest execute) {
            try {
                try {
                    return new HandlerResponse<>(translation.serializeResponse(service.apply(execute)),
                            HttpResponseStatus.OK.code());
                } catch (Exception e) {
                    return handler.convertToErrorResponse(e);
                }
            } catch (RuntimeException | Error e) {
                LOG.error("JDBC request failed", e);
                return handler.convertToErrorResponse(clientError("internal error: the request failed",
                        "XX000"));
            }
        }

        private HandlerResponse<byte[]> refused(String kind) {
            return handler.convertToErrorResponse(clientError("the gateway is overloaded: every " + kind
                    + " thread is busy; retry later", OVERLOADED_SQL_STATE));
        }

        /**
         * The caller of an execute request that may run on the event loop: the statement executes in
         * process and the credentials are in the verification cache (checking others means hashing a
         * password, which takes milliseconds). Empty for every other request.
         */
        private Optional<Principal> inProcessCaller(Meta.StatementHandle handle,
                Optional<Authenticator.Presented> credentials, Peer peer) {
            if (handle == null || handle.connectionId == null || !inProcess.executes(handle.connectionId, handle.id)) {
                return Optional.empty();
            }
            return credentials.flatMap(c -> identity.authenticator().cachedLogin(c, peer))
                    .map(Authenticator.Login::principal);
        }

        /** {@code body} decoded as an execute request; null when it is not a valid one (the request pool reports the error). */
        private Service.ExecuteRequest executeRequest(byte[] body) {
            try {
                return translation.parseRequest(body) instanceof Service.ExecuteRequest execute ? execute : null;
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        /**
         * The request's envelope, whose name says where it is served: cancels travel as
         * close-statement requests (and closing a connection closes its statements), executions
         * may run on the event loop. The wrapped message is parsed later. Null for a body that is
         * not an envelope (the request pool reports the error).
         */
        private static WireMessage envelope(byte[] body) {
            try {
                com.google.protobuf.CodedInputStream in = com.google.protobuf.CodedInputStream.newInstance(body);
                in.enableAliasing(true);
                return WireMessage.parseFrom(in);
            } catch (IOException e) {
                return null;
            }
        }

        /**
         * Whether {@code body} is an Avatica JSON request (Avatica's default serialization): a JSON
         * object, where a protobuf envelope starts with its field tag (byte 0x0a).
         */
        private static boolean isJson(byte[] body) {
            for (byte b : body) {
                if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                    return b == '{';
                }
            }
            return false;
        }

        /**
         * The answer to a JSON request, in JSON so that the client shows it (a protobuf answer would
         * be a JSON parse error): the gateway speaks protobuf only.
         */
        private static final HandlerResponse<byte[]> JSON_REFUSAL = jsonRefusal();

        private static HandlerResponse<byte[]> jsonRefusal() {
            Service.ErrorResponse error = new Service.ErrorResponse(List.of(),
                    "this gateway speaks Avatica's protobuf serialization only: add serialization=PROTOBUF to the"
                            + " JDBC URL (or use the asof driver, jdbc:asof://host:port)",
                    -1, JSON_SQL_STATE, AvaticaSeverity.ERROR, null);
            try {
                return new HandlerResponse<>(JsonService.MAPPER.writeValueAsBytes(error),
                        HttpResponseStatus.INTERNAL_SERVER_ERROR.code());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private static AvaticaRuntimeException clientError(String message, String sqlState) {
            return clientError(message, -1, sqlState);
        }

        private static AvaticaRuntimeException clientError(String message, int errorCode, String sqlState) {
            AvaticaRuntimeException e = new AvaticaRuntimeException(message, errorCode, sqlState, AvaticaSeverity.ERROR);
            e.setStackTrace(new StackTraceElement[0]); // Avatica serializes stack traces; send none
            return e;
        }
    }

    /**
     * TLS, and a clear refusal for plaintext: a client that speaks plain HTTP to the TLS port gets
     * one HTTP 400 saying so, then the connection closes (a silent close would make HTTP clients
     * retry, as Avatica's does for a request that got no response).
     */
    private static final class TlsOnly extends io.netty.handler.ssl.OptionalSslHandler {
        private static final byte[] PLAINTEXT_REFUSED = ("HTTP/1.1 400 Bad Request\r\n"
                + "Content-Type: text/plain;charset=utf-8\r\nConnection: close\r\nContent-Length: 66\r\n\r\n"
                + "This endpoint requires TLS: connect with jdbc:asof://...?tls=true\n")
                .getBytes(StandardCharsets.US_ASCII);

        TlsOnly(SslContext tls) {
            super(tls);
        }

        @Override
        protected io.netty.channel.ChannelHandler newNonSslHandler(ChannelHandlerContext context) {
            return new io.netty.channel.ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    io.netty.util.ReferenceCountUtil.release(msg);
                    if (ctx.channel().isActive()) {
                        ctx.writeAndFlush(Unpooled.wrappedBuffer(PLAINTEXT_REFUSED)).addListener(ChannelFutureListener.CLOSE);
                    }
                }
            };
        }
    }

    private interface ResponseSink {
        void accept(HandlerResponse<byte[]> response);
    }

    /**
     * A connection's last {@code Authorization} header, prepared for the verification cache: a
     * client sends the same header on every request, which is then not decoded and hashed again
     * for each lookup. Only the preparation is kept; whether the credentials are valid is checked
     * on every request ({@link Authenticator#cachedLogin(Authenticator.Presented, Peer)}).
     */
    private static final class PresentedHeader {
        private String header;
        private Optional<Authenticator.Presented> presented = Optional.empty();

        Optional<Authenticator.Presented> of(String authorization) {
            if (authorization == null) {
                return Optional.empty();
            }
            if (!authorization.equals(header)) {
                presented = BasicCredentials.parse(authorization)
                        .flatMap(c -> Authenticator.present(c.user(), c.password()));
                header = authorization;
            }
            return presented;
        }
    }

    /**
     * One per connection; all its state is touched on the connection's event loop only. Holds the
     * requests that arrived while another was in service (HTTP/1.1 pipelining).
     */
    private static final class ConnectionHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Dispatcher dispatcher;
        private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        private boolean inService;
        /** The request in service, told when the connection closes before its answer. */
        private RequestIdentity.InFlight current;
        /** The client's address, read at its first request. */
        private Peer peer;
        private final PresentedHeader presented = new PresentedHeader();

        ConnectionHandler(Dispatcher dispatcher) {
            this.dispatcher = dispatcher;
        }

        private record Pending(byte[] body, String authorization, boolean keepAlive, HttpVersion version) {}

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!request.decoderResult().isSuccess()) {
                plainResponse(ctx, request.protocolVersion(), HttpResponseStatus.BAD_REQUEST, "Malformed HTTP request.",
                        false);
                return;
            }
            if (!HttpMethod.POST.equals(request.method())) {
                // Avatica's own answer to anything but POST
                plainResponse(ctx, request.protocolVersion(), HttpResponseStatus.BAD_REQUEST,
                        "This server expects only POST calls.", keepAlive);
                return;
            }
            Pending pending = new Pending(ByteBufUtil.getBytes(request.content()),
                    request.headers().get(HttpHeaderNames.AUTHORIZATION), keepAlive, request.protocolVersion());
            if (inService) {
                waiting.add(pending);
            } else {
                serve(ctx, pending);
            }
        }

        private void serve(ChannelHandlerContext ctx, Pending pending) {
            inService = true;
            current = new RequestIdentity.InFlight();
            if (peer == null) {
                peer = peer(ctx);
            }
            dispatcher.dispatch(pending.body(), pending.authorization(), peer, current, presented, response -> {
                if (ctx.executor().inEventLoop()) {
                    respond(ctx, pending, response);
                } else {
                    ctx.executor().execute(() -> respond(ctx, pending, response));
                }
            });
        }

        private static Peer peer(ChannelHandlerContext ctx) {
            return ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                    ? new Peer("jdbc", a.getAddress().getHostAddress()) : new Peer("jdbc", "");
        }

        private void respond(ChannelHandlerContext ctx, Pending pending, HandlerResponse<byte[]> response) {
            inService = false;
            current = null;
            if (!ctx.channel().isActive()) {
                waiting.clear();
                return;
            }
            FullHttpResponse http = new DefaultFullHttpResponse(pending.version(),
                    HttpResponseStatus.valueOf(response.getStatusCode()), Unpooled.wrappedBuffer(response.getResponse()));
            http.headers().set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE);
            if (response.getStatusCode() == HttpResponseStatus.UNAUTHORIZED.code()) {
                http.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, CHALLENGE);
            }
            HttpUtil.setContentLength(http, response.getResponse().length);
            if (!pending.keepAlive()) {
                ctx.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE);
                waiting.clear();
                return;
            }
            if (pending.version().equals(HttpVersion.HTTP_1_0)) {
                http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.writeAndFlush(http, ctx.voidPromise());
            Pending next = waiting.poll();
            if (next != null) {
                serve(ctx, next);
            }
        }

        private static void plainResponse(ChannelHandlerContext ctx, HttpVersion version, HttpResponseStatus status,
                String text, boolean keepAlive) {
            FullHttpResponse http = new DefaultFullHttpResponse(version, status,
                    Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
            http.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain;charset=utf-8");
            HttpUtil.setContentLength(http, http.content().readableBytes());
            if (keepAlive) {
                ctx.writeAndFlush(http, ctx.voidPromise());
            } else {
                ctx.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof IdleStateEvent) {
                // A statement may run for minutes without traffic: only idle keep-alive connections end.
                if (!inService) {
                    ctx.close();
                }
                return;
            }
            super.userEventTriggered(ctx, event);
        }

        /**
         * The client closed the connection (or it broke) while a request of it was in service: no
         * one will read the answer, so the request's work is cancelled (a killed JDBC client's
         * query stops here within moments instead of running on).
         */
        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            RequestIdentity.InFlight request = current;
            waiting.clear();
            if (inService && request != null) {
                LOG.debug("JDBC client {} went away during a request; cancelling its work", ctx.channel().remoteAddress());
                // Off the event loop: cancelling may wait on the engine (Trino kills by a call of its own).
                java.util.concurrent.CompletableFuture.runAsync(request::gone);
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Connection resets and the like: nothing to answer.
            LOG.debug("JDBC connection {} failed", ctx.channel().remoteAddress(), cause);
            ctx.close();
        }
    }
}
