package dev.asof.connector.trino;

import dev.asof.spi.ConnectorContext;
import dev.asof.spi.SchemaName;
import dev.asof.spi.config.ConnectorConfig;
import dev.asof.spi.warehouse.WarehouseConnector;
import dev.asof.spi.warehouse.WarehouseConnectorFactory;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An existing Trino cluster as warehouse, {@code asof.warehouse=trino}. Keys (docs/trino.md):
 *
 * <ul>
 *   <li>{@code asof.trino.url} (required): {@code jdbc:trino://host:port};
 *   <li>{@code asof.trino.user}: the user queries run as ({@code asof});
 *   <li>{@code asof.trino.catalog}, {@code asof.trino.schema}: where unqualified names resolve;
 *   <li>{@code asof.trino.pool-size}: the most queries at once ({@code 8});
 *   <li>{@code asof.trino.query-timeout}: the longest a statement may run ({@code 30s}, {@code 10m});
 *   <li>{@code asof.trino.session.<property>}: Trino session properties for every query (not
 *       {@code time_zone}, which is always UTC);
 *   <li>{@code asof.trino.push-schema}: {@code catalog.schema}, a schema the gateway's user may
 *       create tables in and insert into, for the tables of push sources (none: no push sources).
 * </ul>
 */
public final class TrinoConnectorFactory implements WarehouseConnectorFactory {
    static final String URL = "url";
    static final String USER = "user";
    static final String CATALOG = "catalog";
    static final String SCHEMA = "schema";
    static final String POOL_SIZE = "pool-size";
    static final String QUERY_TIMEOUT = "query-timeout";
    static final String SESSION = "session.";
    static final String PUSH_SCHEMA = "push-schema";

    @Override
    public String name() {
        return "trino";
    }

    @Override
    public WarehouseConnector create(ConnectorConfig config, ConnectorContext context) {
        return TrinoConnector.open(settings(config));
    }

    /** The settings the keys describe; fails with a message naming the key. */
    public static TrinoSettings settings(ConnectorConfig config) {
        config.checkKnown(Set.of(URL, USER, CATALOG, SCHEMA, POOL_SIZE, QUERY_TIMEOUT, PUSH_SCHEMA), Set.of(SESSION));
        String url = config.required(URL, "jdbc:trino://host:port");
        String user = config.value(USER).orElse("asof");
        int poolSize = config.intValue(POOL_SIZE, 8, 1);
        Optional<Duration> timeout = config.duration(QUERY_TIMEOUT);
        Map<String, String> session = config.withPrefix(SESSION);
        for (String name : session.keySet()) {
            if (name.equalsIgnoreCase("time_zone")) {
                throw config.invalid(SESSION + name,
                        "cannot be set: asof runs Trino sessions in UTC (plain TIMESTAMP is UTC)");
            }
        }
        Optional<SchemaName> pushSchema = config.value(PUSH_SCHEMA).map(v -> schemaName(config, v));
        try {
            return new TrinoSettings(url, user, config.value(CATALOG), config.value(SCHEMA), session, poolSize, timeout,
                    pushSchema);
        } catch (IllegalArgumentException e) {
            throw config.invalid(e.getMessage());
        }
    }

    /** {@code catalog.schema}, lower case as Trino names them; both parts plain names (no dots, no quotes). */
    private static SchemaName schemaName(ConnectorConfig config, String value) {
        List<String> parts = List.of(value.trim().split("\\.", -1));
        if (parts.size() != 2 || parts.stream().anyMatch(p -> p.isBlank() || p.contains("\"") || !p.equals(p.trim()))) {
            throw config.invalid(PUSH_SCHEMA, "must be catalog.schema (e.g. hive.asof_push), not '" + value + "'");
        }
        return new SchemaName(parts.get(0).toLowerCase(Locale.ROOT), parts.get(1).toLowerCase(Locale.ROOT));
    }
}
