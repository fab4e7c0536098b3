package dev.asof.gateway.server.avatica;

import dev.asof.gateway.execution.StatementExecutor;
import java.util.List;
import org.apache.calcite.avatica.remote.Driver;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.server.HttpServer;
import org.apache.calcite.avatica.server.ServerCustomizer;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The JDBC endpoint: Avatica's protocol (protobuf over HTTP) served by Avatica's own server, with
 * {@link AsofMeta} doing the work. Clients connect with {@code jdbc:asof://host:port}.
 */
public final class AvaticaEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final AsofMeta meta;

    private AvaticaEndpoint(HttpServer server, AsofMeta meta) {
        this.server = server;
        this.meta = meta;
    }

    /**
     * Starts serving; returns once the port accepts connections.
     *
     * @param port TCP port, 0 for any free port
     */
    public static AvaticaEndpoint start(StatementExecutor executor, String host, int port) {
        AsofMeta meta = new AsofMeta(executor);
        ServerCustomizer<Server> bindHost = server -> {
            for (Connector c : server.getConnectors()) {
                if (c instanceof ServerConnector sc) {
                    sc.setHost(host);
                }
            }
        };
        HttpServer server = new HttpServer.Builder<Server>()
                .withHandler(new LocalService(meta), Driver.Serialization.PROTOBUF)
                .withPort(port)
                .withServerCustomizers(List.of(bindHost), Server.class)
                .build();
        try {
            server.start();
        } catch (RuntimeException e) {
            meta.close();
            throw new IllegalStateException("cannot serve JDBC on " + host + ":" + port + ": " + rootMessage(e), e);
        }
        return new AvaticaEndpoint(server, meta);
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.stop();
        meta.close();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
