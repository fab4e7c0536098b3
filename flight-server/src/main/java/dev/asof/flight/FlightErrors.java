package dev.asof.flight;

import dev.asof.gateway.execution.ClientErrors;
import dev.asof.planner.error.AsofException;
import java.util.function.Supplier;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.ErrorFlightMetadata;
import org.apache.arrow.flight.FlightRuntimeException;

/**
 * The Flight errors clients see: the asof message (with line:column where the planner gives it),
 * a status that fits the error code, the SQLSTATE in the metadata key {@value #SQLSTATE_KEY}, and
 * never a stack trace.
 */
final class FlightErrors {
    static final String SQLSTATE_KEY = "x-asof-sqlstate";

    private FlightErrors() {}

    /** Runs {@code work}, turning any failure into the Flight error a client sees. */
    static <T> T guarded(Supplier<T> work, String sql) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            throw toFlight(e, sql);
        }
    }

    /** @param sql the statement, for the gateway log when the failure is unexpected; may be null */
    static FlightRuntimeException toFlight(RuntimeException e, String sql) {
        if (e instanceof FlightRuntimeException f) {
            return f;
        }
        AsofException error = ClientErrors.of(e, sql);
        CallStatus status = switch (error.code()) {
            case SYNTAX_ERROR, INVALID_QUERY, PIT_JOIN_REQUIRED, INVALID_PARAMETER, INVALID_DEFINITION, INVALID_SOURCE,
                    INVALID_DATETIME, STATEMENT_TOO_COMPLEX, DATETIME_OVERFLOW, INVALID_PUSH_VALUE, NULL_PUSH_VALUE,
                    PUSH_COLUMNS_MISMATCH, DIVISION_BY_ZERO, NUMERIC_OUT_OF_RANGE -> CallStatus.INVALID_ARGUMENT;
            case UNKNOWN_OBJECT, NO_SUCH_STATEMENT, RESULT_EXPIRED -> CallStatus.NOT_FOUND;
            case ALREADY_EXISTS -> CallStatus.ALREADY_EXISTS;
            case NOT_SUPPORTED -> CallStatus.UNIMPLEMENTED;
            case CANCELLED -> CallStatus.CANCELLED;
            case ENGINE_ERROR, INTERNAL_ERROR, PUSH_LOG_FAILED -> CallStatus.INTERNAL;
            case INSUFFICIENT_PRIVILEGE -> CallStatus.UNAUTHORIZED;
            case AUTHENTICATION_REQUIRED, AUTHENTICATION_FAILED -> CallStatus.UNAUTHENTICATED;
            case TOO_MANY_STATEMENTS -> CallStatus.RESOURCE_EXHAUSTED;
            case CONNECTION_LOST -> CallStatus.UNAVAILABLE;
            // Flight has no FAILED_PRECONDITION: a statement that needs something done first is an invalid argument.
            case VALUE_OUT_OF_RANGE, PREREQUISITE_MISSING -> CallStatus.INVALID_ARGUMENT;
        };
        ErrorFlightMetadata metadata = new ErrorFlightMetadata();
        metadata.insert(SQLSTATE_KEY, error.code().sqlState());
        FlightRuntimeException out = status.withDescription(error.getMessage()).withMetadata(metadata).toRuntimeException();
        out.setStackTrace(new StackTraceElement[0]);
        return out;
    }
}
