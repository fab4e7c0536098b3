package dev.asof.gateway.observability;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.auth.Authenticator;
import dev.asof.gateway.auth.BasicCredentials;
import dev.asof.gateway.session.Peer;
import dev.asof.gateway.session.Principal;
import dev.asof.planner.error.AsofException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
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
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint for operators (Netty, HTTP/1.1, {@code GET} only):
 * <ul>
 *   <li>{@code /health/live}: 200 {@code {"status":"up"}} while the process serves; open to anyone
 *       (orchestrators' probes carry no credentials, and it says nothing but "alive").
 *   <li>{@code /health/ready}: 200 when the registry, the warehouse and the online store each answer
 *       a cheap probe within {@link HttpSettings#probeTimeout()}, else 503; the JSON body names each
 *       part {@code up} or {@code down} (why is in the gateway's log, not in the answer). Open, as
 *       above.
 *   <li>{@code /metrics}: every meter in Prometheus' text format 0.0.4. Authenticated: either
 *       {@code Authorization: Bearer <asof.http.metrics-token>} (what a Prometheus scrape job sends),
 *       or {@code Authorization: Basic} with an admin's user name and password (checked as the JDBC
 *       endpoint checks them: same throttle, same audit). Without credentials, or with a wrong
 *       token or password: 401; a user who is not an admin: 403.
 * </ul>
 * Readiness and metrics run on two request threads of their own (the probes and a scrape may block);
 * a connection has one request in service at a time.
 */
public final class HttpEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoint.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JSON = "application/json";
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final Channel channel;
    private final EventLoopGroup boss;
    private final EventLoopGroup io;
    private final ThreadPoolExecutor requests;
    private final String host;
    private final int port;

    /** What the endpoint serves. */
    private record Content(PrometheusMeterRegistry meters, ReadinessProbes probes, OnlineFreshness freshness,
            Authenticator authenticator, Optional<byte[]> tokenDigest) {}

    private HttpEndpoint(Channel channel, EventLoopGroup boss, EventLoopGroup io, ThreadPoolExecutor requests,
            String host, int port) {
        this.channel = channel;
        this.boss = boss;
        this.io = io;
        this.requests = requests;
        this.host = host;
        this.port = port;
    }

    /**
     * Binds {@code host:settings.port()} (0: a free port) and serves; returns once it accepts
     * connections.
     *
     * @throws IllegalStateException when the address cannot be bound; the message names it and the key
     */
    public static HttpEndpoint start(String host, HttpSettings settings, PrometheusMeterRegistry meters,
            ReadinessProbes probes, OnlineFreshness freshness, Authenticator authenticator) {
        Content content = new Content(requireNonNull(meters, "meters"), requireNonNull(probes, "probes"),
                requireNonNull(freshness, "freshness"), requireNonNull(authenticator, "authenticator"),
                settings.metricsToken().map(t -> sha256(t.reveal())));
        ThreadPoolExecutor requests = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64),
                new DefaultThreadFactory("asof-http-request", true), new ThreadPoolExecutor.AbortPolicy());
        requests.allowCoreThreadTimeOut(true);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("asof-http-accept", true),
                NioIoHandler.newFactory());
        EventLoopGroup io = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("asof-http-io", true),
                NioIoHandler.newFactory());
        try {
            ServerBootstrap bootstrap = new ServerBootstrap().group(boss, io).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                    new Handler(content, requests));
                        }
                    });
            Channel channel;
            try {
                channel = bootstrap.bind(new InetSocketAddress(host, settings.port())).syncUninterruptibly().channel();
            } catch (Exception e) {
                // No cause: the launcher reads a BindException in the chain as the JDBC port's.
                throw new IllegalStateException("cannot serve HTTP (health, metrics) on " + host + ":" + settings.port()
                        + ": " + e.getMessage() + " (set " + HttpSettings.PORT_KEY + ", or " + HttpSettings.ENABLED_KEY
                        + "=false)");
            }
            int bound = ((InetSocketAddress) channel.localAddress()).getPort();
            return new HttpEndpoint(channel, boss, io, requests, host, bound);
        } catch (RuntimeException e) {
            shutdown(boss, io, requests);
            throw e;
        }
    }

    /** The bound port. */
    public int port() {
        return port;
    }

    /** {@code http://host:port}. */
    public String url() {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        shutdown(boss, io, requests);
    }

    private static void shutdown(EventLoopGroup boss, EventLoopGroup io, ThreadPoolExecutor requests) {
        requests.shutdownNow();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        io.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** An answer: status, content type, body, extra headers. */
    private record Answer(HttpResponseStatus status, String contentType, String body, Map<String, List<String>> headers) {
        static Answer of(HttpResponseStatus status, String contentType, String body) {
            return new Answer(status, contentType, body, Map.of());
        }
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Content content;
        private final ThreadPoolExecutor requests;

        Handler(Content content, ThreadPoolExecutor requests) {
            this.content = content;
            this.requests = requests;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!request.decoderResult().isSuccess()) {
                respond(ctx, Answer.of(HttpResponseStatus.BAD_REQUEST, TEXT, "malformed HTTP request\n"), false);
                return;
            }
            if (!HttpMethod.GET.equals(request.method())) {
                respond(ctx, new Answer(HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT, "only GET is served here\n",
                        Map.of("Allow", List.of("GET"))), keepAlive);
                return;
            }
            String path = new QueryStringDecoder(request.uri()).path();
            String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
            Peer peer = ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                    ? new Peer("http", a.getAddress().getHostAddress()) : new Peer("http", "");
            switch (path) {
                case "/health/live" -> respond(ctx, Answer.of(HttpResponseStatus.OK, JSON, "{\"status\":\"up\"}\n"),
                        keepAlive);
                case "/health/ready" -> offload(ctx, keepAlive, this::ready);
                case "/metrics" -> offload(ctx, keepAlive, () -> metrics(authorization, peer));
                default -> respond(ctx, Answer.of(HttpResponseStatus.NOT_FOUND, TEXT,
                        "not found; this endpoint serves /health/live, /health/ready and /metrics\n"), keepAlive);
            }
        }

        private interface Work {
            Answer run();
        }

        /** Runs {@code work} on a request thread; reads nothing more from the connection meanwhile. */
        private void offload(ChannelHandlerContext ctx, boolean keepAlive, Work work) {
            ctx.channel().config().setAutoRead(false);
            try {
                requests.execute(() -> {
                    Answer answer;
                    try {
                        answer = work.run();
                    } catch (RuntimeException e) {
                        LOG.error("HTTP endpoint: request failed", e);
                        answer = Answer.of(HttpResponseStatus.INTERNAL_SERVER_ERROR, TEXT, "internal error\n");
                    }
                    Answer a = answer;
                    ctx.executor().execute(() -> {
                        respond(ctx, a, keepAlive);
                        ctx.channel().config().setAutoRead(true);
                    });
                });
            } catch (RejectedExecutionException e) {
                ctx.channel().config().setAutoRead(true);
                respond(ctx, Answer.of(HttpResponseStatus.SERVICE_UNAVAILABLE, TEXT, "too many requests\n"), false);
            }
        }

        private Answer ready() {
            Map<String, Boolean> up = content.probes().check();
            boolean all = up.values().stream().allMatch(Boolean::booleanValue);
            StringBuilder json = new StringBuilder("{\"status\":\"").append(all ? "up" : "down").append("\"");
            up.forEach((part, ok) -> json.append(",\"").append(part).append("\":\"").append(ok ? "up" : "down")
                    .append('"'));
            json.append("}\n");
            return Answer.of(all ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, JSON,
                    json.toString());
        }

        private Answer metrics(String authorization, Peer peer) {
            Optional<Answer> refused = authorize(authorization, peer);
            if (refused.isPresent()) {
                return refused.get();
            }
            content.freshness().refresh();
            return Answer.of(HttpResponseStatus.OK, PROMETHEUS_TEXT, content.meters().scrape());
        }

        /** Empty when the request may read the metrics; else the refusal. */
        private Optional<Answer> authorize(String authorization, Peer peer) {
            String h = authorization == null ? "" : authorization.trim();
            if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
                byte[] presented = sha256(h.substring(7).trim());
                if (content.tokenDigest().isPresent() && MessageDigest.isEqual(content.tokenDigest().get(), presented)) {
                    return Optional.empty();
                }
                return Optional.of(unauthorized("wrong scrape token"));
            }
            Optional<BasicCredentials> basic = BasicCredentials.parse(authorization);
            if (basic.isEmpty()) {
                return Optional.of(unauthorized("authentication required"));
            }
            Principal principal;
            try {
                principal = content.authenticator().login(basic.get().user(), basic.get().password(), peer).principal();
            } catch (AsofException e) {
                return Optional.of(unauthorized(e.getMessage()));
            }
            if (!principal.admin()) {
                return Optional.of(Answer.of(HttpResponseStatus.FORBIDDEN, TEXT,
                        "permission denied: only admins (or the scrape token) may read /metrics\n"));
            }
            return Optional.empty();
        }

        private static Answer unauthorized(String why) {
            return new Answer(HttpResponseStatus.UNAUTHORIZED, TEXT, why + ": send Authorization: Bearer <"
                    + HttpSettings.METRICS_TOKEN_KEY + "> or an admin's user and password (Basic)\n",
                    Map.of(HttpHeaderNames.WWW_AUTHENTICATE.toString(),
                            List.of("Bearer realm=\"asof\"", "Basic realm=\"asof\", charset=\"UTF-8\"")));
        }

        private static void respond(ChannelHandlerContext ctx, Answer answer, boolean keepAlive) {
            if (!ctx.channel().isActive()) {
                return;
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    answer.status(), Unpooled.copiedBuffer(answer.body(), StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
            answer.headers().forEach((name, values) -> response.headers().add(name, values));
            HttpUtil.setContentLength(response, response.content().readableBytes());
            HttpUtil.setKeepAlive(response, keepAlive);
            if (keepAlive) {
                ctx.writeAndFlush(response, ctx.voidPromise());
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("HTTP connection {} failed", ctx.channel().remoteAddress(), cause);
            ctx.close();
        }
    }
}
