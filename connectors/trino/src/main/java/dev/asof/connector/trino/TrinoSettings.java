package dev.asof.connector.trino;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.SchemaName;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How the gateway reaches an existing Trino cluster.
 *
 * @param url {@code jdbc:trino://host:port} (a catalog/schema path in the URL is allowed but
 *     {@link #catalog}/{@link #schema} are clearer)
 * @param user Trino user the gateway's queries run as
 * @param catalog default catalog for unqualified table names (may be empty)
 * @param schema default schema for unqualified table names (needs a catalog; may be empty)
 * @param sessionProperties Trino session properties set on every connection (e.g.
 *     {@code query_max_memory=4GB}); {@code time_zone} is always UTC and cannot be changed
 * @param poolSize maximum concurrent Trino queries from this gateway (HikariCP pool size)
 * @param queryTimeout limit of every statement's run time, unless the client sets a smaller one
 * @param pushSchema the writable schema that holds the tables of push sources (created if missing);
 *     empty when this gateway takes no push sources
 */
public record TrinoSettings(String url, String user, Optional<String> catalog, Optional<String> schema,
        Map<String, String> sessionProperties, int poolSize, Optional<Duration> queryTimeout,
        Optional<SchemaName> pushSchema) {
    public TrinoSettings {
        requireNonNull(url, "url");
        requireNonNull(pushSchema, "pushSchema");
        requireNonNull(user, "user");
        requireNonNull(catalog, "catalog");
        requireNonNull(schema, "schema");
        requireNonNull(sessionProperties, "sessionProperties");
        requireNonNull(queryTimeout, "queryTimeout");
        if (!url.startsWith("jdbc:trino:")) {
            throw new IllegalArgumentException("Trino URL must start with jdbc:trino:, not '" + url + "'");
        }
        if (user.isBlank()) {
            throw new IllegalArgumentException("Trino user must not be blank");
        }
        if (schema.isPresent() && catalog.isEmpty()) {
            throw new IllegalArgumentException("a Trino schema needs a catalog");
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("Trino pool size must be at least 1, not " + poolSize);
        }
        sessionProperties = Map.copyOf(new TreeMap<>(sessionProperties));
    }

    /** Settings without a push schema. */
    public TrinoSettings(String url, String user, Optional<String> catalog, Optional<String> schema,
            Map<String, String> sessionProperties, int poolSize, Optional<Duration> queryTimeout) {
        this(url, user, catalog, schema, sessionProperties, poolSize, queryTimeout, Optional.empty());
    }

    /** {@code url} as user {@code user}, no default catalog, pool of 8, no timeout. */
    public static TrinoSettings of(String url, String user) {
        return new TrinoSettings(url, user, Optional.empty(), Optional.empty(), Map.of(), 8, Optional.empty());
    }

    public TrinoSettings withCatalogSchema(String c, String s) {
        return new TrinoSettings(url, user, Optional.ofNullable(c), Optional.ofNullable(s), sessionProperties, poolSize,
                queryTimeout, pushSchema);
    }

    /** These settings with {@code schema} as the push schema. */
    public TrinoSettings withPushSchema(SchemaName schema) {
        return new TrinoSettings(url, user, catalog, this.schema, sessionProperties, poolSize, queryTimeout,
                Optional.of(schema));
    }
}
