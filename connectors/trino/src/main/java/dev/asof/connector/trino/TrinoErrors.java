package dev.asof.connector.trino;

import dev.asof.connector.jdbc.JdbcErrors;
import dev.asof.spi.ConnectorException.Kind;
import java.sql.SQLException;
import java.util.concurrent.CancellationException;

/**
 * How trino-jdbc 476 reports Trino's failures (pinned against a Trino 476 server by
 * TrinoDriverFactsTest).
 *
 * <p>A failed query is a {@link SQLException} whose message is {@code Query failed (#<query id>):
 * <Trino's message>}, whose vendor code ({@link SQLException#getErrorCode()}) is Trino's error
 * code ({@code io.trino.spi.StandardErrorCode}, stable across releases) and whose SQLSTATE is
 * null: Trino sets none. The codes read here:
 *
 * <ul>
 *   <li>missing object: {@code CATALOG_NOT_FOUND} 44, {@code SCHEMA_NOT_FOUND} 45,
 *       {@code TABLE_NOT_FOUND} 46;
 *   <li>cancelled: {@code USER_CANCELED} 3 (the client abandoned the query),
 *       {@code ADMINISTRATIVELY_KILLED} 38 ({@code system.runtime.kill_query}),
 *       {@code EXCEEDED_TIME_LIMIT} 131075 ({@code query_max_run_time}, which trino-jdbc's
 *       {@code setQueryTimeout} sets). A query cancelled on the client side
 *       ({@code Statement.cancel()}) fails with code 0 and a
 *       {@link CancellationException} as cause, which counts too.
 * </ul>
 */
final class TrinoErrors implements JdbcErrors {
    static final TrinoErrors INSTANCE = new TrinoErrors();

    /** {@code GENERIC_USER_ERROR}: among others, what Trino's {@code fail(message)} raises. */
    static final int GENERIC_USER_ERROR = 0;
    static final int USER_CANCELED = 3;
    static final int NOT_FOUND = 5;
    static final int NOT_SUPPORTED = 13;
    static final int ADMINISTRATIVELY_KILLED = 38;
    static final int CATALOG_NOT_FOUND = 44;
    static final int SCHEMA_NOT_FOUND = 45;
    static final int TABLE_NOT_FOUND = 46;
    static final int EXCEEDED_TIME_LIMIT = 131075;

    private static final String QUERY_FAILED = "Query failed (#";
    /** How asof's own range check starts its message ({@code Instants.outOfRangeMessage}). */
    private static final String OUT_OF_RANGE = "asof 22008: ";

    private TrinoErrors() {}

    @Override
    public Kind classify(SQLException e) {
        if (e.getErrorCode() == GENERIC_USER_ERROR && message(e).startsWith(OUT_OF_RANGE)) {
            // asof's own range check (TrinoDialect.instant) raises fail('asof 22008: ...'): asof's text, not Trino's.
            return Kind.DATETIME_OVERFLOW;
        }
        return switch (e.getErrorCode()) {
            case CATALOG_NOT_FOUND, SCHEMA_NOT_FOUND, TABLE_NOT_FOUND -> Kind.MISSING_OBJECT;
            case USER_CANCELED, ADMINISTRATIVELY_KILLED, EXCEEDED_TIME_LIMIT -> Kind.CANCELLED;
            default -> JdbcErrors.hasCause(e, CancellationException.class) ? Kind.CANCELLED : Kind.ENGINE_ERROR;
        };
    }

    /** Trino's message: the first line, without trino-jdbc's {@code Query failed (#id):} prefix. */
    @Override
    public String message(Throwable e) {
        String m = JdbcErrors.firstLine(e);
        if (m.startsWith(QUERY_FAILED)) {
            int colon = m.indexOf("):");
            if (colon > 0) {
                m = m.substring(colon + 2).trim();
            }
        }
        return m;
    }

    /**
     * True when {@code system.runtime.kill_query} failed because its target is no longer running:
     * Trino answers {@code NOT_SUPPORTED} 13 ("Target query is not running") for a query that
     * ended and {@code NOT_FOUND} 5 ("Target query not found") for one it already forgot.
     */
    static boolean isQueryAlreadyEnded(SQLException killFailure) {
        int code = killFailure.getErrorCode();
        return code == NOT_SUPPORTED || code == NOT_FOUND;
    }
}
