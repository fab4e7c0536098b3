package dev.asof.connector.duckdb;

import dev.asof.connector.jdbc.BaseJdbcConnector;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.LoadMode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/** Bulk loads through DuckDB's appender, in one transaction on a connection of its own. */
final class DuckDbLoader {
    private DuckDbLoader() {}

    /** Loads {@code rows} into the qualified {@code table}, all or nothing. */
    static long load(DuckDBConnection root, TableName table, List<ColumnMetadata> columns, LoadMode mode,
            Iterator<Object[]> rows) throws SQLException {
        String relation = BaseJdbcConnector.qualifiedName(table.parts());
        try (DuckDBConnection c = root.duplicate()) {
            try (Statement s = c.createStatement()) {
                s.execute("SET TimeZone = 'UTC'");
            }
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    String definition = " (" + columns.stream()
                            .map(col -> BaseJdbcConnector.quoteIdentifier(col.name()) + " " + sqlType(col))
                            .collect(Collectors.joining(", ")) + ")";
                    switch (mode) {
                        case CREATE -> s.execute("CREATE TABLE " + relation + definition);
                        case REPLACE -> s.execute("CREATE OR REPLACE TABLE " + relation + definition);
                        case CREATE_OR_APPEND -> s.execute("CREATE TABLE IF NOT EXISTS " + relation + definition);
                        case APPEND -> { }
                    }
                }
                long count = 0;
                try (DuckDBAppender a = c.createAppender(table.catalog().get(), table.schema().get(), table.table())) {
                    while (rows.hasNext()) {
                        Object[] row = rows.next();
                        a.beginRow();
                        for (int i = 0; i < columns.size(); i++) {
                            append(a, columns.get(i), row[i]);
                        }
                        a.endRow();
                        count++;
                    }
                    a.flush();
                }
                c.commit();
                return count;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection closes below; the transaction dies with it
                }
                throw e;
            }
        }
    }

    private static void append(DuckDBAppender a, ColumnMetadata column, Object v) throws SQLException {
        if (v == null) {
            a.appendNull();
            return;
        }
        switch (column.jdbcType()) {
            case BIGINT -> a.append(((Number) v).longValue());
            case INTEGER -> a.append(((Number) v).intValue());
            case SMALLINT -> a.append(((Number) v).shortValue());
            case TINYINT -> a.append(((Number) v).byteValue());
            case DOUBLE -> a.append(((Number) v).doubleValue());
            case FLOAT, REAL -> a.append(((Number) v).floatValue());
            case DECIMAL, NUMERIC -> a.append(((BigDecimal) v).setScale(column.scale(), RoundingMode.UNNECESSARY));
            case BOOLEAN, BIT -> a.append(((Boolean) v).booleanValue());
            case DATE -> a.append((LocalDate) v);
            case TIMESTAMP -> a.append((LocalDateTime) v);
            case TIMESTAMP_WITH_TIMEZONE -> a.append((OffsetDateTime) v);
            case TIME -> a.append((LocalTime) v);
            default -> a.append(v.toString());
        }
    }

    static String sqlType(ColumnMetadata c) {
        return switch (c.jdbcType()) {
            case BIGINT -> "BIGINT";
            case INTEGER -> "INTEGER";
            case SMALLINT -> "SMALLINT";
            case TINYINT -> "TINYINT";
            case DOUBLE -> "DOUBLE";
            case FLOAT, REAL -> "FLOAT";
            case DECIMAL, NUMERIC -> "DECIMAL(" + Math.max(1, Math.min(38, c.precision())) + ", " + c.scale() + ")";
            case BOOLEAN, BIT -> "BOOLEAN";
            case DATE -> "DATE";
            case TIMESTAMP -> "TIMESTAMP";
            case TIMESTAMP_WITH_TIMEZONE -> "TIMESTAMPTZ";
            case TIME -> "TIME";
            default -> "VARCHAR";
        };
    }
}
