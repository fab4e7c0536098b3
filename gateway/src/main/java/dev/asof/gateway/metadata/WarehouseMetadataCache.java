package dev.asof.gateway.metadata;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The warehouse's table list and the columns of its tables, shared by every statement's planning
 * and by the metadata listings of every protocol, so that a statement on a warm cache asks the
 * warehouse for nothing but its own query.
 *
 * <p>Answers are kept in a <em>generation</em>. {@link #invalidate()} ends the current one: the
 * gateway calls it after anything it runs that can change warehouse metadata (a statement passed
 * through to the warehouse, a bulk load, a session schema created or dropped). A generation also
 * ends {@link #ttl()} after it started, so changes made outside the gateway show within that time.
 * A warehouse call still running when its generation ends answers its caller but is not kept, so
 * nothing read before a change outlives the invalidation that follows it. Callers that miss the
 * same entry at once share one warehouse call; a failed call is not kept.
 *
 * <p>A TTL of zero turns caching off: every call asks the warehouse. Thread-safe.
 */
public final class WarehouseMetadataCache {
    private final WarehouseConnector warehouse;
    private final Duration ttl;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final AtomicReference<Generation> current = new AtomicReference<>();

    /**
     * @param ttl how long answers are kept at most (a duration; zero disables caching)
     */
    public WarehouseMetadataCache(WarehouseConnector warehouse, Duration ttl) {
        this(warehouse, ttl, System::nanoTime);
    }

    /** With a clock in nanoseconds (tests move time by hand). */
    WarehouseMetadataCache(WarehouseConnector warehouse, Duration ttl, LongSupplier nanoTime) {
        this.warehouse = requireNonNull(warehouse, "warehouse");
        this.ttl = requireNonNull(ttl, "ttl");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("metadata TTL must not be negative: " + ttl);
        }
        // Saturated: a TTL of centuries means "until invalidated", not an overflow.
        this.ttlNanos = ttl.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : ttl.toNanos();
    }

    /** How long answers are kept at most; zero when caching is off. */
    public Duration ttl() {
        return ttl;
    }

    /** Every table and view the warehouse exposes, fully qualified (immutable). */
    public List<TableName> tables() {
        if (ttl.isZero()) {
            return List.copyOf(warehouse.listTables());
        }
        return generation().tables.get(() -> List.copyOf(warehouse.listTables()));
    }

    /** Columns of a table (immutable), or empty if it does not exist. */
    public Optional<List<ColumnMetadata>> columns(TableName table) {
        requireNonNull(table, "table");
        if (ttl.isZero()) {
            return describe(table);
        }
        return generation().columns.computeIfAbsent(table, t -> new Memo<>()).get(() -> describe(table));
    }

    /** Forgets every answer: the next call asks the warehouse. */
    public void invalidate() {
        current.set(null);
    }

    private Optional<List<ColumnMetadata>> describe(TableName table) {
        return warehouse.describeTable(table).map(List::copyOf);
    }

    /** The live generation, starting a new one when there is none or the last one expired. */
    private Generation generation() {
        long now = nanoTime.getAsLong();
        while (true) {
            Generation g = current.get();
            if (g != null && now - g.startedNanos < ttlNanos) {
                return g;
            }
            Generation fresh = new Generation(now);
            // Compare-and-set against what was read: a generation made before an invalidation
            // that raced with us is never installed after it.
            if (current.compareAndSet(g, fresh)) {
                return fresh;
            }
        }
    }

    /** Answers read since one start (an invalidation or the expiry of the previous generation). */
    private static final class Generation {
        final long startedNanos;
        final Memo<List<TableName>> tables = new Memo<>();
        final Map<TableName, Memo<Optional<List<ColumnMetadata>>>> columns = new ConcurrentHashMap<>();

        Generation(long startedNanos) {
            this.startedNanos = startedNanos;
        }
    }

    /** One answer, computed by the first caller; callers that arrive meanwhile wait for it. */
    private static final class Memo<T> {
        private final AtomicReference<CompletableFuture<T>> value = new AtomicReference<>();

        T get(Supplier<T> load) {
            while (true) {
                CompletableFuture<T> f = value.get();
                if (f != null) {
                    return join(f);
                }
                CompletableFuture<T> mine = new CompletableFuture<>();
                if (!value.compareAndSet(null, mine)) {
                    continue;
                }
                try {
                    T v = load.get();
                    mine.complete(v);
                    return v;
                } catch (RuntimeException | Error e) {
                    value.compareAndSet(mine, null); // failures are not kept: the next caller retries
                    mine.completeExceptionally(e);
                    throw e;
                }
            }
        }

        private static <T> T join(CompletableFuture<T> f) {
            try {
                return f.join();
            } catch (CompletionException e) {
                // the loader's own exception, as the caller that ran it got it
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }
    }
}
