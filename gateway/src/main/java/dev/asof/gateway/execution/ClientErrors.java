package dev.asof.gateway.execution;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.plan.Secret;
import dev.asof.spi.ConnectorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every protocol endpoint reports for a failure: an asof error, never a stack trace. */
public final class ClientErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ClientErrors.class);

    private ClientErrors() {}

    /**
     * The asof error a client is shown. Engine failures that surface while rows are read (after
     * execution started) keep the engine's message; anything unexpected is logged here with its
     * stack trace and reported as an internal error without it.
     *
     * @param sql the statement, for the log (passwords masked); may be null
     */
    public static AsofException of(RuntimeException e, String sql) {
        if (e instanceof AsofException ae) {
            return ae;
        }
        if (e instanceof ConnectorException ce) {
            ErrorCode code = codeOf(ce);
            return new AsofException(code, code == ErrorCode.CANCELLED ? "statement cancelled or timed out"
                    : ce.getMessage());
        }
        // A reference ties the client's report to the log entry; the client sees no Java names.
        String reference = java.util.UUID.randomUUID().toString().substring(0, 8);
        LOG.error("internal error [{}]{}", reference, sql == null ? "" : " in: " + Secret.maskPasswords(sql), e);
        return new AsofException(ErrorCode.INTERNAL_ERROR,
                "internal error [" + reference + "]; details are in the gateway log");
    }

    /** The error code (and so the SQLSTATE) a client is shown for {@code e}, as {@link #of} decides it. */
    public static ErrorCode codeOf(RuntimeException e) {
        if (e instanceof AsofException ae) {
            return ae.code();
        }
        if (e instanceof ConnectorException ce) {
            if (ce.cancelled()) {
                return ErrorCode.CANCELLED;
            }
            return switch (ce.kind()) {
                case DATETIME_OVERFLOW -> ErrorCode.DATETIME_OVERFLOW;
                case CONNECTION_LOST -> ErrorCode.CONNECTION_LOST;
                default -> ErrorCode.ENGINE_ERROR;
            };
        }
        return ErrorCode.INTERNAL_ERROR;
    }
}
