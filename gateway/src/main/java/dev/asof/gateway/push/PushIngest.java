package dev.asof.gateway.push;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.registry.Registry;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Push ingestion: rows of push sources become durable in the write-ahead log ({@link PushLog},
 * directory {@value #LOG_DIRECTORY} of the data directory), are acknowledged, told to the
 * {@link PushListener}s, and reach the warehouse in the background ({@link WarehouseAppender}).
 *
 * <p>One ingest thread takes every waiting request at once (group commit): it gives each row a
 * sequence number and each request's batch the arrival instant as created time (microseconds,
 * never earlier than the previous batch's), drops rows whose idempotency key was accepted before
 * (first arrival wins; decided here, so the log, the warehouse and the listeners agree), writes
 * the records and syncs once, then tells the listeners and acknowledges every writer. A failed
 * write or sync fails every request of the group, truncates what it wrote and acknowledges
 * nothing.
 *
 * <p>At start, the log is recovered and every batch not yet in the warehouse is appended before
 * the gateway serves (listeners are not called for them: the online side rebuilds from the
 * warehouse).
 */
public final class PushIngest implements AutoCloseable, WarehouseWatermark {
    /**
     * Durable batches not known to be in the warehouse yet: first sequence → created time (micros).
     * Recorded before listeners hear of a batch, so {@link #appendedThrough} never runs ahead.
     */
    private final java.util.concurrent.ConcurrentSkipListMap<Long, Long> unappended =
            new java.util.concurrent.ConcurrentSkipListMap<>();

    private static final Logger LOG = LoggerFactory.getLogger(PushIngest.class);
    /** The log's directory under the data directory. */
    public static final String LOG_DIRECTORY = "push-log";
    /** Most requests taken into one group commit. */
    private static final int MAX_GROUP = 4096;

    private final Registry registry;
    private final PushTables tables;
    private final PushNode node;
    private final PushLog log;
    private final WarehouseAppender appender;
    private final List<PushListener> listeners;
    private final Clock clock;
    private final LinkedBlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    /** Per source (lower case); each set is used by the ingest thread only. */
    private final Map<String, IdempotencyKeys> keys = new java.util.concurrent.ConcurrentHashMap<>();
    private final Thread thread;
    /** Publishes the watermark to a shared registry; null on an embedded one. */
    private final Thread watermarkThread;
    private volatile boolean closed;
    /**
     * The created time (µs) of the group commit in progress, {@link #COMMIT_STARTING} while it
     * reads the clock, {@link #NOT_COMMITTING} between commits: until its batches are recorded as
     * unappended, the watermark stays below it.
     */
    private volatile long committingSince = NOT_COMMITTING;
    private static final long NOT_COMMITTING = Long.MAX_VALUE;
    private static final long COMMIT_STARTING = Long.MIN_VALUE;
    private final Object othersLock = new Object();
    /** The other gateways' watermark (µs) and when it was read (System.nanoTime(), 0: never); guarded by othersLock. */
    private long othersThrough;
    private long othersReadAt;
    private static final long OTHERS_MAX_AGE_NANOS = 50_000_000L;
    /** How often a gateway on a shared registry publishes its watermark. */
    private static final long WATERMARK_INTERVAL_MILLIS = 200;
    private long lastCreatedMicros;

    /** What one push did. */
    public record Outcome(long firstSequence, boolean[] stored) {
        /** Rows stored (not dropped as duplicates). */
        public long storedCount() {
            long n = 0;
            for (boolean s : stored) {
                n += s ? 1 : 0;
            }
            return n;
        }
    }

    private record Request(Source source, List<Object[]> rows, CompletableFuture<Outcome> done) {}

    private PushIngest(Registry registry, WarehouseConnector warehouse, PushNode node, PushLog log, long appendedBelow,
            List<PushListener> listeners, Clock clock) {
        this.registry = registry;
        this.tables = new PushTables(warehouse);
        this.node = node;
        this.log = log;
        this.listeners = listeners;
        this.clock = clock;
        this.appender = new WarehouseAppender(registry, tables, node, this::checkpoint, appendedBelow);
        this.thread = new Thread(this::run, "asof-push-ingest");
        this.thread.setDaemon(true);
        this.watermarkThread = registry.pushNodes().shared() ? new Thread(this::publishWatermark, "asof-push-watermark") : null;
        if (watermarkThread != null) {
            watermarkThread.setDaemon(true);
        }
    }

    /**
     * Opens the log under {@code dataDir}, appends to the warehouse what it holds that the
     * warehouse does not (exactly once), and starts the ingest and appender threads.
     *
     * @param listeners told of every batch made durable from now on; the list is read at each
     *     batch, so listeners may be added after start (a thread-safe list)
     */
    public static PushIngest open(Path dataDir, Registry registry, WarehouseConnector warehouse,
            List<PushListener> listeners, Clock clock) {
        requireNonNull(registry, "registry");
        Path directory = dataDir.resolve(LOG_DIRECTORY);
        PushNode node = PushNode.open(directory, () -> registry.pushNodes().allocate(dataDir.toAbsolutePath().toString()));
        PushLog.Recovery recovery = PushLog.open(directory, node);
        // Replay is synchronous: once open, everything the log held is in the warehouse.
        PushIngest ingest = new PushIngest(registry, requireNonNull(warehouse, "warehouse"), node,
                recovery.log(), recovery.log().nextSequence(), requireNonNull(listeners, "listeners"), clock);
        try {
            if (!recovery.batches().isEmpty()) {
                ingest.appender.appendNow(recovery.batches());
                ingest.checkpoint(recovery.log().nextSequence());
                LOG.info("push log: {} batch(es) from before the last stop checked against the warehouse",
                        recovery.batches().size());
            }
            ingest.lastCreatedMicros = recovery.batches().stream().mapToLong(PushedBatch::createdMicros).max().orElse(0);
        } catch (RuntimeException e) {
            recovery.log().close();
            throw e;
        }
        ingest.thread.start();
        ingest.appender.start();
        if (ingest.watermarkThread != null) {
            ingest.watermarkThread.start();
        }
        return ingest;
    }

    /**
     * Creates the warehouse table of a new push source; returns its columns (declared ones, then
     * the created time) as the warehouse describes them.
     */
    public List<ColumnMetadata> createTable(String source, List<ColumnMetadata> declared) {
        List<ColumnMetadata> columns = tables.create(source, declared);
        appender.reset(source);
        keys.remove(source.toLowerCase(Locale.ROOT)); // a source of that name dropped before had its own keys
        return columns;
    }

    /** Where a push source's rows live in the warehouse. */
    public dev.asof.spi.TableName table(String source) {
        return tables.table(source);
    }

    /**
     * Pushes rows (converted by {@link PushRows}) and returns once they are durable.
     *
     * @throws AsofException {@link ErrorCode#PUSH_LOG_FAILED} when the log could not be written
     */
    public Outcome push(Source source, List<Object[]> rows) {
        requireNonNull(source, "source");
        if (source.push().isEmpty()) {
            throw new IllegalArgumentException(source.name() + " is not a push source");
        }
        if (closed) {
            throw new AsofException(ErrorCode.PUSH_LOG_FAILED, "the gateway is shutting down; rows not stored");
        }
        Request r = new Request(source, List.copyOf(rows), new CompletableFuture<>());
        requests.add(r);
        try {
            return r.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AsofException(ErrorCode.CANCELLED, "interrupted while waiting for the push log;"
                    + " the rows may or may not be stored");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AsofException ae) {
                throw ae;
            }
            throw new AsofException(ErrorCode.PUSH_LOG_FAILED, "the push log could not store the rows", e.getCause());
        }
    }

    /** This gateway's push log among those sharing the warehouse: its node number. */
    public long node() {
        return node.number();
    }

    /** Waits until every row acknowledged so far is in the warehouse, at most {@code millis}; true when it is. */
    public boolean awaitAppended(long millis) throws InterruptedException {
        return appender.awaitAppended(nextSequence(), millis);
    }

    /**
     * Every durable row created at or before the returned instant is in the warehouse, for every
     * source and every gateway pushing into this warehouse: the earlier of this gateway's own
     * ({@link #localAppendedThroughMicros}) and what the other running gateways published to the
     * registry.
     */
    @Override
    public java.time.Instant appendedThrough(String source) {
        long local = localAppendedThroughMicros();
        long through = registry.pushNodes().shared() ? Math.min(local, othersAppendedThrough()) : local;
        if (through == Long.MAX_VALUE || through == Long.MIN_VALUE) {
            return through == Long.MAX_VALUE ? java.time.Instant.MAX : java.time.Instant.MIN;
        }
        return java.time.Instant.EPOCH.plus(through, java.time.temporal.ChronoUnit.MICROS);
    }

    /**
     * Every row this gateway made durable with a created time (µs) at or before the returned one
     * is in the warehouse: just before the oldest batch the appender has not appended or a group
     * commit in progress, {@link Long#MAX_VALUE} when there is neither (rows pushed later get
     * later created times), {@link Long#MIN_VALUE} while a commit reads its time.
     */
    long localAppendedThroughMicros() {
        long committing = committingSince;
        if (committing == COMMIT_STARTING) {
            return Long.MIN_VALUE; // its created time is being read: nothing is known for now
        }
        unappended.headMap(appender.appendedBelow()).clear();
        java.util.Map.Entry<Long, Long> oldest = unappended.firstEntry();
        long through = oldest == null ? Long.MAX_VALUE : oldest.getValue() - 1;
        return committing == NOT_COMMITTING ? through : Math.min(through, committing - 1);
    }

    /** What the other gateways published, read from the registry at most every 50 ms (rebuilds poll this). */
    private long othersAppendedThrough() {
        long now = System.nanoTime();
        synchronized (othersLock) {
            if (othersReadAt == 0 || now - othersReadAt > OTHERS_MAX_AGE_NANOS) {
                othersThrough = registry.pushNodes().othersAppendedThrough(node.number());
                othersReadAt = now == 0 ? 1 : now;
            }
            return othersThrough;
        }
    }

    /** Publishes this gateway's {@link #localAppendedThroughMicros} to a shared registry, now and then. */
    private void publishWatermark() {
        while (!closed) {
            try {
                // The time first: a commit starting after it gets a later created time.
                long now = micros(clock.instant());
                long through = Math.min(now - 1, localAppendedThroughMicros());
                if (through != Long.MIN_VALUE) {
                    registry.pushNodes().publish(node.number(), through);
                }
            } catch (RuntimeException e) {
                LOG.warn("cannot publish how far pushed rows reached the warehouse; retrying", e);
            }
            try {
                Thread.sleep(WATERMARK_INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized long nextSequence() {
        return log.nextSequence();
    }

    private void checkpoint(long below) {
        synchronized (this) {
            log.checkpoint(below);
        }
    }

    private void run() {
        List<Request> group = new ArrayList<>();
        while (!closed || !requests.isEmpty()) {
            try {
                Request first = requests.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                requests.drainTo(group, MAX_GROUP - 1);
                commit(group);
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                LOG.error("push ingest failed", e);
                group.forEach(r -> r.done().completeExceptionally(e));
            } finally {
                group.clear();
            }
        }
        AsofException stopped = new AsofException(ErrorCode.PUSH_LOG_FAILED, "the gateway is shutting down; rows not stored");
        Request r;
        while ((r = requests.poll()) != null) {
            r.done().completeExceptionally(stopped);
        }
    }

    private void commit(List<Request> group) {
        // Before the clock is read: the watermark must not pass this group's created time.
        committingSince = COMMIT_STARTING;
        try {
            commitGroup(group);
        } finally {
            committingSince = NOT_COMMITTING;
        }
    }

    private void commitGroup(List<Request> group) {
        long micros = micros(clock.instant());
        committingSince = micros;
        lastCreatedMicros = Math.max(lastCreatedMicros, micros);
        List<PushedBatch> batches = new ArrayList<>();
        Map<Request, Outcome> outcomes = new LinkedHashMap<>();
        List<Runnable> undo = new ArrayList<>();
        synchronized (this) {
            long startSequence = log.nextSequence();
            long position = -1;
            try {
                for (Request r : group) {
                    boolean[] stored = new boolean[r.rows().size()];
                    List<Object[]> kept = dedup(r, stored, undo);
                    long first = log.nextSequence();
                    if (!kept.isEmpty()) {
                        PushedBatch batch = new PushedBatch(r.source().name(), first, lastCreatedMicros, kept);
                        long before = log.write(batch);
                        position = position < 0 ? before : position;
                        batches.add(batch);
                    }
                    outcomes.put(r, new Outcome(first, stored));
                }
                log.sync();
                log.rollIfFull();
            } catch (IOException | RuntimeException e) {
                if (position >= 0) {
                    log.truncate(position, startSequence);
                }
                undo.forEach(Runnable::run);
                AsofException failure = new AsofException(ErrorCode.PUSH_LOG_FAILED,
                        "the push log could not store the rows: " + e.getMessage(), e);
                outcomes.keySet().forEach(r -> r.done().completeExceptionally(failure));
                group.stream().filter(r -> !outcomes.containsKey(r)).forEach(r -> r.done().completeExceptionally(failure));
                LOG.error("push log write failed; {} request(s) not acknowledged", group.size(), e);
                return;
            }
        }
        for (PushedBatch b : batches) {
            unappended.put(b.firstSequence(), b.createdMicros());
        }
        for (PushedBatch b : batches) {
            for (PushListener l : listeners) {
                try {
                    l.onDurable(b);
                } catch (RuntimeException e) {
                    LOG.error("push listener {} failed on a batch of {}", l, b.source(), e);
                }
            }
        }
        appender.add(batches);
        outcomes.forEach((r, o) -> r.done().complete(o));
    }

    /** The rows of {@code r} whose idempotency key is new (marking them in {@code stored}). */
    private List<Object[]> dedup(Request r, boolean[] stored, List<Runnable> undo) {
        int key = new PushRows(r.source()).keyIndex();
        if (key < 0) {
            java.util.Arrays.fill(stored, true);
            return r.rows();
        }
        IdempotencyKeys seen = keys.computeIfAbsent(r.source().name().toLowerCase(Locale.ROOT), k -> new IdempotencyKeys(
                tables.recentKeys(tables.table(r.source().name()), r.source().pushedColumns().get(key).name(),
                        IdempotencyKeys.WINDOW, node), IdempotencyKeys.WINDOW));
        List<Object[]> kept = new ArrayList<>();
        for (int i = 0; i < stored.length; i++) {
            Object value = r.rows().get(i)[key];
            if (seen.add(value)) {
                stored[i] = true;
                kept.add(r.rows().get(i));
                undo.add(() -> seen.remove(value));
            }
        }
        return kept;
    }

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }

    /** The registry's push sources (for tools and tests). */
    public List<Source> sources() {
        List<Source> out = new ArrayList<>();
        for (CatalogObject o : registry.objects()) {
            if (o instanceof Source s && s.push().isPresent()) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Stops taking rows (those waiting fail, unacknowledged), appends what the log holds to the
     * warehouse as far as it can within 10 s (the rest is appended at the next start), and closes
     * the log.
     */
    @Override
    public void close() {
        closed = true;
        if (watermarkThread != null) {
            watermarkThread.interrupt();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        appender.close();
        synchronized (this) {
            log.close();
        }
    }
}
