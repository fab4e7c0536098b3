package dev.asof.spi.warehouse;

import java.time.Duration;
import java.util.Optional;

/**
 * Cancellation and timeout for one running statement. The gateway creates one per execution; the
 * connector registers how to cancel the engine's work through {@link #onCancel}.
 */
public final class QueryControl {
    private final Optional<Duration> timeout;
    private volatile Runnable canceller = () -> {};
    private volatile boolean cancelled;

    public QueryControl(Optional<Duration> timeout) {
        this.timeout = timeout;
    }

    public static QueryControl none() {
        return new QueryControl(Optional.empty());
    }

    /** Maximum run time of the statement; empty means no limit. */
    public Optional<Duration> timeout() {
        return timeout;
    }

    /** Sets what cancels the engine's work; runs it at once if already cancelled. */
    public void onCancel(Runnable action) {
        canceller = action;
        if (cancelled) {
            action.run();
        }
    }

    public void cancel() {
        cancelled = true;
        canceller.run();
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
