package dev.asof.gateway.push;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.registry.Registry;
import dev.asof.planner.catalog.Source;
import dev.asof.spi.TableName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings durable batches into the warehouse, in the background, in sequence order: takes every
 * batch waiting (up to {@link #MAX_ROWS} rows), appends each source's rows in one all-or-nothing
 * load, then checkpoints the log. Exactly once: a source's rows are appended in sequence order
 * and only above the greatest sequence its table holds in this log's node range (read once per
 * source, then tracked, and read again after a failed load, which may have left a prefix of its
 * rows on a warehouse without transactions), so a batch appended before a crash and replayed
 * after it is not appended twice, and rows other gateways append to the same table (in their own
 * ranges) do not matter. A failed load is retried (with a growing pause, at most 5 s) until it
 * works or the gateway closes; the rows stay in the log.
 */
final class WarehouseAppender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WarehouseAppender.class);
    static final int MAX_ROWS = 100_000;

    private final Registry registry;
    private final PushTables tables;
    private final PushNode node;
    private final LongConsumer checkpoint;
    private final LinkedBlockingQueue<PushedBatch> queue = new LinkedBlockingQueue<>();
    /** Per source (lower case): the greatest sequence of this node its table holds. Appender thread only. */
    private final Map<String, Long> appended = new HashMap<>();
    private final Thread thread;
    private volatile boolean closing;
    /** Sequence below which everything is appended; guarded by this. */
    private long done;

    WarehouseAppender(Registry registry, PushTables tables, PushNode node, LongConsumer checkpoint, long done) {
        this.registry = requireNonNull(registry, "registry");
        this.tables = requireNonNull(tables, "tables");
        this.node = requireNonNull(node, "node");
        this.checkpoint = requireNonNull(checkpoint, "checkpoint");
        this.done = done;
        this.thread = new Thread(this::run, "asof-push-appender");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues durable batches, in sequence order. */
    void add(List<PushedBatch> batches) {
        queue.addAll(batches);
    }

    /** Appends {@code batches} now, on the caller's thread (recovery, before serving). */
    void appendNow(List<PushedBatch> batches) {
        append(batches);
    }

    /** Forgets what is known of {@code source}'s table (it was just created). */
    synchronized void reset(String source) {
        appended.remove(source.toLowerCase(Locale.ROOT));
    }

    /** Every sequence below this is in the warehouse (or belonged to no push source). */
    synchronized long appendedBelow() {
        return done;
    }

    /** Waits until every batch queued so far is appended, at most {@code millis}; true when it is. */
    boolean awaitAppended(long sequence, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (this) {
            while (done < sequence) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
            return true;
        }
    }

    private void run() {
        List<PushedBatch> group = new ArrayList<>();
        long pause = 50;
        while (!closing || !queue.isEmpty() || !group.isEmpty()) {
            try {
                if (group.isEmpty()) {
                    PushedBatch first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    group.add(first);
                    int rows = first.rows().size();
                    while (rows < MAX_ROWS && queue.peek() != null) {
                        PushedBatch next = queue.poll();
                        group.add(next);
                        rows += next.rows().size();
                    }
                }
                append(group);
                group.clear();
                pause = 50;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (closing) {
                    LOG.warn("push rows not appended to the warehouse at shutdown; they are in the log and"
                            + " are appended at the next start", e);
                    return;
                }
                LOG.warn("appending pushed rows to the warehouse failed; retrying in {} ms", pause, e);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException ie) {
                    return;
                }
                pause = Math.min(5000, pause * 2);
            }
        }
    }

    private void append(List<PushedBatch> group) {
        if (group.isEmpty()) {
            return;
        }
        Map<String, List<PushedBatch>> bySource = new LinkedHashMap<>();
        for (PushedBatch b : group) {
            bySource.computeIfAbsent(b.source().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(b);
        }
        for (Map.Entry<String, List<PushedBatch>> e : bySource.entrySet()) {
            Source source = registry.get(e.getKey()).filter(Source.class::isInstance).map(Source.class::cast)
                    .filter(s -> s.push().isPresent()).orElse(null);
            if (source == null) {
                // Dropped since: its rows go nowhere. Said out loud, since the other cause would be
                // a registry that lost the source, and then these are acknowledged rows.
                LOG.warn("{} pushed row(s) of '{}' not appended: it is no longer a push source in the registry",
                        e.getValue().stream().mapToLong(b -> b.rows().size()).sum(), e.getKey());
                continue;
            }
            TableName table = tables.table(source.name());
            long above;
            synchronized (this) {
                above = appended.computeIfAbsent(e.getKey(), k -> tables.maxSequence(table, node));
            }
            long now;
            try {
                now = tables.append(table, source.pushedColumns(), e.getValue(), above);
            } catch (RuntimeException failure) {
                // A failed load may have left part of the rows (Trino inserts in chunks, each
                // committed on its own; a lost connection hides whether the last one was): read
                // the table's greatest sequence again before the retry.
                synchronized (this) {
                    appended.remove(e.getKey());
                }
                throw failure;
            }
            synchronized (this) {
                appended.put(e.getKey(), now);
            }
        }
        PushedBatch last = group.get(group.size() - 1);
        long below = last.firstSequence() + last.rows().size();
        checkpoint.accept(below);
        synchronized (this) {
            done = Math.max(done, below);
            notifyAll();
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }
}
