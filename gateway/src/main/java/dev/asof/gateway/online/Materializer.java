package dev.asof.gateway.online;

import dev.asof.gateway.observability.MaterializationMetrics;
import dev.asof.gateway.registry.MaterializationLog;
import dev.asof.gateway.registry.Registry;
import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.online.KeyTypes;
import dev.asof.planner.pit.MaterializationQueries;
import dev.asof.planner.plan.GeneratedQuery;
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.RowCursor;
import dev.asof.spi.online.OnlineRecord;
import dev.asof.spi.online.OnlineStore;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Runs MATERIALIZE for latest-value views: asks the warehouse for the view as of the run's time
 * (only the keys with changes since the last complete run, when there is one), and writes one
 * record per key to the online store as a new version next to the served one. The run becomes
 * visible to lookups only when every record is written and the run is logged complete; a run that
 * fails or is cancelled half-way leaves lookups on the previous complete run.
 */
final class Materializer {
    /** Records per store round trip. */
    private static final int CHUNK = 1_000;
    private static final Duration PROGRESS_INTERVAL = Duration.ofMillis(250);

    private final OnlineStore store;
    private final OnlineState state;
    private final Registry registry;
    private final MaterializationLog log;
    private final WarehouseConnector warehouse;
    private final EngineDialect dialect;
    private final Clock clock;
    private final StoreExpiry expiry;
    private final ConcurrentMap<Long, Boolean> running = new ConcurrentHashMap<>();
    private final MaterializationMetrics metrics;

    Materializer(OnlineStore store, OnlineState state, Registry registry, WarehouseConnector warehouse,
            EngineDialect dialect, Clock clock, MaterializationMetrics metrics) {
        this.metrics = metrics;
        this.store = store;
        this.state = state;
        this.registry = registry;
        this.log = registry.materializations();
        this.warehouse = warehouse;
        this.dialect = dialect;
        this.clock = clock;
        this.expiry = new StoreExpiry(clock);
    }

    OnlineServing.RunSummary run(FeatureView view, Catalog catalog, Optional<Instant> from, Optional<Instant> to, QueryControl control) {
        long viewId = registry.objectId(view.name()).orElseThrow(() -> new AsofException(ErrorCode.UNKNOWN_OBJECT,
                "feature view '" + view.name() + "' not found"));
        if (running.putIfAbsent(viewId, Boolean.TRUE) != null) {
            throw new AsofException(ErrorCode.INVALID_QUERY, "a materialization of '" + view.name()
                    + "' is already running; wait for it (see sys.materializations)");
        }
        try {
            return runExclusive(view, viewId, catalog, from, to, control);
        } finally {
            running.remove(viewId);
        }
    }

    private OnlineServing.RunSummary runExclusive(FeatureView view, long viewId, Catalog catalog, Optional<Instant> from,
            Optional<Instant> to, QueryControl control) {
        Instant started = clock.instant();
        Instant asOf = to.orElse(started).truncatedTo(ChronoUnit.MICROS);
        // From the log, not the cache: another gateway sharing the registry may have run it since.
        ViewRuns runs = state.reload(viewId);
        Optional<Instant> changesAfter = changesAfter(view, runs, from, asOf);

        MaterializationLog.Run run = log.start(viewId, view.name(), changesAfter, asOf, started, runs.committedRun())
                .orElseThrow(() -> new AsofException(ErrorCode.INVALID_QUERY, "another gateway completed a"
                        + " materialization of '" + view.name() + "' while this one started; run MATERIALIZE again"));
        long done = 0;
        long startNanos = System.nanoTime();
        try {
            MaterializationQueries queries = new MaterializationQueries(catalog, dialect);
            boolean windowed = view.windowed();
            long total = count(windowed ? queries.windowKeyCount(view, changesAfter, asOf)
                    : queries.changedKeyCount(view, changesAfter, asOf), control);
            log.progress(viewId, run.runId(), Optional.of(total), 0);
            Batch batch = new Batch(runs, run.runId(), new Progress(viewId, run.runId(), total), control);
            done = windowed
                    ? writeTiles(view, viewId, batch, queries.windowRows(view, changesAfter, asOf), control)
                    : write(view, viewId, batch, queries.latestValues(view, changesAfter, asOf), control);
            Instant finished = clock.instant();
            log.complete(viewId, run.runId(), done, finished, batch.newestEvent());
            state.completed(viewId, run.runId(), asOf);
            metrics.completed(view.name(), Duration.ofNanos(System.nanoTime() - startNanos), done);
            return new OnlineServing.RunSummary(view.name(), run.runId(), changesAfter, asOf, done, Duration.between(started, finished));
        } catch (RuntimeException e) {
            String message = control.isCancelled() ? "cancelled" : messageOf(e);
            metrics.failed(view.name(), Duration.ofNanos(System.nanoTime() - startNanos));
            state.failed(viewId, run.runId());
            log.fail(viewId, run.runId(), done, clock.instant(), message);
            if (control.isCancelled()) {
                throw new AsofException(ErrorCode.CANCELLED, "materialization of '" + view.name()
                        + "' cancelled; lookups still serve the previous complete run");
            }
            if (e instanceof AsofException a) {
                throw a;
            }
            throw new AsofException(ErrorCode.ENGINE_ERROR, "materialization of '" + view.name() + "' failed ("
                    + message + "); lookups still serve the previous complete run");
        }
    }

    /**
     * Changes to apply: since the given FROM, else since the last complete run; everything on the
     * first run. Online values never move back in time, and a FROM after the watermark would skip
     * changes, so both are refused.
     */
    private static Optional<Instant> changesAfter(FeatureView view, ViewRuns runs, Optional<Instant> from, Instant asOf) {
        if (runs.watermark().isEmpty()) {
            return Optional.empty();
        }
        Instant watermark = runs.watermark().get();
        if (asOf.isBefore(watermark)) {
            throw new AsofException(ErrorCode.INVALID_QUERY, "MATERIALIZE " + view.name() + " TO " + asOf
                    + " is before the last complete run's time " + watermark + "; online values never go back in time");
        }
        if (from.isPresent() && from.get().isAfter(watermark)) {
            throw new AsofException(ErrorCode.INVALID_QUERY, "MATERIALIZE " + view.name() + " FROM " + from.get()
                    + " is after the last complete run's time " + watermark + "; changes in between would be missed");
        }
        return Optional.of(from.orElse(watermark));
    }

    private long count(GeneratedQuery query, QueryControl control) {
        try (RowCursor cursor = warehouse.executeQuery(query.sql(), List.of(), control)) {
            cursor.next();
            return ((Number) cursor.value(0)).longValue();
        }
    }

    private long write(FeatureView view, long viewId, Batch batch, GeneratedQuery query, QueryControl control) {
        int keyCount = keyCount(view);
        int columns = view.features().size();
        try (RowCursor cursor = warehouse.executeQuery(query.sql(), List.of(), control)) {
            int eventColumn = column(cursor, MaterializationQueries.EVENT_COLUMN);
            while (cursor.next()) {
                List<Object> key = new ArrayList<>(keyCount);
                List<Object> values = new ArrayList<>(columns);
                for (int c = 0; c < columns; c++) {
                    Object v = cursor.value(c);
                    values.add(v);
                    if (c < keyCount) {
                        key.add(KeyTypes.canonical(v, view.features().get(c).type().jdbcType()));
                    }
                }
                long event = micros(cursor.value(eventColumn));
                batch.event(event);
                batch.add(OnlineRecords.key(viewId, key), OnlineRecords.latestValue(event, values),
                        expiresAt(view.ttl().map(ttl -> Instant.EPOCH.plus(event, ChronoUnit.MICROS).plus(ttl))));
            }
        }
        return batch.finish();
    }

    /** Windowed views: the rows of each key's longest window, grouped by key into tiles. */
    private long writeTiles(FeatureView view, long viewId, Batch batch, GeneratedQuery query, QueryControl control) {
        int keyCount = keyCount(view);
        int arguments = view.features().size() - keyCount;
        try (RowCursor cursor = warehouse.executeQuery(query.sql(), List.of(), control)) {
            int event = column(cursor, MaterializationQueries.ROW_EVENT);
            int created = column(cursor, MaterializationQueries.ROW_CREATED);
            List<Object> currentKey = null;
            WindowTiles tiles = null;
            while (cursor.next()) {
                List<Object> key = new ArrayList<>(keyCount);
                for (int c = 0; c < keyCount; c++) {
                    key.add(cursor.value(c));
                }
                if (!key.equals(currentKey)) {
                    if (tiles != null) {
                        batch.add(tileKey(view, viewId, currentKey), tiles.encode(), tileExpiry(tiles));
                    }
                    currentKey = key;
                    tiles = new WindowTiles(view, keyCount, key);
                }
                List<Object> args = new ArrayList<>(arguments);
                for (int a = 0; a < arguments; a++) {
                    args.add(cursor.value(created + 1 + a));
                }
                long eventMicros = micros(cursor.value(event));
                batch.event(eventMicros);
                tiles.add(eventMicros, micros(cursor.value(created)), args);
            }
            if (tiles != null) {
                batch.add(tileKey(view, viewId, currentKey), tiles.encode(), tileExpiry(tiles));
            }
        }
        return batch.finish();
    }

    private static byte[] tileKey(FeatureView view, long viewId, List<Object> key) {
        List<Object> canonical = new ArrayList<>(key.size());
        for (int c = 0; c < key.size(); c++) {
            canonical.add(KeyTypes.canonical(key.get(c), view.features().get(c).type().jdbcType()));
        }
        return OnlineRecords.key(viewId, canonical);
    }

    private Optional<Instant> tileExpiry(WindowTiles tiles) {
        return expiresAt(Optional.of(Instant.EPOCH.plus(tiles.expiryMicros(), ChronoUnit.MICROS)));
    }

    /** Where a run's progress goes. */
    private record Progress(long viewId, long runId, long total) {}

    /** Records waiting to be written, {@value #CHUNK} per store round trip. */
    private final class Batch {
        private final ViewRuns runs;
        private final long runId;
        private final Progress progress;
        private final QueryControl control;
        private final List<byte[]> keys = new ArrayList<>(CHUNK);
        private final List<byte[]> payloads = new ArrayList<>(CHUNK);
        private final List<Optional<Instant>> expiries = new ArrayList<>(CHUNK);
        private long done;
        private long newestEvent = Long.MIN_VALUE;
        private boolean anyEvent;
        private Instant lastProgress = clock.instant();

        Batch(ViewRuns runs, long runId, Progress progress, QueryControl control) {
            this.runs = runs;
            this.runId = runId;
            this.progress = progress;
            this.control = control;
        }

        void add(byte[] key, byte[] payload, Optional<Instant> expiresAt) {
            keys.add(key);
            payloads.add(payload);
            expiries.add(expiresAt);
            if (keys.size() == CHUNK) {
                flush();
            }
        }

        /** Notes the event time (µs since the epoch) of a row written. */
        void event(long micros) {
            anyEvent = true;
            newestEvent = Math.max(newestEvent, micros);
        }

        /** The newest event time of the rows written; empty when none was. */
        Optional<Instant> newestEvent() {
            return anyEvent ? Optional.of(Instant.EPOCH.plus(newestEvent, ChronoUnit.MICROS)) : Optional.empty();
        }

        long finish() {
            if (!keys.isEmpty()) {
                flush();
            }
            return done;
        }

        private void flush() {
            if (control.isCancelled()) {
                throw new ConnectorException("cancelled", null, true);
            }
            // Conditional: a push applier (of any gateway) may change the served version meanwhile.
            // A newer run's value is never served for less long than the one it keeps: its expiry covers both.
            RecordUpdates.update(store, keys, (i, existing) -> Optional.of(new OnlineRecord(keys.get(i),
                    OnlineRecords.withRun(existing, runs, runId, payloads.get(i)), expiries.get(i))));
            done += keys.size();
            keys.clear();
            payloads.clear();
            expiries.clear();
            Instant now = clock.instant();
            if (Duration.between(lastProgress, now).compareTo(PROGRESS_INTERVAL) >= 0) {
                log.progress(progress.viewId(), progress.runId(), Optional.of(Math.max(progress.total(), done)), done);
                lastProgress = now;
            }
        }
    }

    private Optional<Instant> expiresAt(Optional<Instant> end) {
        return expiry.at(end);
    }

    private static int column(RowCursor cursor, String name) {
        for (int i = 0; i < cursor.columns().size(); i++) {
            if (cursor.columns().get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new IllegalStateException("materialization query lacks " + name);
    }

    /** The event instant as µs since the epoch; engines return it as a number or a zoned timestamp. */
    private static long micros(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof OffsetDateTime t) {
            return ChronoUnit.MICROS.between(Instant.EPOCH, t.toInstant());
        }
        throw new IllegalStateException("unexpected event instant " + value);
    }

    private int keyCount(FeatureView view) {
        return registry.get(view.entity())
                .map(e -> e.columns().size())
                .orElseThrow(() -> new AsofException(ErrorCode.UNKNOWN_OBJECT, "entity '" + view.entity()
                        + "' of feature view '" + view.name() + "' no longer exists"));
    }

    private static String messageOf(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
