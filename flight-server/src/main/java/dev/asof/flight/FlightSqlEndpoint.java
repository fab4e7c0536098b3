package dev.asof.flight;

import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.auth.Authenticator;
import dev.asof.gateway.endpoint.ProtocolEndpoint;
import dev.asof.gateway.execution.StatementExecutor;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The Arrow Flight SQL endpoint: gRPC on {@code host:flightPort}, plaintext or TLS; every call
 * authenticated ({@link FlightAuthentication}: basic credentials, then an expiring bearer token).
 * Arrow memory
 * comes from one root allocator, limited by the system property {@value #ALLOCATOR_LIMIT_PROPERTY}
 * (bytes; default unlimited).
 */
public final class FlightSqlEndpoint implements ProtocolEndpoint {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FlightSqlEndpoint.class);
    public static final String ALLOCATOR_LIMIT_PROPERTY = "asof.flight.allocator-limit";

    private final BufferAllocator allocator;
    private final FlightServer server;
    private final AsofFlightSqlProducer producer;
    private final FlightSessions sessions;
    private final ScheduledExecutorService sweeper;
    private final String url;

    private FlightSqlEndpoint(BufferAllocator allocator, FlightServer server, AsofFlightSqlProducer producer,
            FlightSessions sessions, ScheduledExecutorService sweeper, String url) {
        this.allocator = allocator;
        this.server = server;
        this.producer = producer;
        this.sessions = sessions;
        this.sweeper = sweeper;
        this.url = url;
    }

    public static FlightSqlEndpoint start(StatementExecutor executor, Authenticator authenticator, GatewayConfig config) {
        long limit = Long.getLong(ALLOCATOR_LIMIT_PROPERTY, Long.MAX_VALUE);
        BufferAllocator allocator = new RootAllocator(limit);
        GatewayConfig.Timeouts timeouts = config.timeouts();
        // Uploaded session tables are dropped after this long without a call from their session.
        FlightSessions sessions = new FlightSessions(executor, timeouts.sessionIdle());
        sessions.dropAll(); // leftovers of a gateway that did not stop cleanly
        FlightAuthentication authentication = new FlightAuthentication(authenticator, config.security().flightTokenTtl());
        AsofFlightSqlProducer producer = new AsofFlightSqlProducer(executor, allocator, sessions, authentication,
                timeouts);
        boolean tls = config.flightTlsCert() != null;
        Location location = tls ? Location.forGrpcTls(config.host(), config.flightPort())
                : Location.forGrpcInsecure(config.host(), config.flightPort());
        FlightServer.Builder builder = FlightServer.builder(allocator, location, producer)
                .middleware(SessionMiddleware.KEY, new SessionMiddleware.Factory())
                .headerAuthenticator(authentication)
                // The remote address, for the audit log and login throttling (Arrow's middleware has none).
                .transportHint("grpc.builderConsumer", (java.util.function.Consumer<io.grpc.netty.NettyServerBuilder>)
                        b -> b.addStreamTracerFactory(new FlightAuthentication.PeerAddressTracer()));
        FlightServer server;
        try {
            if (tls) {
                builder.useTls(config.flightTlsCert().toFile(), config.flightTlsKey().toFile());
            }
            server = builder.build().start();
        } catch (IOException | RuntimeException e) {
            allocator.close();
            throw startError(config, e);
        }
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "asof-flight-sweeper");
            t.setDaemon(true);
            return t;
        });
        // Several looks per timeout, at most one a second: what a vanished client left is released
        // within a second of its timeout.
        long period = Math.max(50, Math.min(1000, Math.min(timeouts.sessionIdle().toMillis(),
                timeouts.resultIdle().toMillis()) / 4));
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                producer.sweep();
            } catch (RuntimeException e) {
                LOG.warn("releasing idle Flight SQL sessions and results failed", e); // the next sweep tries again
            }
        }, period, period, TimeUnit.MILLISECONDS);
        String url = (tls ? "grpc+tls://" : "grpc://") + config.host() + ":" + server.getPort();
        return new FlightSqlEndpoint(allocator, server, producer, sessions, sweeper, url);
    }

    /** One clear line; worded so that the CLI does not mistake it for a locked data directory. */
    private static IllegalStateException startError(GatewayConfig config, Exception e) {
        String where = "cannot start the Flight SQL endpoint on " + config.host() + ":" + config.flightPort() + ": ";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return new IllegalStateException(where + "the port is taken (is another asof running? choose another"
                        + " with --flight-port or asof.flight.port)");
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new IllegalStateException(where + (root.getMessage() != null ? root.getMessage()
                : root.getClass().getSimpleName()));
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public String describe() {
        return "Flight SQL URL: " + url;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        try {
            server.shutdown();
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // stopping anyway
        }
        producer.close(); // cancels unclaimed results first: they may read session tables
        sessions.dropAll();
        try {
            allocator.close();
        } catch (IllegalStateException e) {
            // buffers of cancelled streams may still be accounted; the process is stopping
        }
    }
}
