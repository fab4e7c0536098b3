package dev.asof.flight;

import dev.asof.gateway.execution.StatementExecutor;
import java.time.Duration;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions that own uploaded tables. A session's tables live in the warehouse schema
 * {@code <catalog>.asof_session_<id>} (id lower-cased, '-' as '_'), created on its first upload and
 * dropped when the session has been idle for {@link #idleTimeout} or the endpoint stops. Leftovers
 * from a gateway that did not stop cleanly are dropped at start.
 */
final class FlightSessions {
    static final String SCHEMA_PREFIX = "asof_session_";
    private static final Logger LOG = LoggerFactory.getLogger(FlightSessions.class);

    private final StatementExecutor executor;
    private final Duration idleTimeout;
    private final Map<String, Long> lastUsed = new ConcurrentHashMap<>();

    FlightSessions(StatementExecutor executor, Duration idleTimeout) {
        this.executor = executor;
        this.idleTimeout = idleTimeout;
    }

    static String schemaName(String sessionId) {
        return SCHEMA_PREFIX + sessionId.toLowerCase(Locale.ROOT).replace('-', '_');
    }

    SchemaName schemaPath(String sessionId) {
        return new SchemaName(executor.defaultCatalog(), schemaName(sessionId));
    }

    /** Schemas searched first for unqualified names in this session (its own, once it uploaded). */
    List<SchemaName> searchPath(String sessionId) {
        if (lastUsed.computeIfPresent(sessionId, (k, v) -> System.nanoTime()) == null) {
            return List.of();
        }
        return List.of(schemaPath(sessionId));
    }

    /** Creates the session's schema if needed; returns it. */
    SchemaName ensureSchema(String sessionId) {
        SchemaName path = schemaPath(sessionId);
        lastUsed.compute(sessionId, (k, v) -> {
            if (v == null) {
                executor.warehouse().createSchema(path);
            }
            return System.nanoTime();
        });
        return path;
    }

    /** True if {@code schema} is a session schema that does not belong to {@code sessionId}. */
    boolean isForeign(String schema, String sessionId) {
        return schema.startsWith(SCHEMA_PREFIX) && !schema.equals(schemaName(sessionId));
    }

    /** Drops the schemas of sessions idle longer than the timeout. */
    void sweep() {
        long now = System.nanoTime();
        for (Map.Entry<String, Long> e : List.copyOf(lastUsed.entrySet())) {
            if (now - e.getValue() > idleTimeout.toNanos()) {
                drop(e.getKey());
            }
        }
    }

    void drop(String sessionId) {
        lastUsed.computeIfPresent(sessionId, (k, v) -> {
            try {
                executor.warehouse().dropSchema(schemaPath(k));
            } catch (RuntimeException ex) {
                LOG.warn("could not drop session schema {}: {}", schemaName(k), ex.getMessage());
            }
            return null;
        });
    }

    /** Drops every session schema in the warehouse, including those of earlier runs. */
    void dropAll() {
        lastUsed.keySet().forEach(this::drop);
        List<SchemaName> leftovers = new ArrayList<>();
        try {
            for (TableName t : executor.warehouseTables()) {
                SchemaName schema = t.schemaName();
                if (schema.catalog().equals(executor.defaultCatalog()) && schema.schema().startsWith(SCHEMA_PREFIX)
                        && !leftovers.contains(schema)) {
                    leftovers.add(schema);
                }
            }
            for (SchemaName s : leftovers) {
                executor.warehouse().dropSchema(s);
            }
        } catch (RuntimeException ex) {
            LOG.warn("could not drop leftover session schemas: {}", ex.getMessage());
        }
    }
}
