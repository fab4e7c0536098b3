package dev.asof.connector.duckdb;

import dev.asof.connector.jdbc.JdbcErrors;
import dev.asof.spi.ConnectorException.Kind;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How duckdb_jdbc 2.0.0.1 reports DuckDB's failures (pinned by DuckDbDriverFactsTest).
 *
 * <p>The driver sets no code for an engine error: it throws a plain {@link SQLException} with
 * SQLSTATE null and vendor code 0 (the SQLSTATE its data-chunk API sets is derived by the driver
 * from the message text, e.g. any "binder error" becomes 42S02, so it is no signal either). The
 * one structured signal is DuckDB's own exception type, which the engine writes at a fixed place:
 * every message starts with {@code <ExceptionType> Error: } ({@code Catalog Error: },
 * {@code INTERRUPT Error: }, {@code Conversion Error: }, ...). This class reads that token, and
 * nothing else of the text:
 *
 * <ul>
 *   <li>{@code Catalog} is a missing object. DuckDB raises it for a missing table, view, schema,
 *       catalog, function or type; it also raises it when a {@code CREATE} finds the object
 *       already there, which only a user's own DDL ({@code executeUpdate}) can meet, never a
 *       query or a describe.
 *   <li>{@code INTERRUPT}, or the driver's {@link SQLTimeoutException} (which it throws for an
 *       interrupted query on its non-streaming path), is a cancellation.
 * </ul>
 */
final class DuckDbErrors implements JdbcErrors {
    static final DuckDbErrors INSTANCE = new DuckDbErrors();

    /**
     * The whole message the JDBC binding throws when it finds that a streamed result already
     * failed: it drops the engine's error and says this instead (see
     * {@link DuckDbConnector#recoverFailure}). Fixed text of the binding, with no code.
     */
    static final String LOST_ERROR = "Invalid Input Error: Invalid result set";

    private static final Pattern EXCEPTION_TYPE = Pattern.compile("^([A-Za-z][A-Za-z ]*?) Error: ");

    private DuckDbErrors() {}

    @Override
    public Kind classify(SQLException e) {
        if (e instanceof SQLTimeoutException) {
            return Kind.CANCELLED;
        }
        return switch (exceptionType(e).orElse("")) {
            case "Catalog" -> Kind.MISSING_OBJECT;
            case "INTERRUPT" -> Kind.CANCELLED;
            default -> Kind.ENGINE_ERROR;
        };
    }

    /** DuckDB's exception type, the token before {@code " Error: "} at the start of the message. */
    static Optional<String> exceptionType(SQLException e) {
        String m = e.getMessage();
        if (m == null) {
            return Optional.empty();
        }
        Matcher matcher = EXCEPTION_TYPE.matcher(m);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** True for the binding's stand-in for an error it lost ({@link #LOST_ERROR}). */
    static boolean isLostError(SQLException e) {
        return LOST_ERROR.equals(e.getMessage());
    }
}
