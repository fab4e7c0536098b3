package dev.asof.gateway.registry;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread per gateway on a shared registry: reads the registry again when another
 * gateway changed it (every poll interval), and renews the leases of the runs this gateway holds.
 * A failure (the database briefly unreachable) is logged and retried at the next tick; the gateway
 * keeps serving from what it last read.
 */
final class RegistryWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryWatcher.class);

    private final ScheduledExecutorService timer;

    private RegistryWatcher(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    static RegistryWatcher start(Transactions transactions, MaterializationLog log, Duration pollInterval,
            Duration renewInterval) {
        requireNonNull(transactions, "transactions");
        requireNonNull(log, "log");
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "asof-registry-watcher");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> quietly("read the registry", transactions::refreshIfChanged),
                pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(() -> quietly("renew materialization leases", log::renewLeases),
                renewInterval.toMillis(), renewInterval.toMillis(), TimeUnit.MILLISECONDS);
        return new RegistryWatcher(timer);
    }

    private static void quietly(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.warn("cannot {}: {}", what, e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
