package dev.asof.connector.jdbc;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.ConnectorException.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How one engine's JDBC driver reports failures: what {@link Kind} a {@link SQLException} is,
 * judged by the codes the driver sets (SQLSTATE, vendor error code, exception class), and which
 * text is the engine's message.
 *
 * <p>The classification never decides on free message text where the driver sets a code; an
 * engine whose driver sets none says so in its implementation and documents what it reads
 * instead.
 */
public interface JdbcErrors {
    /**
     * What the SQL standard and X/Open say, for drivers that set SQLSTATE: class 42S02 (base table
     * not found), 42P01 (undefined table), 3D000 (invalid catalog name) and 3F000 (invalid schema
     * name) are missing objects; 57014 (query cancelled), HYT00/HYT01 (timeouts) and
     * {@link SQLTimeoutException} are cancellations.
     */
    JdbcErrors STANDARD = new JdbcErrors() {
        private static final Set<String> MISSING = Set.of("42S02", "42P01", "3D000", "3F000");
        private static final Set<String> CANCELLED = Set.of("57014", "HYT00", "HYT01");

        @Override
        public Kind classify(SQLException e) {
            String state = e.getSQLState();
            if (e instanceof SQLTimeoutException || (state != null && CANCELLED.contains(state))) {
                return Kind.CANCELLED;
            }
            if (state != null && MISSING.contains(state)) {
                return Kind.MISSING_OBJECT;
            }
            return Kind.ENGINE_ERROR;
        }
    };

    /** The kind of failure {@code e} reports. */
    Kind classify(SQLException e);

    /**
     * True when {@code e} says the connection to the engine broke, by the codes JDBC defines for
     * it: SQLSTATE class {@code 08} (connection exception), the driver's
     * {@link SQLNonTransientConnectionException} or {@link SQLRecoverableException}, or a network
     * failure ({@link IOException}: refused, reset, closed) as a cause. Not a pool that gave no
     * connection in time ({@link java.sql.SQLTransientConnectionException} without such a cause):
     * that is load, not a broken connection.
     */
    default boolean connectionLost(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) {
                return true;
            }
            if (t instanceof SQLNonTransientConnectionException || t instanceof SQLRecoverableException
                    || t instanceof IOException || t instanceof UncheckedIOException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The message for a broken connection: the network failure's own words (e.g. {@code Failed to
     * connect to /10.0.0.1:8080: Connection refused}) without the Java exception names some drivers
     * put in front of them.
     */
    static String connectionLostMessage(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() == null || t.getMessage().isBlank()) {
                continue;
            }
            String m = JAVA_NAME.matcher(firstLine(t)).replaceAll("").trim();
            if (!m.isEmpty() && out.indexOf(m) < 0) {
                if (out.length() > 0) {
                    out.append(": ");
                }
                out.append(m);
            }
        }
        return out.length() == 0 ? "the connection was closed" : out.toString();
    }

    /** A qualified Java exception class name and its colon, as drivers prefix wrapped messages. */
    Pattern JAVA_NAME = Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_]*(?:Exception|Error)\\b:?\\s*");

    /** The engine's message for users: by default the first line of the exception's message. */
    default String message(Throwable e) {
        return firstLine(e);
    }

    /** The first line of {@code e}'s message, trimmed; the class name when there is no message. */
    static String firstLine(Throwable e) {
        requireNonNull(e, "e");
        String m = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return (nl > 0 ? m.substring(0, nl) : m).trim();
    }

    /** True when {@code e} or one of its causes is a {@code type}. */
    static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
