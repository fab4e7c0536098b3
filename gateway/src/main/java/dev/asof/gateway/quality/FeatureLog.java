package dev.asof.gateway.quality;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.registry.Registry;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.WarehouseConnector;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Served-feature logging: a sample of each view's online lookups (the fraction set with
 * {@code LOG SAMPLE}) is written, with key, served values and lookup time, to the view's log table
 * in the warehouse ({@link FeatureLogTable}).
 *
 * <p>A lookup never waits on it: {@link #sampled} is a read of an immutable rate table and, for a
 * logged view, one {@link ThreadLocalRandom} draw (nothing is allocated when the lookup is not
 * sampled); {@link #offer} puts the record in a bounded queue ({@value #QUEUE_CAPACITY} records)
 * and returns at once. When the queue is full the record is dropped and counted
 * ({@code asof.feature.log.dropped}, in Prometheus {@code asof_feature_log_dropped_total}). One
 * background thread writes what is queued in batches of up to {@value #BATCH_ROWS} rows, waiting
 * up to 200 ms after a batch's first row for more; a batch
 * the warehouse refuses is counted ({@code asof.feature.log.failed}) and not retried.
 */
public final class FeatureLog implements AutoCloseable {
    /** Records that may wait to be written; more are dropped. */
    public static final int QUEUE_CAPACITY = 10_000;

    /** Rows per bulk load at most. */
    static final int BATCH_ROWS = 1_000;

    /** How long the writer waits for more rows after the first of a batch. */
    static final Duration LINGER = Duration.ofMillis(200);

    private static final Logger LOG = LoggerFactory.getLogger(FeatureLog.class);

    private final FeatureLogWriter writer;
    private final MeterRegistry meters;
    private final BlockingQueue<LoggedLookup> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Counter dropped;
    private final Counter written;
    private final Counter failed;
    private final AtomicLong enqueued = new AtomicLong();
    private final AtomicLong processed = new AtomicLong();
    private final Thread thread;
    private volatile SampleRates rates;
    private volatile boolean closed;

    /**
     * Starts the writer thread; the sample fractions come from the registry's monitoring settings.
     *
     * @param meters where the log's counters are registered
     */
    public FeatureLog(WarehouseConnector warehouse, Registry registry, MeterRegistry meters) {
        this.writer = new FeatureLogWriter(warehouse, registry);
        this.meters = requireNonNull(meters, "meters");
        this.dropped = Counter.builder("asof.feature.log.dropped")
                .description("Sampled online lookups not logged because the log's queue was full").register(meters);
        this.written = Counter.builder("asof.feature.log.written")
                .description("Sampled online lookups written to the warehouse").register(meters);
        this.failed = Counter.builder("asof.feature.log.failed")
                .description("Sampled online lookups whose batch the warehouse refused").register(meters);
        Map<Long, Double> fractions = new HashMap<>();
        registry.monitoring().all().forEach((id, s) -> fractions.put(id, s.logSample()));
        this.rates = SampleRates.of(fractions);
        this.thread = new Thread(this::run, "asof-feature-log");
        thread.setDaemon(true);
        thread.start();
    }

    /** Where the log's counters, and the monitoring statements' gauges, are registered. */
    public MeterRegistry meters() {
        return meters;
    }

    /** Whether this lookup of the view with definition id {@code viewId} is to be logged. */
    public boolean sampled(long viewId) {
        double rate = rates.rate(viewId);
        return rate > 0 && (rate >= 1 || ThreadLocalRandom.current().nextDouble() < rate);
    }

    /**
     * Queues one sampled lookup; never blocks. Dropped (and counted) when the queue is full.
     *
     * @param values the view's columns as served, keys first
     * @param lookupMicros the lookup's time, microseconds since the epoch (UTC)
     */
    public void offer(FeatureView view, long viewId, List<Object> values, long lookupMicros) {
        if (closed || !queue.offer(new LoggedLookup(view, viewId, values, lookupMicros))) {
            dropped.increment();
            return;
        }
        enqueued.incrementAndGet();
    }

    /** Sets the fraction of the view's lookups logged, from now on (the caller persists it). */
    public synchronized void setLogSample(long viewId, double fraction) {
        rates = rates.with(viewId, fraction);
    }

    /** The fraction of the view's lookups logged now. */
    public double logSample(long viewId) {
        return rates.rate(viewId);
    }

    /** The log table of a view definition. */
    public TableName table(FeatureView view, long viewId) {
        return FeatureLogTable.name(writer.catalog(), view, viewId);
    }

    /**
     * Waits until every lookup queued before this call has been written (or refused), at most
     * {@code timeout}; returns whether it was.
     */
    public boolean awaitWritten(Duration timeout) {
        long target = enqueued.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (processed.get() < target) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void run() {
        List<LoggedLookup> batch = new ArrayList<>(BATCH_ROWS);
        while (!closed || !queue.isEmpty()) {
            try {
                LoggedLookup first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                // Linger a little: fewer, larger bulk loads cost the warehouse (and the CPU the
                // lookups share) far less than one per sampled lookup.
                long until = System.nanoTime() + LINGER.toNanos();
                while (batch.size() < BATCH_ROWS && !closed) {
                    queue.drainTo(batch, BATCH_ROWS - batch.size());
                    long left = until - System.nanoTime();
                    if (left <= 0 || batch.size() >= BATCH_ROWS) {
                        break;
                    }
                    LoggedLookup next = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next != null) {
                        batch.add(next);
                    }
                }
                write(batch);
            } catch (InterruptedException e) {
                if (!closed) {
                    continue;
                }
                Thread.currentThread().interrupt();
                return;
            } finally {
                processed.addAndGet(batch.size());
                batch.clear();
            }
        }
    }

    private void write(List<LoggedLookup> batch) {
        try {
            written.increment(writer.write(batch));
        } catch (RuntimeException e) {
            failed.increment(batch.size());
            LOG.warn("served-feature log: {} lookup(s) not written: {}", batch.size(), e.getMessage());
        }
    }

    /** Writes what is queued (waiting at most 5 s), then stops the writer thread. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
    }
}
