package dev.asof.gateway.online;

import dev.asof.gateway.quality.FeatureLog;
import dev.asof.gateway.registry.Registry;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.online.KeyTypes;
import dev.asof.planner.plan.LookupPlan;
import dev.asof.spi.online.OnlineStore;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a {@link LookupPlan}: binds the key values, reads every (view, key) record in one batched
 * round trip, and evaluates them at the time of the lookup exactly as the warehouse path does AS
 * OF that time: a latest value whose event time is before {@code now - ttl} is not served; a
 * windowed feature merges the tiles of its window at now.
 */
final class LookupExecutor {
    private final OnlineStore store;
    private final OnlineState state;
    private final Registry registry;
    private final Clock clock;
    private final FeatureLog log;

    LookupExecutor(OnlineStore store, OnlineState state, Registry registry, Clock clock, FeatureLog log) {
        this.log = log;
        this.store = store;
        this.state = state;
        this.registry = registry;
        this.clock = clock;
    }

    /**
     * The lookup's rows, or empty when a view has no complete materialization yet (the caller
     * then asks the warehouse).
     */
    Optional<List<List<Object>>> execute(LookupPlan plan, List<Object> parameters) {
        List<FeatureView> views = plan.views();
        long[] viewIds = new long[views.size()];
        ViewRuns[] runs = new ViewRuns[views.size()];
        for (int v = 0; v < views.size(); v++) {
            viewIds[v] = currentId(views.get(v));
            runs[v] = state.runs(viewIds[v]);
            if (!runs[v].hasCompleteRun()) {
                return Optional.empty();
            }
        }
        List<List<Object>> tuples = bind(plan, parameters, views.get(0));
        List<byte[]> keys = new ArrayList<>(tuples.size() * views.size());
        for (List<Object> tuple : tuples) {
            for (long viewId : viewIds) {
                keys.add(OnlineRecords.key(viewId, tuple));
            }
        }
        long nowMicros = ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant());
        // Each record decoded where the store read it, not copied: a windowed record is large and a
        // lookup reads little of it.
        int perTuple = views.size();
        List<List<Object>> live = store.readAll(keys, (i, record) -> liveValues(record, runs[i % perTuple],
                views.get(i % perTuple), tuples.get(i / perTuple).size(), nowMicros));

        List<List<Object>> rows = new ArrayList<>(tuples.size());
        List<LookupPlan.Output> outputs = plan.outputs();
        for (int t = 0; t < tuples.size(); t++) {
            List<List<Object>> values = new ArrayList<>(views.size());
            boolean keep = true;
            for (int v = 0; v < views.size(); v++) {
                List<Object> row = live.get(t * views.size() + v);
                values.add(row);
                if (row == null && (v == 0 || !plan.leftJoin())) {
                    keep = false;
                }
            }
            if (!keep) {
                continue;
            }
            for (int v = 0; v < views.size(); v++) {
                if (values.get(v) != null && log.sampled(viewIds[v])) { // served-feature logging (LOG SAMPLE)
                    log.offer(views.get(v), viewIds[v], values.get(v), nowMicros);
                }
            }
            Object[] out = new Object[outputs.size()];
            for (int o = 0; o < out.length; o++) {
                List<Object> row = values.get(outputs.get(o).viewIndex());
                out[o] = row == null ? null : row.get(outputs.get(o).featureIndex());
            }
            rows.add(plan.row(out, parameters));
        }
        return Optional.of(rows);
    }

    /** The view's columns for a record, or null when it has no served, unexpired value. */
    private static List<Object> liveValues(ByteBuffer record, ViewRuns runs, FeatureView view, int keyCount,
            long nowMicros) {
        if (record == null) {
            return null;
        }
        ByteBuffer payload = OnlineRecords.servedPayload(record, runs);
        if (payload == null) {
            return null;
        }
        if (view.windowed()) {
            return WindowTiles.valuesAt(view, keyCount, payload, nowMicros);
        }
        if (view.ttl().isPresent()) {
            long ttlMicros = view.ttl().get().toNanos() / 1_000;
            // Same rule as offline: expired when e < T - ttl.
            if (OnlineRecords.eventMicros(payload) < nowMicros - ttlMicros) {
                return null;
            }
        }
        return OnlineRecords.readLatestValue(payload).values();
    }

    /** Distinct key tuples in the order written, each value in its canonical key form. */
    private static List<List<Object>> bind(LookupPlan plan, List<Object> parameters, FeatureView view) {
        Set<List<Object>> tuples = new LinkedHashSet<>();
        for (List<LookupPlan.KeyValue> tuple : plan.keys()) {
            List<Object> bound = new ArrayList<>(tuple.size());
            for (int k = 0; k < tuple.size(); k++) {
                Object raw = tuple.get(k) instanceof LookupPlan.Parameter p
                        ? parameters.get(p.index())
                        : ((LookupPlan.Constant) tuple.get(k)).value();
                if (raw == null) {
                    // key = NULL is never true: no row for this tuple.
                    bound = null;
                    break;
                }
                try {
                    bound.add(KeyTypes.canonical(raw, view.features().get(k).type().jdbcType()));
                } catch (IllegalArgumentException e) {
                    throw new AsofException(ErrorCode.INVALID_PARAMETER, "key " + view.features().get(k).name()
                            + ": " + e.getMessage());
                }
            }
            if (bound != null) {
                tuples.add(bound);
            }
        }
        return new ArrayList<>(tuples);
    }

    /**
     * Whether {@link #execute} would answer from the store alone right now, reading nothing else but
     * memory: every view of the plan is still the planned definition and its complete runs are
     * known in memory (otherwise execution reads the materialization log, or the caller asks the
     * warehouse).
     */
    boolean servedFromMemory(LookupPlan plan) {
        for (FeatureView view : plan.views()) {
            Optional<CatalogObject> current = registry.get(view.name());
            Optional<Long> id = registry.objectId(view.name());
            if (current.isEmpty() || current.get() != view && !current.get().equals(view) || id.isEmpty()) {
                return false;
            }
            ViewRuns runs = state.cachedRuns(id.get());
            if (runs == null || !runs.hasCompleteRun()) {
                return false;
            }
        }
        return true;
    }

    /** The registry id of the view definition the plan was made for; fails if it changed since. */
    private long currentId(FeatureView planned) {
        Optional<CatalogObject> current = registry.get(planned.name());
        if (current.isEmpty() || !(current.get() == planned || current.get().equals(planned))) {
            throw new AsofException(ErrorCode.INVALID_QUERY, "feature view '" + planned.name()
                    + "' was dropped or redefined after this statement was prepared; prepare it again");
        }
        return registry.objectId(planned.name()).orElseThrow();
    }
}
