package dev.asof.gateway.push;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * The idempotency keys of one push source accepted most recently: at most {@link #WINDOW} of them,
 * the oldest forgotten first. A row whose key is here is a duplicate. Loaded from the source's
 * warehouse table (its last {@link #WINDOW} rows by sequence in this gateway's node range) when
 * first needed after a start, so the window survives restarts.
 *
 * <p>Per gateway: a key is checked against the keys this gateway's log accepted, not against other
 * gateways'. Checking across gateways before acknowledging would put a shared round trip (and a
 * claim that must not outlive a crash before the row is durable) into every group commit; clients
 * that retry a push send it to the same gateway (the load balancer keeps a connection on one),
 * and a retry after that gateway died may be stored once more. Used by the ingest thread only.
 */
final class IdempotencyKeys {
    /** Keys remembered per source: a duplicate arriving after this many newer keys is stored again. */
    static final int WINDOW = 1_000_000;

    private final LinkedHashSet<Object> keys = new LinkedHashSet<>();
    private final int window;

    IdempotencyKeys(List<Object> recent, int window) {
        this.window = window;
        recent.forEach(this::add);
    }

    /** Adds {@code key}; false when it was already there (a duplicate). */
    boolean add(Object key) {
        if (!keys.add(normalize(key))) {
            return false;
        }
        if (keys.size() > window) {
            var it = keys.iterator();
            it.next();
            it.remove();
        }
        return true;
    }

    /** Forgets {@code key} (its row was not made durable after all). */
    void remove(Object key) {
        keys.remove(normalize(key));
    }

    /** Integers of any width compare as one key (1 from the log and 1L from the warehouse). */
    private static Object normalize(Object key) {
        if (key instanceof Integer || key instanceof Short || key instanceof Byte) {
            return ((Number) key).longValue();
        }
        return key;
    }
}
