package dev.asof.gateway.server.avatica;

import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.auth.Authenticator;
import dev.asof.gateway.execution.StatementExecutor;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;

/**
 * The JDBC endpoint: Avatica's protocol (protobuf over HTTP), served on Netty by
 * {@link AvaticaHttpServer}, with {@link AsofMeta} doing the work ({@link AsofService} in
 * between). Clients connect with
 * {@code jdbc:asof://host:port?user=…&password=…} ({@code &tls=true} when the endpoint serves TLS);
 * every request is authenticated ({@link AvaticaHttpServer}).
 */
public final class AvaticaEndpoint implements AutoCloseable {
    private final AvaticaHttpServer server;
    private final AsofMeta meta;

    private AvaticaEndpoint(AvaticaHttpServer server, AsofMeta meta) {
        this.server = server;
        this.meta = meta;
    }

    /**
     * Starts serving on {@code host:port}; returns once the port accepts connections.
     *
     * @param port TCP port, 0 for any free port
     * @throws IllegalStateException when the port cannot be bound (e.g. it is in use); the message
     *     names host and port
     */
    public static AvaticaEndpoint start(StatementExecutor executor, Authenticator authenticator, String host, int port) {
        return start(executor, authenticator, host, port, null, null);
    }

    /**
     * Starts serving on {@code host:port}, over TLS when {@code tlsCert} and {@code tlsKey} are
     * given (PEM certificate chain and PKCS#8 PEM key; Netty's JDK TLS provider).
     *
     * @throws IllegalStateException when the port cannot be bound or the certificate or key cannot
     *     be read; the message names host and port
     */
    public static AvaticaEndpoint start(StatementExecutor executor, Authenticator authenticator, String host, int port,
            Path tlsCert, Path tlsKey) {
        return start(executor, authenticator, host, port, tlsCert, tlsKey, GatewayConfig.Timeouts.defaults());
    }

    /**
     * As above; results idle for {@link GatewayConfig.Timeouts#resultIdle} are closed and
     * connections idle for {@link GatewayConfig.Timeouts#jdbcConnectionIdle} are closed with
     * their statements.
     */
    public static AvaticaEndpoint start(StatementExecutor executor, Authenticator authenticator, String host, int port,
            Path tlsCert, Path tlsKey, GatewayConfig.Timeouts timeouts) {
        RequestIdentity identity = new RequestIdentity(authenticator);
        AsofMeta meta = new AsofMeta(executor, identity, timeouts.resultIdle(), timeouts.jdbcConnectionIdle());
        try {
            SslContext tls = tlsCert == null ? null
                    // tcnative is excluded from the build: the JDK's TLS implementation serves.
                    : SslContextBuilder.forServer(tlsCert.toFile(), tlsKey.toFile()).sslProvider(SslProvider.JDK).build();
            AvaticaHttpServer server = AvaticaHttpServer.start(new AsofService(meta), identity, meta::runsInProcess, tls,
                    host, port, AvaticaHttpServer.Limits.defaults());
            return new AvaticaEndpoint(server, meta);
        } catch (RuntimeException | javax.net.ssl.SSLException e) {
            meta.close();
            throw new IllegalStateException("cannot serve JDBC on " + host + ":" + port + ": " + rootMessage(e), e);
        }
    }

    /** The bound port (the free port chosen when started with port 0). */
    public int port() {
        return server.port();
    }

    /** Stops accepting connections, then cancels running statements and releases their cursors. */
    @Override
    public void close() {
        try {
            server.close();
        } finally {
            meta.close();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
