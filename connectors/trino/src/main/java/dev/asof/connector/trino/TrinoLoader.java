package dev.asof.connector.trino;

import static java.util.Objects.requireNonNull;

import dev.asof.connector.jdbc.BaseJdbcConnector;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.LoadMode;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Bulk loads into Trino on one connection: the table is created as the {@link LoadMode} says,
 * then the rows go in chunks, each one statement
 * {@code INSERT INTO t (c1, …) SELECT CAST(v1 AS type1), … FROM (VALUES (?, …), (?, …)) AS v(v1, …)}
 * with every value a bound parameter (trino-jdbc sends them as typed literals of
 * {@code EXECUTE IMMEDIATE … USING}; the statement text holds only quoted names and type names).
 * The casts make each VALUES column the table column's type whatever Java class carried it.
 *
 * <p>What a failure leaves: Trino runs each statement in its own transaction (most catalogs,
 * Hive, Iceberg, Delta and memory among them, take no multi-statement write transactions), so
 * each chunk is all or nothing as the catalog's INSERT is, and chunks go in the rows' order: a
 * load that fails leaves the rows of the chunks before the failing one (a prefix of whole chunks)
 * and, for {@code CREATE}, {@code REPLACE} and {@code CREATE_OR_APPEND}, the table it created. A
 * load whose connection broke may have committed its last chunk or not. Callers that must not
 * load a row twice find out what is there before loading again (the push path's {@code _seq}).
 */
final class TrinoLoader {
    private final int maxParameters;

    /** @param maxParameters bound values per INSERT at most (a chunk holds at least one row) */
    TrinoLoader(int maxParameters) {
        if (maxParameters < 1) {
            throw new IllegalArgumentException("maxParameters must be positive: " + maxParameters);
        }
        this.maxParameters = maxParameters;
    }

    /** Rows per INSERT for a table of {@code columns} columns. */
    int chunkRows(int columns) {
        return Math.max(1, maxParameters / Math.max(1, columns));
    }

    /**
     * Loads {@code rows} into the qualified {@code table} on {@code c} (autocommit).
     *
     * @param loaded told the number of rows inserted so far, after each chunk
     * @return the number of rows loaded
     */
    long load(Connection c, TableName table, List<ColumnMetadata> columns, LoadMode mode, Iterator<Object[]> rows,
            java.util.function.LongConsumer loaded) throws SQLException {
        requireNonNull(table, "table");
        requireNonNull(columns, "columns");
        requireNonNull(rows, "rows");
        String relation = BaseJdbcConnector.qualifiedName(table.parts());
        String definition = " (" + columns.stream()
                .map(col -> BaseJdbcConnector.quoteIdentifier(col.name()) + " " + sqlType(col))
                .collect(Collectors.joining(", ")) + ")";
        try (Statement s = c.createStatement()) {
            switch (mode) {
                case CREATE -> s.execute("CREATE TABLE " + relation + definition);
                case REPLACE -> {
                    // CREATE OR REPLACE TABLE is not in every catalog (memory, Hive lack it).
                    s.execute("DROP TABLE IF EXISTS " + relation);
                    s.execute("CREATE TABLE " + relation + definition);
                }
                case CREATE_OR_APPEND -> s.execute("CREATE TABLE IF NOT EXISTS " + relation + definition);
                case APPEND -> { }
            }
        }
        int perChunk = chunkRows(columns.size());
        long count = 0;
        List<Object[]> chunk = new ArrayList<>(Math.min(perChunk, 1024));
        PreparedStatement full = null;
        try {
            while (rows.hasNext()) {
                // Arrays may be reused between rows: copy.
                chunk.add(rows.next().clone());
                if (chunk.size() == perChunk) {
                    if (full == null) {
                        full = c.prepareStatement(insertSql(relation, columns, perChunk));
                    }
                    count += insert(full, columns, chunk);
                    loaded.accept(count);
                    chunk.clear();
                }
            }
            if (!chunk.isEmpty()) {
                try (PreparedStatement last = c.prepareStatement(insertSql(relation, columns, chunk.size()))) {
                    count += insert(last, columns, chunk);
                    loaded.accept(count);
                }
            }
        } finally {
            if (full != null) {
                full.close();
            }
        }
        return count;
    }

    private static int insert(PreparedStatement ps, List<ColumnMetadata> columns, List<Object[]> chunk)
            throws SQLException {
        int index = 1;
        for (Object[] row : chunk) {
            for (int i = 0; i < columns.size(); i++) {
                bind(ps, index++, row[i]);
            }
        }
        ps.executeUpdate();
        return chunk.size();
    }

    /** The INSERT of {@code rowCount} rows: names and type names only, every value a marker. */
    static String insertSql(String relation, List<ColumnMetadata> columns, int rowCount) {
        String targets = columns.stream().map(col -> BaseJdbcConnector.quoteIdentifier(col.name()))
                .collect(Collectors.joining(", "));
        String casts = IntStream.range(0, columns.size())
                .mapToObj(i -> "CAST(v" + (i + 1) + " AS " + sqlType(columns.get(i)) + ")")
                .collect(Collectors.joining(", "));
        String aliases = IntStream.range(0, columns.size()).mapToObj(i -> "v" + (i + 1))
                .collect(Collectors.joining(", "));
        String row = "(" + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ")";
        StringBuilder sql = new StringBuilder(64 + rowCount * (row.length() + 2))
                .append("INSERT INTO ").append(relation).append(" (").append(targets).append(") SELECT ").append(casts)
                .append(" FROM (VALUES ");
        for (int r = 0; r < rowCount; r++) {
            sql.append(r == 0 ? "" : ", ").append(row);
        }
        return sql.append(") AS v(").append(aliases).append(')').toString();
    }

    /** Binds one value of a class {@code RowCursor} documents; other objects go as their text. */
    private static void bind(PreparedStatement ps, int index, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(index, Types.NULL);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            ps.setLong(index, ((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
            ps.setDouble(index, ((Number) v).doubleValue());
        } else if (v instanceof BigDecimal d) {
            ps.setBigDecimal(index, d);
        } else if (v instanceof Boolean b) {
            ps.setBoolean(index, b);
        } else if (v instanceof String s) {
            ps.setString(index, s);
        } else if (v instanceof java.time.LocalDate || v instanceof java.time.LocalDateTime
                || v instanceof java.time.OffsetDateTime || v instanceof java.time.LocalTime) {
            ps.setObject(index, v);
        } else {
            ps.setString(index, v.toString());
        }
    }

    /** The Trino type of a column: microsecond times, unbounded VARCHAR. */
    static String sqlType(ColumnMetadata c) {
        return switch (c.jdbcType()) {
            case BIGINT -> "BIGINT";
            case INTEGER -> "INTEGER";
            case SMALLINT -> "SMALLINT";
            case TINYINT -> "TINYINT";
            case DOUBLE -> "DOUBLE";
            case FLOAT, REAL -> "REAL";
            case DECIMAL, NUMERIC -> "DECIMAL(" + Math.max(1, Math.min(38, c.precision())) + ", "
                    + Math.max(0, Math.min(c.scale(), Math.max(1, Math.min(38, c.precision())))) + ")";
            case BOOLEAN, BIT -> "BOOLEAN";
            case DATE -> "DATE";
            case TIMESTAMP -> "TIMESTAMP(6)";
            case TIMESTAMP_WITH_TIMEZONE -> "TIMESTAMP(6) WITH TIME ZONE";
            case TIME -> "TIME(6)";
            default -> "VARCHAR";
        };
    }
}
