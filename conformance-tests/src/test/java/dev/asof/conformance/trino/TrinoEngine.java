package dev.asof.conformance.trino;

import dev.asof.conformance.TempDirGatewayEngine;
import dev.asof.connector.trino.TestingTrinoServer;
import dev.asof.gateway.GatewayConfig;
import java.nio.file.Path;
import java.sql.JDBCType;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A gateway whose warehouse is the shared test Trino ({@link TestingTrinoServer}); tables live in
 * the {@code memory} catalog. The registry is the embedded one, in a temp directory that survives
 * {@link #restartGateway()}.
 */
public final class TrinoEngine extends TempDirGatewayEngine {
    /** The Trino user of the gateways the suites start. */
    public static final String USER = "asof-test";

    private final TestingTrinoServer server;
    private final Optional<Duration> queryTimeout;
    private final String user;
    private final Optional<Duration> metadataTtl;
    private final String pushSchema = "memory." + uniquePushSchema();

    public TrinoEngine() {
        this(Optional.empty());
    }

    public TrinoEngine(Optional<Duration> queryTimeout) {
        this(queryTimeout, USER, Optional.empty());
    }

    /**
     * @param user the Trino user the gateway connects as (tests that count a gateway's queries in
     *     {@code system.runtime.queries} give it a user of its own)
     * @param metadataTtl the gateway's {@code asof.metadata.ttl}; empty keeps the default
     */
    public TrinoEngine(Optional<Duration> queryTimeout, String user, Optional<Duration> metadataTtl) {
        super("asof-conformance-trino-");
        server = TestingTrinoServer.shared();
        this.queryTimeout = queryTimeout;
        this.user = user;
        this.metadataTtl = metadataTtl;
        start();
    }

    /**
     * Keys of the gateway's Trino connector ({@code asof.trino.*}): its user, catalog memory, schema
     * default, and a push schema of this engine's own in memory.
     */
    public Map<String, String> properties() {
        Map<String, String> p = new HashMap<>(Map.of("url", server.jdbcUrl(), "user", user, "catalog", "memory",
                "schema", "default", "pool-size", "4", "push-schema", pushSchema));
        queryTimeout.ifPresent(t -> p.put("query-timeout", t.toMillis() + "ms"));
        return p;
    }

    /**
     * {@code base} with the shared test Trino as warehouse, as {@link #USER}, tables of push sources
     * in {@code memory.<pushSchema>}, for tests that start gateways of their own.
     */
    public static GatewayConfig warehouse(GatewayConfig base, String pushSchema) {
        return base.withWarehouse("trino", Map.of("url", TestingTrinoServer.shared().jdbcUrl(), "user", USER,
                "catalog", "memory", "schema", "default", "pool-size", "4", "push-schema", "memory." + pushSchema));
    }

    /** A schema name no other test uses, for push tables ({@code asof_push_<random>}). */
    public static String uniquePushSchema() {
        return "asof_push_" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
    }

    /** {@code base} with this Trino as warehouse (and this engine's metadata TTL, if it has one). */
    public GatewayConfig configure(GatewayConfig base) {
        GatewayConfig config = base.withWarehouse("trino", properties());
        return metadataTtl.map(config::withMetadataTtl).orElse(config);
    }

    @Override
    protected GatewayConfig config(Path dataDir) {
        return configure(GatewayConfig.embedded(dataDir));
    }

    public TestingTrinoServer server() {
        return server;
    }

    @Override
    public String catalog() {
        return "memory";
    }

    @Override
    public String offlineRoute() {
        return "offline: trino";
    }

    /** Trino's plain TIMESTAMP is millisecond precision; asof's tests use microseconds. */
    @Override
    public String sqlType(JDBCType type) {
        return switch (type) {
            case TIMESTAMP -> "TIMESTAMP(6)";
            case TIMESTAMP_WITH_TIMEZONE -> "TIMESTAMP(6) WITH TIME ZONE";
            default -> super.sqlType(type);
        };
    }
}
