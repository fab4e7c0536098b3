package dev.asof.spi.warehouse;

import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.RowCursor;
import java.sql.JDBCType;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The warehouse side of asof: runs SQL that the planner generated (or a user's own statement
 * passed through) and describes tables. Implementations hold their own connection pool and are
 * safe for concurrent use. They never see user SQL text except in {@link #executeUpdate}, which
 * runs a user's own non-query statement as written.
 */
public interface WarehouseConnector extends AutoCloseable {
    /** Engine name as shown in EXPLAIN, e.g. {@code duckdb}. */
    String engineName();

    /** Columns of a table, or empty if it does not exist. {@code path} is catalog, schema, table (any prefix may be omitted). */
    Optional<List<ColumnMetadata>> describeTable(List<String> path);

    /** Every table and view the engine exposes, as {@code [catalog, schema, table]}. */
    List<List<String>> listTables();

    /**
     * Result columns of a query without running it.
     *
     * @param sql generated SQL with {@code ?} parameter markers
     */
    List<ColumnMetadata> describeQuery(String sql);

    /**
     * Runs a query and streams its rows.
     *
     * @param sql generated SQL with {@code ?} markers
     * @param parameters values bound to the markers in order
     * @param control lets the caller cancel the running statement
     */
    RowCursor executeQuery(String sql, List<Object> parameters, QueryControl control);

    /** Runs a user's own non-query statement (DDL/DML) as written; returns the update count or -1. */
    long executeUpdate(String sql, QueryControl control);

    /** Checks a data file and returns its columns; fails with a clear message if unreadable. */
    List<ColumnMetadata> describeFile(String path, FileFormat format);

    /**
     * Types of a query's {@code ?} parameters in marker order, as far as the engine can tell
     * ({@code JDBCType.OTHER} where it cannot); empty when the engine does not describe parameters.
     */
    default List<JDBCType> describeParameters(String sql) {
        return List.of();
    }

    /** Creates a schema ({@code [catalog, schema]}) if it does not exist. */
    default void createSchema(List<String> path) {
        throw new ConnectorException(engineName() + " cannot create schemas", null);
    }

    /** Drops a schema ({@code [catalog, schema]}) and everything in it, if it exists. */
    default void dropSchema(List<String> path) {
        throw new ConnectorException(engineName() + " cannot drop schemas", null);
    }

    /**
     * Loads rows into a table, all or nothing: when it fails, no row (and no newly created table)
     * is visible.
     *
     * @param table {@code [catalog, schema, table]}
     * @param columns the rows' columns; used to create the table (name, JDBC type, precision, scale)
     * @param mode whether to create, append or replace
     * @param rows one {@code Object[]} per row with values as {@link RowCursor} documents them
     *     ({@code Long}, {@code Integer}, {@code Double}, {@code BigDecimal}, {@code String},
     *     {@code Boolean}, {@code LocalDate}, {@code LocalDateTime}, {@code OffsetDateTime},
     *     {@code LocalTime} or null); arrays may be reused between rows
     * @return the number of rows loaded
     */
    default long bulkLoad(List<String> table, List<ColumnMetadata> columns, LoadMode mode, Iterator<Object[]> rows) {
        throw new ConnectorException(engineName() + " does not support bulk loading", null);
    }

    @Override
    void close();
}
