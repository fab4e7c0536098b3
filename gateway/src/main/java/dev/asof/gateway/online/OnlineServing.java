package dev.asof.gateway.online;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.observability.MaterializationMetrics;
import dev.asof.gateway.push.PushListener;
import dev.asof.gateway.push.WarehouseWatermark;
import dev.asof.gateway.quality.FeatureLog;
import dev.asof.gateway.registry.Registry;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.plan.LookupPlan;
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.spi.online.OnlineStore;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.WarehouseConnector;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The online side of the gateway: key lookups served from the online store and the
 * materialization runs that fill it. One per gateway; thread-safe.
 */
public final class OnlineServing implements AutoCloseable {
    private final OnlineStore store;
    private final LookupExecutor lookups;
    private final Materializer materializer;
    private final FeatureLog featureLog;
    private final PushApplier push;

    /** Rows pushed and not yet applied online before ingestion waits for the online store. */
    public static final int PUSH_QUEUE_ROWS = 100_000;

    /**
     * As {@link #OnlineServing(OnlineStore, Registry, WarehouseConnector, EngineDialect, Clock, MeterRegistry,
     * FeatureLog, WarehouseWatermark, int)} with meters and a served-feature log of its own, whose
     * figures nobody reads, and pushed rows in the warehouse before they are applied.
     */
    public OnlineServing(OnlineStore store, Registry registry, WarehouseConnector warehouse, EngineDialect dialect,
            Clock clock) {
        this(store, registry, warehouse, dialect, clock, new SimpleMeterRegistry());
    }

    private OnlineServing(OnlineStore store, Registry registry, WarehouseConnector warehouse, EngineDialect dialect,
            Clock clock, MeterRegistry meters) {
        this(store, registry, warehouse, dialect, clock, meters, new FeatureLog(warehouse, registry, meters),
                WarehouseWatermark.SYNCHRONOUS, PUSH_QUEUE_ROWS);
    }

    /**
     * @param clock the time lookups apply the TTL at and MATERIALIZE without TO computes views as
     *     of; the system clock outside tests
     * @param meters where materialization runs are recorded ({@link MaterializationMetrics})
     * @param featureLog where sampled lookups are logged; closed with this
     * @param watermark how far pushed rows have reached the warehouse (rebuilds of views over push
     *     sources wait for it)
     * @param pushQueueRows rows pushed and not yet applied online before {@link PushListener#onDurable} waits
     */
    public OnlineServing(OnlineStore store, Registry registry, WarehouseConnector warehouse, EngineDialect dialect,
            Clock clock, MeterRegistry meters, FeatureLog featureLog, WarehouseWatermark watermark,
            int pushQueueRows) {
        this.featureLog = requireNonNull(featureLog, "featureLog");
        this.store = requireNonNull(store, "store");
        registry.materializations().failAbandonedRuns(clock.instant());
        OnlineState state = new OnlineState(registry.materializations());
        registry.onRemoteChange(state::forgetAll);
        this.lookups = new LookupExecutor(store, state, registry, clock, featureLog);
        this.materializer = new Materializer(store, state, registry, warehouse, dialect, clock,
                new MaterializationMetrics(meters));
        this.push = new PushApplier(store, state, materializer, registry, warehouse, dialect, clock, watermark,
                pushQueueRows);
    }

    /**
     * Applies pushed rows to the ONLINE views over push sources: the listener the ingest path tells
     * of durable batches, and where push sources are registered ({@link PushApplier#maintain}).
     */
    public PushApplier push() {
        return push;
    }

    /** The push state of an ONLINE view over a push source, for {@code sys.online_views}. */
    public Optional<PushStatus> pushStatus(String viewName) {
        return push.status(viewName);
    }

    /** {@code rocksdb}, {@code aerospike}: for EXPLAIN and messages. */
    public String storeName() {
        return store.storeName();
    }

    /**
     * Rows of a lookup, each value as the warehouse produced it at materialization; empty when a
     * view of the plan has no complete materialization (the warehouse must answer instead).
     *
     * @throws dev.asof.spi.ConnectorException when the store fails or times out
     */
    public Optional<List<List<Object>>> lookup(LookupPlan plan, List<Object> parameters) {
        return lookups.execute(plan, parameters);
    }

    /**
     * Whether {@link #lookup} of {@code plan} would now take about the time of a local read: the
     * store answers in this process ({@link OnlineStore#readsInProcess()}) and every view of the
     * plan is materialized and known in memory (no warehouse, no registry database on the way).
     */
    public boolean looksUpInProcess(LookupPlan plan) {
        return store.readsInProcess() && lookups.servedFromMemory(plan);
    }

    /** What a complete MATERIALIZE run did. */
    public record RunSummary(String view, long runId, Optional<Instant> changesAfter, Instant asOf, long rowsWritten,
            Duration duration) {}

    /**
     * Runs MATERIALIZE; returns once the run is complete and served. Fails if another run of the
     * view is in progress.
     *
     * @param from apply changes visible after this instant; empty: since the last complete run
     * @param to compute the view as of this instant; empty: now
     */
    public RunSummary materialize(FeatureView view, Catalog catalog, Optional<Instant> from, Optional<Instant> to,
            QueryControl control) {
        if (push.keeps(view)) {
            if (from.isPresent() || to.isPresent()) {
                throw new AsofException(ErrorCode.INVALID_QUERY, "'" + view.name() + "' is kept up to date from"
                        + " pushed rows: MATERIALIZE " + view.name() + " rebuilds it from the warehouse as of now and"
                        + " takes no FROM or TO");
            }
            return push.rebuild(view);
        }
        return materializer.run(view, catalog, from, to, control);
    }

    /** The served-feature log of the lookups. */
    public FeatureLog featureLog() {
        return featureLog;
    }

    @Override
    public void close() {
        push.close();
        featureLog.close(); // writes what is queued while the warehouse is still open
        store.close();
    }
}
