package dev.asof.planner.error;

/**
 * Stable error codes reported to clients. Each has an explicit number (the JDBC vendor code,
 * {@link java.sql.SQLException#getErrorCode()}) that never changes once published, and a SQLSTATE
 * so that clients can branch on {@link java.sql.SQLException#getSQLState()} without parsing
 * messages. New codes take the next unused number; the order of the constants does not matter.
 */
public enum ErrorCode {
    /** The statement text does not parse. */
    SYNTAX_ERROR(1, "42000"),
    /** A table, view, entity, source or column name does not resolve. */
    UNKNOWN_OBJECT(2, "42S02"),
    /** A definition with this name already exists. */
    ALREADY_EXISTS(3, "42S01"),
    /** A CREATE statement is well formed but describes something asof cannot build. */
    INVALID_DEFINITION(4, "42P17"),
    /** A query is semantically wrong (types, join shape, missing key condition). */
    INVALID_QUERY(5, "42P18"),
    /** A feature view is joined without AS OF: the classic label-leakage bug. */
    PIT_JOIN_REQUIRED(6, "42P19"),
    /** A source file or table is missing, unreadable or has the wrong column types. */
    INVALID_SOURCE(7, "22P02"),
    /** Valid SQL asof does not support yet. */
    NOT_SUPPORTED(8, "0A000"),
    /** A statement parameter is missing or of the wrong type. */
    INVALID_PARAMETER(9, "22023"),
    /** The warehouse or online store rejected or failed the generated work. */
    ENGINE_ERROR(10, "58000"),
    /** A statement was cancelled or ran past its timeout. */
    CANCELLED(11, "57014"),
    /** A bug in asof; the message says what failed without internals. */
    INTERNAL_ERROR(12, "XX000"),
    /**
     * A statement exceeds a program limit: longer than 1 MiB of text, parentheses or subqueries
     * nested more than 200 deep, or chained too long to plan (SQLSTATE class 54).
     */
    STATEMENT_TOO_COMPLEX(13, "54001"),
    /** A TIMESTAMP, DATE, TIME or INTERVAL literal is malformed or out of range. */
    INVALID_DATETIME(14, "22007"),
    /**
     * A date or time in the data is outside the supported range 0001-01-01 to 9999-12-31, or is
     * infinite where it cannot be sent to a client (datetime field overflow).
     */
    DATETIME_OVERFLOW(15, "22008"),
    /** The authenticated user may not run this statement (e.g. a non-admin managing users). */
    INSUFFICIENT_PRIVILEGE(16, "42501"),
    /** A call came without credentials. */
    AUTHENTICATION_REQUIRED(17, "28000"),
    /**
     * Credentials were refused: unknown user and wrong password give the same answer, so that
     * user names cannot be probed; also after too many failures.
     */
    AUTHENTICATION_FAILED(18, "28P01"),
    /**
     * A request names a statement or handle its connection or session does not own, or one that
     * is closed: answered the same either way, so that another client's statements are neither
     * reached nor revealed.
     */
    NO_SUCH_STATEMENT(19, "08003"),
    /**
     * A result was closed by the gateway because its client fetched nothing from it for the idle
     * timeout ({@code asof.result.idle-timeout}); its warehouse connection went back to the pool
     * (invalid cursor state).
     */
    RESULT_EXPIRED(20, "24000"),
    /**
     * The gateway admits no more warehouse statements for now: a limit on statements running at
     * once (per connection or session, per user, or in all) stayed reached for the whole queue
     * wait, or the queue is full. The message names the limit and its value; retrying later works
     * (SQLSTATE class 53, insufficient resources).
     */
    TOO_MANY_STATEMENTS(21, "53000"),
    /** The connection to the warehouse broke while the statement ran or started (SQLSTATE class 08). */
    CONNECTION_LOST(22, "08006"),
    /**
     * A value pushed into a push source cannot be converted to its column's type (a string for a
     * BIGINT, a fraction for an integer, a number out of range); nothing of the statement is stored.
     */
    INVALID_PUSH_VALUE(25, "22018"),
    /**
     * A pushed row leaves NULL in a column that must have a value (the event time, the idempotency
     * key); nothing of the statement is stored (integrity constraint violation, not null).
     */
    NULL_PUSH_VALUE(26, "23502"),
    /**
     * An INSERT into a push source names a column twice, a column the source does not have, or
     * gives a row with another number of values than columns (SQLSTATE 21S01, insert value list
     * does not match column list); nothing of the statement is stored.
     */
    PUSH_COLUMNS_MISMATCH(27, "21S01"),
    /**
     * The write-ahead log of pushed rows could not be written or synced to disk: the rows of the
     * statement were not acknowledged and are not visible (system error, I/O).
     */
    PUSH_LOG_FAILED(28, "58030"),
    /** An expression evaluated by asof (an online lookup's request-time expression) divided by zero. */
    DIVISION_BY_ZERO(31, "22012"),
    /** An expression evaluated by asof overflowed its numeric type. */
    NUMERIC_OUT_OF_RANGE(32, "22003"),
    /**
     * A number in a statement is outside the range its setting allows (e.g. LOG SAMPLE above 1, a
     * DRIFT THRESHOLD of 0): numeric value out of range.
     */
    VALUE_OUT_OF_RANGE(35, "22003"),
    /**
     * What a statement needs is not there yet, e.g. VALIDATE of a view none of whose lookups were
     * logged (object not in prerequisite state); the message says what to do first.
     */
    PREREQUISITE_MISSING(36, "55000");

    private final int code;
    private final String sqlState;

    ErrorCode(int code, String sqlState) {
        this.code = code;
        this.sqlState = sqlState;
    }

    /** The stable number clients see as the vendor error code. */
    public int code() {
        return code;
    }

    public String sqlState() {
        return sqlState;
    }
}
