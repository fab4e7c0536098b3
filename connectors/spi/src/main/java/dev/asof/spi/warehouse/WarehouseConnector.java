package dev.asof.spi.warehouse;

import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.RowCursor;
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

    @Override
    void close();
}
