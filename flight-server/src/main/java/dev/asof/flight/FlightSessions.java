package dev.asof.flight;

import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.metadata.UploadSchemas;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions that own uploaded tables. A session's tables live in its upload schema
 * {@code <catalog>.asof_session_<id>} ({@link UploadSchemas}), created on its first upload and
 * dropped when the session has been idle for {@link #idleTimeout} or the endpoint stops. Leftovers
 * from a gateway that did not stop cleanly are dropped at start. Creating or dropping a schema
 * invalidates the gateway's warehouse metadata cache.
 */
final class FlightSessions {
    private static final Logger LOG = LoggerFactory.getLogger(FlightSessions.class);

    private final StatementExecutor executor;
    private final Duration idleTimeout;
    private final Map<String, Long> lastUsed = new ConcurrentHashMap<>();

    FlightSessions(StatementExecutor executor, Duration idleTimeout) {
        this.executor = executor;
        this.idleTimeout = idleTimeout;
        // Sessions known here are those holding uploads: the ones with state on the gateway.
        executor.metrics().sessions("flight", lastUsed::size);
    }

    SchemaName schemaPath(String sessionId) {
        return new SchemaName(executor.defaultCatalog(), UploadSchemas.schemaName(sessionId));
    }

    /**
     * Schemas searched first for unqualified names in this session, and the only upload schema it
     * may see: its own, once it uploaded. Counts as activity of the session.
     */
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
                try {
                    executor.warehouse().createSchema(path);
                } finally {
                    executor.metadataCache().invalidate();
                }
            }
            return System.nanoTime();
        });
        return path;
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
                LOG.warn("could not drop session schema {}: {}", UploadSchemas.schemaName(k), ex.getMessage());
            } finally {
                executor.metadataCache().invalidate();
            }
            return null;
        });
    }

    /** Drops every upload schema in the warehouse, including those of earlier runs. */
    void dropAll() {
        lastUsed.keySet().forEach(this::drop);
        List<SchemaName> leftovers = new ArrayList<>();
        try {
            // Asks the warehouse itself: the cache may not know schemas made by an earlier process.
            for (TableName t : executor.warehouse().listTables()) {
                SchemaName schema = t.schemaName();
                if (schema.catalog().equals(executor.defaultCatalog()) && UploadSchemas.isUploadSchema(schema.schema())
                        && !leftovers.contains(schema)) {
                    leftovers.add(schema);
                }
            }
            for (SchemaName s : leftovers) {
                executor.warehouse().dropSchema(s);
            }
        } catch (RuntimeException ex) {
            LOG.warn("could not drop leftover session schemas: {}", ex.getMessage());
        } finally {
            executor.metadataCache().invalidate();
        }
    }
}
