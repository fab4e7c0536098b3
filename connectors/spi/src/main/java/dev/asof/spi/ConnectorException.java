package dev.asof.spi;

import static java.util.Objects.requireNonNull;

/**
 * An engine failed or rejected work. The message is the engine's own, without a stack trace; the
 * gateway adds context (which statement) before reporting it. {@link #kind()} says what kind of
 * failure it was, as far as the engine's error codes tell.
 */
public class ConnectorException extends RuntimeException {
    /** What kind of failure an engine reported. */
    public enum Kind {
        /** Any other failure: a bad statement, a failed cast, an engine or network error. */
        ENGINE_ERROR,
        /** A table, schema or catalog the statement names does not exist. */
        MISSING_OBJECT,
        /** The statement was cancelled or ran out of time. */
        CANCELLED,
        /**
         * A date or time outside the range asof supports (0001-01-01 to 9999-12-31), or an
         * infinite one, where it cannot be computed with or sent to a client (SQLSTATE 22008).
         */
        DATETIME_OVERFLOW,
        /**
         * The connection to the engine broke (the server stopped or became unreachable, the
         * connection was closed underneath the statement): SQLSTATE 08006. The work may or may not
         * have happened; a new statement gets a new connection.
         */
        CONNECTION_LOST
    }

    private final Kind kind;

    public ConnectorException(String message, Throwable cause) {
        this(message, cause, Kind.ENGINE_ERROR);
    }

    public ConnectorException(String message, Throwable cause, boolean cancelled) {
        this(message, cause, cancelled ? Kind.CANCELLED : Kind.ENGINE_ERROR);
    }

    public ConnectorException(String message, Throwable cause, Kind kind) {
        super(message, cause);
        this.kind = requireNonNull(kind, "kind");
    }

    /** What kind of failure this is. */
    public Kind kind() {
        return kind;
    }

    /** True when the engine stopped because the statement was cancelled or timed out. */
    public boolean cancelled() {
        return kind == Kind.CANCELLED;
    }

    /** True when a table, schema or catalog the statement names does not exist. */
    public boolean missingObject() {
        return kind == Kind.MISSING_OBJECT;
    }
}
