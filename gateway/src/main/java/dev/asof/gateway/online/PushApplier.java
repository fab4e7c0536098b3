package dev.asof.gateway.online;

import dev.asof.gateway.push.PushListener;
import dev.asof.gateway.push.PushedBatch;
import dev.asof.gateway.push.WarehouseWatermark;
import dev.asof.gateway.registry.Registry;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.pit.MaterializationQueries;
import dev.asof.planner.plan.GeneratedQuery;
import dev.asof.spi.RowCursor;
import dev.asof.spi.online.OnlineStore;
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.spi.warehouse.WarehouseConnector;
import dev.asof.spi.warehouse.QueryControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the ONLINE views over push sources up to date as pushed rows become durable.
 *
 * <p>{@link #onDurable} only queues the batch: the ingest thread waits for the online store only
 * when {@code capacityRows} rows are already queued (back-pressure: ingestion slows to what the
 * store absorbs instead of the gateway buffering without bound). One applier thread takes
 * whatever is queued as a micro-batch (up to {@value #ROUND_ROWS} rows; it waits at most
 * {@value #IDLE_POLL_MILLIS} ms when idle) and, per view over the batch's source, reads the
 * touched keys' records in one round trip, applies the rows and writes them back in one more.
 * Each record is written only at the version it was read at, and read and changed again when
 * another writer (another gateway's applier, a MATERIALIZE run) changed it meanwhile, so gateways
 * sharing one store lose none of each other's updates ({@link RecordUpdates}).
 *
 * <p><b>Exactly once.</b> A view starts (at gateway start, when created, or on MATERIALIZE) by a
 * rebuild from the warehouse, which holds the truth: rows arriving meanwhile are set aside; the
 * rebuild picks a time W, waits until the warehouse holds every row created at or before W
 * ({@link WarehouseWatermark}), runs the view's MATERIALIZE as of W, reads back the rows created by
 * W whose event time is after W (pending), and then the applier applies exactly the rows created
 * after W. A row
 * whose event time is after the applier's now is held in memory until it comes (a lookup at T
 * must not see it before T); a rebuild reads the rows the warehouse holds with an event time
 * after W back from it, so a restart loses none.
 */
public final class PushApplier implements PushListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PushApplier.class);
    /** Rows of one micro-batch at most. */
    static final int ROUND_ROWS = 20_000;
    /** Longest wait for rows while idle: also how soon held rows are applied once their time comes. */
    static final long IDLE_POLL_MILLIS = 5;
    /** Rows set aside during one rebuild before the rebuild is redone instead. */
    private static final int STASH_LIMIT = 1_000_000;
    private static final Duration VIEW_CHECK = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(5);

    private final OnlineStore store;
    private final OnlineState state;
    private final Materializer materializer;
    private final Registry registry;
    private final Clock clock;
    private final WarehouseWatermark watermark;
    private final WarehouseConnector warehouse;
    private final EngineDialect dialect;
    private final StoreExpiry expiry;
    private final int capacityRows;
    private final Semaphore capacity;
    private final LinkedBlockingQueue<PushedBatch> queue = new LinkedBlockingQueue<>();
    /** Work other threads hand to the applier thread. */
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    /** Push sources (lower case) whose views are kept; only grows. */
    private final Set<String> sources = ConcurrentHashMap.newKeySet();
    /** Rows in {@link #queue} per source (lower case). */
    private final ConcurrentMap<String, AtomicLong> queued = new ConcurrentHashMap<>();
    /** Published state per view name (lower case), for sys.online_views and MATERIALIZE routing. */
    private final ConcurrentMap<String, PushStatus> published = new ConcurrentHashMap<>();
    /** Views kept, by registry id; applier thread only. */
    private final Map<Long, Kept> kept = new HashMap<>();
    private final ExecutorService rebuilds;
    private final Thread thread;
    private volatile boolean closed;
    /** Rows handed over and not yet applied (or set aside). */
    private final AtomicLong pending = new AtomicLong();
    /** Counts hand-overs (batches, commands); {@link #settled} is the count the applier last finished with nothing left to do. */
    private final AtomicLong ticket = new AtomicLong();
    private volatile long settled;
    /** The earliest event time (µs) of a row held for its event time, over all views. */
    private volatile long earliestHeld = Long.MAX_VALUE;
    /** System.nanoTime() of the next look at the registry's views (wall time, not the gateway's clock). */
    private long nextViewCheck = Long.MIN_VALUE;

    PushApplier(OnlineStore store, OnlineState state, Materializer materializer, Registry registry,
            WarehouseConnector warehouse, EngineDialect dialect, Clock clock, WarehouseWatermark watermark,
            int capacityRows) {
        if (capacityRows <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacityRows);
        }
        this.store = store;
        this.state = state;
        this.materializer = materializer;
        this.registry = registry;
        this.clock = clock;
        this.watermark = watermark;
        this.warehouse = warehouse;
        this.dialect = dialect;
        this.expiry = new StoreExpiry(clock);
        this.capacityRows = capacityRows;
        this.capacity = new Semaphore(capacityRows);
        this.rebuilds = Executors.newSingleThreadExecutor(r -> daemon(r, "asof-push-rebuild"));
        this.thread = daemon(this::loop, "asof-push-applier");
        thread.start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Queues a durable batch; returns at once unless {@code capacityRows} rows wait already
     * (then it waits for room). A batch of a source not kept yet starts keeping its views.
     */
    @Override
    public void onDurable(PushedBatch batch) {
        int rows = batch.rows().size();
        if (rows == 0 || closed) {
            return;
        }
        capacity.acquireUninterruptibly(Math.min(rows, capacityRows));
        queued.computeIfAbsent(key(batch.source()), s -> new AtomicLong()).addAndGet(rows);
        pending.addAndGet(rows);
        queue.add(batch);
        ticket.incrementAndGet();
    }

    /**
     * Keeps the ONLINE views over {@code source} from now on (rebuilding them from the warehouse
     * first): called for every push source at gateway start and when one is created.
     */
    public void maintain(String source) {
        if (sources.add(key(source))) {
            command(() -> nextViewCheck = Long.MIN_VALUE);
        }
    }

    /** Whether {@code view} is kept from pushed rows (so MATERIALIZE is a rebuild through the applier). */
    boolean keeps(FeatureView view) {
        PushStatus s = published.get(key(view.name()));
        return s != null && !s.state().startsWith(NOT_MAINTAINED);
    }

    /** The view's push state, if it is an ONLINE view over a push source. */
    Optional<PushStatus> status(String viewName) {
        return Optional.ofNullable(published.get(key(viewName)));
    }

    /**
     * True when every pushed row handed over so far is applied (or held for its event time, which
     * has not come) and no rebuild runs: a lookup now sees every acknowledged row.
     */
    public boolean caughtUp() {
        return pending.get() == 0 && settled == ticket.get()
                && earliestHeld > ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant());
    }

    private void command(Runnable r) {
        commands.add(r);
        ticket.incrementAndGet();
    }

    /**
     * Rebuilds a kept view from the warehouse as of now (MATERIALIZE of such a view); returns when
     * the view is live again.
     */
    OnlineServing.RunSummary rebuild(FeatureView view) {
        CompletableFuture<OnlineServing.RunSummary> done = new CompletableFuture<>();
        command(() -> {
            checkViews();
            Kept k = kept.values().stream().filter(v -> v.view.name().equalsIgnoreCase(view.name())).findFirst().orElse(null);
            if (k == null || k.mapping == null) {
                done.completeExceptionally(new AsofException(ErrorCode.INVALID_QUERY, "feature view '" + view.name()
                        + "' is not kept from pushed rows"));
                return;
            }
            k.waiting.add(done);
            if (k.phase != Phase.REBUILDING) {
                startRebuild(k);
            }
        });
        try {
            return done.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private enum Phase { REBUILDING, LIVE, FAILED, UNSUPPORTED }

    private static final String NOT_MAINTAINED = "not maintained";

    /** A view the applier keeps; touched by the applier thread only. */
    private static final class Kept {
        final FeatureView view;
        final long viewId;
        final PushedView mapping;
        final String reason;
        Phase phase;
        String failure = "";
        /** Rows created at or before this (µs) are in the rebuilt state, or among its pending rows. */
        long rebuiltThrough = Long.MIN_VALUE;
        final List<PushedBatch> stash = new ArrayList<>();
        long stashRows;
        boolean stashOverflow;
        final PriorityQueue<PushedView.Row> held = new PriorityQueue<>(Comparator.comparingLong(PushedView.Row::eventMicros));
        Optional<Instant> appliedThrough = Optional.empty();
        /** System.nanoTime() of the next rebuild of a failed view. */
        long retryAt;
        final List<CompletableFuture<OnlineServing.RunSummary>> waiting = new ArrayList<>();

        Kept(FeatureView view, long viewId, PushedView mapping, String reason) {
            this.view = view;
            this.viewId = viewId;
            this.mapping = mapping;
            this.reason = reason;
            this.phase = mapping == null ? Phase.UNSUPPORTED : Phase.REBUILDING;
        }
    }

    private void loop() {
        List<PushedBatch> round = new ArrayList<>();
        while (!closed) {
            try {
                long seen = ticket.get();
                PushedBatch first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first != null) {
                    round.add(first);
                    int rows = first.rows().size();
                    PushedBatch next;
                    while (rows < ROUND_ROWS && (next = queue.poll()) != null) {
                        round.add(next);
                        rows += next.rows().size();
                    }
                }
                boolean busy = step(round);
                round.clear();
                settled = busy ? -1 : seen;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("push applier step failed", e);
            }
        }
    }

    /** One turn of the applier; true while a rebuild runs or a due held row is left. */
    private boolean step(List<PushedBatch> round) {
        Runnable command;
        while ((command = commands.poll()) != null) {
            command.run();
        }
        Instant now = clock.instant();
        long wall = System.nanoTime();
        for (PushedBatch b : round) {
            if (sources.add(key(b.source()))) {
                nextViewCheck = Long.MIN_VALUE;
            }
        }
        if (nextViewCheck == Long.MIN_VALUE || wall - nextViewCheck >= 0) {
            checkViews();
            nextViewCheck = wall + VIEW_CHECK.toNanos();
        }
        long nowMicros = micros(now);
        Map<Kept, List<PushedView.Row>> rows = new HashMap<>();
        for (PushedBatch b : round) {
            for (Kept k : kept.values()) {
                if (k.view.source().equalsIgnoreCase(b.source())) {
                    take(k, b, nowMicros, rows);
                }
            }
        }
        boolean busy = false;
        long held = Long.MAX_VALUE;
        for (Kept k : kept.values()) {
            if (k.phase == Phase.LIVE) {
                while (!k.held.isEmpty() && k.held.peek().eventMicros() <= nowMicros) {
                    rows.computeIfAbsent(k, x -> new ArrayList<>()).add(k.held.poll());
                }
            }
            if (k.phase == Phase.FAILED && wall - k.retryAt >= 0) {
                startRebuild(k);
            }
            busy |= k.phase == Phase.REBUILDING;
            held = k.held.isEmpty() ? held : Math.min(held, k.held.peek().eventMicros());
        }
        for (Map.Entry<Kept, List<PushedView.Row>> e : rows.entrySet()) {
            write(e.getKey(), e.getValue(), nowMicros);
        }
        for (PushedBatch b : round) {
            AtomicLong n = queued.get(key(b.source()));
            if (n != null) {
                n.addAndGet(-b.rows().size());
            }
            capacity.release(Math.min(b.rows().size(), capacityRows));
            pending.addAndGet(-b.rows().size());
        }
        earliestHeld = held;
        publish();
        return busy;
    }

    /** Routes one batch to a kept view: set aside while rebuilding, else the rows it must apply. */
    private void take(Kept k, PushedBatch b, long nowMicros, Map<Kept, List<PushedView.Row>> rows) {
        switch (k.phase) {
            case REBUILDING -> {
                if (k.stashRows + b.rows().size() > STASH_LIMIT) {
                    // The warehouse has these rows: a later rebuild sees them.
                    k.stashOverflow = true;
                    k.stash.clear();
                    k.stashRows = 0;
                } else if (!k.stashOverflow) {
                    k.stash.add(b);
                    k.stashRows += b.rows().size();
                }
            }
            case LIVE -> {
                List<PushedView.Row> out = rows.computeIfAbsent(k, x -> new ArrayList<>());
                for (Object[] values : b.rows()) {
                    Optional<PushedView.Row> r = k.mapping.row(values, b.createdMicros());
                    if (r.isEmpty() || r.get().createdMicros() <= k.rebuiltThrough) {
                        continue; // never counts, or in the rebuilt state or its pending rows already
                    }
                    if (r.get().eventMicros() > nowMicros) {
                        k.held.add(r.get());
                    } else {
                        out.add(r.get());
                    }
                }
                k.appliedThrough = max(k.appliedThrough, b.createdMicros());
            }
            // A failed view is rebuilt from the warehouse, which has these rows; an unsupported one is not kept.
            case FAILED, UNSUPPORTED -> { }
        }
    }

    private void write(Kept k, List<PushedView.Row> rows, long nowMicros) {
        if (rows.isEmpty() || k.phase != Phase.LIVE) {
            return;
        }
        try {
            k.mapping.apply(rows, store, state, expiry, nowMicros);
        } catch (RuntimeException e) {
            // Some records may be written, others not: only a rebuild makes the view exact again.
            fail(k, "online store: " + message(e));
        }
    }

    /** Brings the kept views in line with the registry: new ONLINE views over kept sources start, dropped ones stop. */
    private void checkViews() {
        Set<Long> current = new HashSet<>();
        for (CatalogObject o : registry.objects()) {
            if (!(o instanceof FeatureView v) || !v.online() || !sources.contains(key(v.source()))) {
                continue;
            }
            Optional<Long> id = registry.objectId(v.name());
            if (id.isEmpty()) {
                continue;
            }
            current.add(id.get());
            if (!kept.containsKey(id.get())) {
                Kept k = keep(v, id.get());
                kept.put(id.get(), k);
                if (k.phase == Phase.REBUILDING) {
                    startRebuild(k);
                }
            }
        }
        kept.entrySet().removeIf(e -> {
            if (current.contains(e.getKey())) {
                return false;
            }
            e.getValue().waiting.forEach(f -> f.completeExceptionally(new AsofException(ErrorCode.UNKNOWN_OBJECT,
                    "feature view '" + e.getValue().view.name() + "' was dropped")));
            published.remove(key(e.getValue().view.name()));
            return true;
        });
    }

    private Kept keep(FeatureView view, long viewId) {
        try {
            Source source = registry.get(view.source()).filter(Source.class::isInstance).map(Source.class::cast)
                    .orElseThrow(() -> new IllegalArgumentException("source " + view.source() + " no longer exists"));
            int keyCount = registry.get(view.entity()).map(e -> e.columns().size())
                    .orElseThrow(() -> new IllegalArgumentException("entity " + view.entity() + " no longer exists"));
            return new Kept(view, viewId, PushedView.of(view, viewId, keyCount, source), null);
        } catch (IllegalArgumentException e) {
            return new Kept(view, viewId, null, e.getMessage());
        }
    }

    /** Sets rows aside and rebuilds the view from the warehouse on the rebuild thread. */
    private void startRebuild(Kept k) {
        k.phase = Phase.REBUILDING;
        k.stash.clear();
        k.stashRows = 0;
        k.stashOverflow = false;
        rebuilds.execute(() -> {
            // Just before now: a batch created at now or later arrives after this point, so it is set aside.
            Instant w = clock.instant().truncatedTo(ChronoUnit.MICROS).minus(1, ChronoUnit.MICROS);
            try {
                while (watermark.appendedThrough(k.view.source()).isBefore(w)) {
                    if (closed) {
                        return;
                    }
                    Thread.sleep(IDLE_POLL_MILLIS);
                }
                RegistryDefinitions definitions = new RegistryDefinitions(registry);
                OnlineServing.RunSummary summary = materializer.run(k.view, definitions, Optional.empty(),
                        Optional.of(w), QueryControl.none());
                List<PushedView.Row> pending = pendingRows(k, definitions, w);
                command(() -> rebuilt(k, w, summary, pending));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                commands.add(() -> {
                    k.waiting.forEach(f -> f.completeExceptionally(e));
                    k.waiting.clear();
                    fail(k, "rebuild: " + message(e));
                });
                ticket.incrementAndGet();
            }
        });
    }

    /**
     * Rows the warehouse has at W that the rebuild did not see because their event time is after
     * W: they are applied when their time comes.
     */
    private List<PushedView.Row> pendingRows(Kept k, RegistryDefinitions definitions, Instant w) {
        GeneratedQuery query = new MaterializationQueries(definitions, dialect).pendingRows(k.view, w);
        List<PushedView.Row> rows = new ArrayList<>();
        try (RowCursor cursor = warehouse.executeQuery(query.sql(), List.of(), QueryControl.none())) {
            int n = cursor.columns().size() - 1;
            while (cursor.next()) {
                Object[] values = new Object[n];
                for (int i = 0; i < n; i++) {
                    values[i] = cursor.value(i);
                }
                k.mapping.row(values, ((Number) cursor.value(n)).longValue()).ifPresent(rows::add);
            }
        }
        return rows;
    }

    private void rebuilt(Kept k, Instant w, OnlineServing.RunSummary summary, List<PushedView.Row> pending) {
        if (kept.get(k.viewId) != k) {
            return; // dropped meanwhile
        }
        if (k.stashOverflow) {
            startRebuild(k);
            return;
        }
        long through = micros(w);
        k.rebuiltThrough = through;
        k.phase = Phase.LIVE;
        k.appliedThrough = max(k.appliedThrough, through);
        // Every row created by W is in the rebuilt state or among the pending rows.
        k.held.clear();
        k.held.addAll(pending);
        List<PushedBatch> stash = new ArrayList<>(k.stash);
        k.stash.clear();
        k.stashRows = 0;
        long nowMicros = micros(clock.instant());
        Map<Kept, List<PushedView.Row>> rows = new HashMap<>();
        for (PushedBatch b : stash) {
            take(k, b, nowMicros, rows);
        }
        write(k, rows.getOrDefault(k, List.of()), nowMicros);
        k.waiting.forEach(f -> f.complete(summary));
        k.waiting.clear();
    }

    private void fail(Kept k, String why) {
        LOG.warn("online view {} over push source {}: {}; rebuilding it from the warehouse in {}", k.view.name(),
                k.view.source(), why, RETRY);
        k.phase = Phase.FAILED;
        k.failure = why;
        k.stash.clear();
        k.stashRows = 0;
        k.held.clear();
        k.retryAt = System.nanoTime() + RETRY.toNanos();
    }

    private void publish() {
        for (Kept k : kept.values()) {
            published.put(key(k.view.name()), status(k));
        }
    }

    private PushStatus status(Kept k) {
        String s = switch (k.phase) {
            case REBUILDING -> "rebuilding";
            case LIVE -> "live";
            case FAILED -> "failed: " + k.failure;
            case UNSUPPORTED -> NOT_MAINTAINED + ": " + k.reason;
        };
        AtomicLong inQueue = queued.get(key(k.view.source()));
        long waiting = k.phase == Phase.UNSUPPORTED ? 0 : (inQueue == null ? 0 : inQueue.get()) + k.stashRows + k.held.size();
        return new PushStatus(s, k.appliedThrough, waiting);
    }

    private static Optional<Instant> max(Optional<Instant> current, long micros) {
        Instant t = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
        return current.isPresent() && current.get().isAfter(t) ? current : Optional.of(t);
    }

    private static long micros(Instant t) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Stops applying; rows not applied yet are in the warehouse, and the next start rebuilds from it. */
    @Override
    public void close() {
        closed = true;
        capacity.release(Integer.MAX_VALUE / 2);
        thread.interrupt();
        rebuilds.shutdownNow();
        try {
            thread.join(5_000);
            rebuilds.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
