package dev.asof.connector.jdbc;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.ConnectorException.Kind;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.Set;

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
