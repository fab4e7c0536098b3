package dev.asof.spi.warehouse;

import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.RowCursor;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
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

    /** How the planner spells SQL for this engine. */
    EngineDialect dialect();

    /**
     * Where unqualified table names resolve: {@code [catalog, schema]}, {@code [catalog]} or empty
     * (the engine's own default).
     */
    List<String> defaultSchema();

    /** Columns of a table, or empty if it does not exist; a missing catalog/schema part takes the engine's default. */
    Optional<List<ColumnMetadata>> describeTable(TableName table);

    /** Every table and view the engine exposes, fully qualified. */
    List<TableName> listTables();

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

    /**
     * How many statements this connector runs at once at most (for a pooled connector, its pool
     * size): the gateway sizes its admission limits from it, so that statements queue in the
     * gateway, where the wait is bounded and a full queue is a clear error, instead of in the pool.
     */
    default int maxConcurrentStatements() {
        return 8;
    }

    /** Creates a schema if it does not exist. */
    default void createSchema(SchemaName schema) {
        throw new ConnectorException(engineName() + " cannot create schemas", null);
    }

    /** Drops a schema and everything in it, if it exists. */
    default void dropSchema(SchemaName schema) {
        throw new ConnectorException(engineName() + " cannot drop schemas", null);
    }

    /**
     * Loads rows into a table, all or nothing where the engine has transactions: when it fails, no
     * row (and no newly created table) is visible. An engine without multi-statement write
     * transactions (Trino) loads in ordered chunks, each all or nothing, and says in its
     * implementation what a failed load leaves; a caller that must not load a row twice reads
     * what the table holds before loading again.
     *
     * @param table a fully qualified table name
     * @param columns the rows' columns; used to create the table (name, JDBC type, precision, scale)
     * @param mode whether to create, append or replace
     * @param rows one {@code Object[]} per row with values as {@link RowCursor} documents them
     *     ({@code Long}, {@code Integer}, {@code Double}, {@code BigDecimal}, {@code String},
     *     {@code Boolean}, {@code LocalDate}, {@code LocalDateTime}, {@code OffsetDateTime},
     *     {@code LocalTime} or null); arrays may be reused between rows
     * @return the number of rows loaded
     */
    default long bulkLoad(TableName table, List<ColumnMetadata> columns, LoadMode mode, Iterator<Object[]> rows) {
        throw new ConnectorException(engineName() + " does not support bulk loading", null);
    }

    /**
     * Where asof keeps the tables of push sources (rows pushed through the gateway and appended
     * with {@link #bulkLoad}): a schema this connector may create tables in. Empty when the
     * warehouse takes no push sources.
     */
    default java.util.Optional<dev.asof.spi.SchemaName> pushSchema() {
        return java.util.Optional.empty();
    }

    @Override
    void close();
}
