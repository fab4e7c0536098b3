package dev.asof.spi;

/**
 * An engine failed or rejected work. The message is the engine's own, without a stack trace; the
 * gateway adds context (which statement) before reporting it.
 */
public class ConnectorException extends RuntimeException {
    private final boolean cancelled;

    public ConnectorException(String message, Throwable cause) {
        this(message, cause, false);
    }

    public ConnectorException(String message, Throwable cause, boolean cancelled) {
        super(message, cause);
        this.cancelled = cancelled;
    }

    /** True when the engine stopped because the statement was cancelled or timed out. */
    public boolean cancelled() {
        return cancelled;
    }
}
