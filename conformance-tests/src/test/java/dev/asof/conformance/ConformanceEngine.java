package dev.asof.conformance;

import java.math.BigDecimal;
import java.sql.JDBCType;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/**
 * One warehouse engine behind a running gateway. The suites only see this class and
 * {@code java.sql.*}; a new engine (Trino) adds a subclass and reruns every suite unchanged.
 *
 * <p>Everything that is warehouse SQL text written by the tests (literals, column types) is
 * rendered here so that an engine whose dialect differs can override it. asof's own syntax (AS OF
 * TIMESTAMP '...', TTL INTERVAL ...) is written by the suites directly: the gateway parses it.
 */
public abstract class ConformanceEngine implements AutoCloseable {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter TS_MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    private static final DateTimeFormatter TS_TZ =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssxxx");

    /** {@code jdbc:asof://host:port} of the running gateway (may change after a restart). */
    public abstract String jdbcUrl();

    /** Warehouse catalog in which tests create their schemas and tables ({@code lake} on DuckDB). */
    public abstract String catalog();

    /**
     * Stops the gateway and starts a new one on the same registry/warehouse state (same data
     * directory embedded, same registry database and Trino server distributed).
     */
    public abstract void restartGateway();

    /** Text EXPLAIN shows for the offline route of a PIT join on this engine. */
    public abstract String offlineRoute();

    /** Stops the gateway and removes what the engine created. */
    @Override
    public abstract void close();

    /** Column type spelling for CREATE TABLE passed through to the warehouse. */
    public String sqlType(JDBCType type) {
        return switch (type) {
            case BIGINT -> "BIGINT";
            case DOUBLE -> "DOUBLE";
            case VARCHAR -> "VARCHAR";
            case TIMESTAMP -> "TIMESTAMP";
            case TIMESTAMP_WITH_TIMEZONE -> "TIMESTAMP WITH TIME ZONE";
            default -> throw new IllegalArgumentException("no test uses " + type);
        };
    }

    /**
     * Plain timestamp literal (read as UTC by asof), e.g. {@code TIMESTAMP '2025-01-01 10:00:00'},
     * with six fraction digits when the time has a fraction of a second.
     */
    public String timestamp(LocalDateTime t) {
        return "TIMESTAMP '" + (t.getNano() == 0 ? TS : TS_MICROS).format(t) + "'";
    }

    /** Zoned literal, e.g. {@code CAST('2025-01-01 10:00:00+02:00' AS TIMESTAMP WITH TIME ZONE)}. */
    public String timestampTz(OffsetDateTime t) {
        return "CAST('" + TS_TZ.format(t) + "' AS TIMESTAMP WITH TIME ZONE)";
    }

    /**
     * A warehouse literal for a test value: null, Long/Integer, Double, String, LocalDateTime
     * (plain timestamp) or OffsetDateTime (timestamp with time zone).
     */
    public String literal(Object v) {
        if (v == null) {
            return "NULL";
        } else if (v instanceof Long || v instanceof Integer) {
            return v.toString();
        } else if (v instanceof Double d) {
            return "CAST(" + BigDecimal.valueOf(d).toPlainString() + " AS DOUBLE)";
        } else if (v instanceof String s) {
            return "'" + s.replace("'", "''") + "'";
        } else if (v instanceof LocalDateTime t) {
            return timestamp(t);
        } else if (v instanceof OffsetDateTime t) {
            return timestampTz(t);
        }
        throw new IllegalArgumentException("no literal for " + v.getClass());
    }
}
