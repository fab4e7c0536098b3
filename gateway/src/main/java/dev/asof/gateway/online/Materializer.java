package dev.asof.gateway.online;

import dev.asof.gateway.registry.MaterializationLog;
import dev.asof.gateway.registry.Registry;
import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.online.KeyTypes;
import dev.asof.planner.pit.MaterializationQueries;
import dev.asof.planner.plan.GeneratedQuery;
import dev.asof.planner.sql.EngineDialect;
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
    /**
     * How long after its TTL a record may stay in the store. Lookups check the TTL exactly, so
     * store expiry only frees space; the slack keeps it from ever running ahead of the gateway's
     * clock (whole-second store clocks, clock skew between hosts).
     */
    private static final Duration EXPIRY_SLACK = Duration.ofHours(1);

    private final OnlineStore store;
    private final OnlineState state;
    private final Registry registry;
    private final MaterializationLog log;
    private final WarehouseConnector warehouse;
    private final EngineDialect dialect;
    private final Clock clock;
    private final Clock systemClock = Clock.systemUTC();
    private final ConcurrentMap<Long, Boolean> running = new ConcurrentHashMap<>();

    Materializer(OnlineStore store, OnlineState state, Registry registry, WarehouseConnector warehouse,
            EngineDialect dialect, Clock clock) {
        this.store = store;
        this.state = state;
        this.registry = registry;
        this.log = registry.materializations();
        this.warehouse = warehouse;
        this.dialect = dialect;
        this.clock = clock;
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
        ViewRuns runs = state.runs(viewId);
        Optional<Instant> changesAfter = changesAfter(view, runs, from, asOf);

        MaterializationLog.Run run = log.start(viewId, view.name(), changesAfter, asOf, started);
        long done = 0;
        try {
            MaterializationQueries queries = new MaterializationQueries(catalog, dialect);
            long total = count(queries.changedKeyCount(view, changesAfter, asOf), control);
            log.progress(viewId, run.runId(), Optional.of(total), 0);
            done = write(view, viewId, runs, run.runId(), queries.latestValues(view, changesAfter, asOf), total, control);
            Instant finished = clock.instant();
            log.complete(viewId, run.runId(), done, finished);
            state.completed(viewId, run.runId(), asOf);
            return new OnlineServing.RunSummary(view.name(), run.runId(), changesAfter, asOf, done, Duration.between(started, finished));
        } catch (RuntimeException e) {
            String message = control.isCancelled() ? "cancelled" : messageOf(e);
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

    private long write(FeatureView view, long viewId, ViewRuns runs, long runId, GeneratedQuery query, long total,
            QueryControl control) {
        int keyCount = keyCount(view);
        int columns = view.features().size();
        long done = 0;
        Instant lastProgress = clock.instant();
        try (RowCursor cursor = warehouse.executeQuery(query.sql(), List.of(), control)) {
            int eventColumn = eventColumn(cursor);
            List<byte[]> keys = new ArrayList<>(CHUNK);
            List<byte[]> payloads = new ArrayList<>(CHUNK);
            boolean more = true;
            while (more) {
                more = cursor.next();
                if (more) {
                    List<Object> key = new ArrayList<>(keyCount);
                    List<Object> values = new ArrayList<>(columns);
                    for (int c = 0; c < columns; c++) {
                        Object v = cursor.value(c);
                        values.add(v);
                        if (c < keyCount) {
                            key.add(KeyTypes.canonical(v, view.features().get(c).type().jdbcType()));
                        }
                    }
                    keys.add(OnlineRecords.key(viewId, key));
                    payloads.add(OnlineRecords.latestValue(micros(cursor.value(eventColumn)), values));
                }
                if (keys.size() == CHUNK || !more && !keys.isEmpty()) {
                    if (control.isCancelled()) {
                        throw new ConnectorException("cancelled", null, true);
                    }
                    writeChunk(view, runs, runId, keys, payloads);
                    done += keys.size();
                    keys.clear();
                    payloads.clear();
                    Instant now = clock.instant();
                    if (Duration.between(lastProgress, now).compareTo(PROGRESS_INTERVAL) >= 0) {
                        log.progress(viewId, runId, Optional.of(Math.max(total, done)), done);
                        lastProgress = now;
                    }
                }
            }
        }
        return done;
    }

    private void writeChunk(FeatureView view, ViewRuns runs, long runId, List<byte[]> keys, List<byte[]> payloads) {
        List<byte[]> existing = store.getAll(keys);
        List<OnlineRecord> records = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            byte[] value = OnlineRecords.withRun(existing.get(i), runs, runId, payloads.get(i));
            records.add(new OnlineRecord(keys.get(i), value, expiresAt(view, value)));
        }
        store.putAll(records);
    }

    /**
     * A record may go once every version it holds is past the TTL; never for views without one.
     * Stores expire records by their own (system) clock, so the time left is measured on the
     * gateway's clock and then placed on the system clock; they are the same outside tests.
     */
    private Optional<Instant> expiresAt(FeatureView view, byte[] record) {
        if (view.ttl().isEmpty()) {
            return Optional.empty();
        }
        long newest = Long.MIN_VALUE;
        for (OnlineRecords.Version v : OnlineRecords.decode(record)) {
            newest = Math.max(newest, OnlineRecords.eventMicros(v.payload()));
        }
        Instant expiry = Instant.EPOCH.plus(newest, ChronoUnit.MICROS).plus(view.ttl().get());
        return Optional.of(systemClock.instant().plus(Duration.between(clock.instant(), expiry)).plus(EXPIRY_SLACK));
    }

    private static int eventColumn(RowCursor cursor) {
        for (int i = 0; i < cursor.columns().size(); i++) {
            if (cursor.columns().get(i).name().equalsIgnoreCase(MaterializationQueries.EVENT_COLUMN)) {
                return i;
            }
        }
        throw new IllegalStateException("materialization query lacks " + MaterializationQueries.EVENT_COLUMN);
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
