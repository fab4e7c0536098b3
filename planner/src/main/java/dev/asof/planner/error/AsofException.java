package dev.asof.planner.error;

import static java.util.Objects.requireNonNull;

/**
 * The one exception type asof reports to clients. The message is written for the person who typed
 * the statement: it names what is wrong, where (line:column for syntax), and how to fix it where
 * that is known. It never carries a stack trace across the wire.
 */
public class AsofException extends RuntimeException {
    private final ErrorCode code;

    public AsofException(ErrorCode code, String message) {
        super(requireNonNull(message, "message"));
        this.code = requireNonNull(code, "code");
    }

    public AsofException(ErrorCode code, String message, Throwable cause) {
        super(requireNonNull(message, "message"), cause);
        this.code = requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }

    /** The message as sent to a client: {@code CODE: message}. */
    public String clientMessage() {
        return code.name() + ": " + getMessage();
    }
}
