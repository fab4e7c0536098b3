package dev.asof.gateway.observability;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.registry.Registry;
import dev.asof.spi.RowCursor;
import dev.asof.spi.online.OnlineStore;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.WarehouseConnector;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks behind {@code /health/ready}: the registry answers {@code SELECT 1}, the warehouse
 * answers {@code SELECT 1}, the online store answers a get of a key no view uses. Each runs on a
 * thread of its own and counts as down when it fails or takes longer than the timeout; a probe that
 * still hangs from an earlier check is waited for again rather than started twice, so a dead engine
 * never piles up threads.
 */
public final class ReadinessProbes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReadinessProbes.class);
    /** Online records start with a view id (8 bytes, from 1); this key is shorter than any. */
    private static final byte[] PROBE_KEY = "asof".getBytes(StandardCharsets.US_ASCII);

    /** The parts, in the order the report lists them. */
    public static final List<String> PARTS = List.of("registry", "warehouse", "online_store");

    private final Map<String, Probe> probes = new LinkedHashMap<>();
    private final Duration timeout;
    private final ExecutorService threads = Executors.newCachedThreadPool(new DefaultThreadFactory("asof-health", true));

    private interface Check {
        void run() throws Exception;
    }

    private final class Probe {
        private final Check check;
        private final AtomicReference<CompletableFuture<Void>> inFlight = new AtomicReference<>();

        Probe(Check check) {
            this.check = check;
        }

        CompletableFuture<Void> start() {
            CompletableFuture<Void> current = inFlight.get();
            if (current != null && !current.isDone()) {
                return current;
            }
            CompletableFuture<Void> next = new CompletableFuture<>();
            if (!inFlight.compareAndSet(current, next)) {
                return inFlight.get();
            }
            threads.execute(() -> {
                try {
                    check.run();
                    next.complete(null);
                } catch (Throwable t) {
                    next.completeExceptionally(t);
                }
            });
            return next;
        }
    }

    /**
     * @param store the online store as lookups use it
     * @param timeout how long each part may take to answer
     */
    public ReadinessProbes(Registry registry, WarehouseConnector warehouse, OnlineStore store, Duration timeout) {
        requireNonNull(registry, "registry");
        requireNonNull(warehouse, "warehouse");
        requireNonNull(store, "store");
        this.timeout = requireNonNull(timeout, "timeout");
        probes.put("registry", new Probe(registry::ping));
        probes.put("warehouse", new Probe(() -> {
            try (RowCursor c = warehouse.executeQuery("SELECT 1", List.of(), QueryControl.none())) {
                c.next();
            }
        }));
        probes.put("online_store", new Probe(() -> store.getAll(List.of(PROBE_KEY))));
    }

    /** Runs every probe (in parallel); per part, whether it answered within the timeout. */
    public Map<String, Boolean> check() {
        Map<String, CompletableFuture<Void>> started = new LinkedHashMap<>();
        probes.forEach((part, probe) -> started.put(part, probe.start()));
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Boolean> up = new LinkedHashMap<>();
        started.forEach((part, future) -> up.put(part, await(part, future, deadline)));
        return up;
    }

    private static boolean await(String part, CompletableFuture<Void> future, long deadline) {
        try {
            future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            LOG.warn("readiness: {} did not answer in time", part);
            return false;
        } catch (ExecutionException e) {
            LOG.warn("readiness: {} is down: {}", part, e.getCause() == null ? e : e.getCause().getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
