package dev.asof.spi.warehouse;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.RowCursor;
import dev.asof.spi.TableName;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * A warehouse without an engine, for tests of the layers above the connectors (metadata caching,
 * protocol round trips): it has no tables, and every call that would need an engine fails with
 * {@link UnsupportedOperationException} naming the call. Tests override what they use.
 */
public class StubWarehouse implements WarehouseConnector {
    private final String engineName;
    private final EngineDialect dialect;

    /**
     * @param engineName the name EXPLAIN shows
     * @param dialect the dialect planners spell SQL in for this warehouse
     */
    public StubWarehouse(String engineName, EngineDialect dialect) {
        this.engineName = requireNonNull(engineName, "engineName");
        this.dialect = requireNonNull(dialect, "dialect");
    }

    /** A cursor over one row: column {@code i} holds {@code value.apply(i)}. */
    public static RowCursor oneRow(List<ColumnMetadata> columns, IntFunction<Object> value) {
        requireNonNull(columns, "columns");
        requireNonNull(value, "value");
        return new RowCursor() {
            private boolean done;

            @Override
            public List<ColumnMetadata> columns() {
                return columns;
            }

            @Override
            public boolean next() {
                boolean has = !done;
                done = true;
                return has;
            }

            @Override
            public Object value(int index) {
                return value.apply(index);
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public String engineName() {
        return engineName;
    }

    @Override
    public EngineDialect dialect() {
        return dialect;
    }

    /** {@code lake.main}, as the embedded warehouse's. */
    @Override
    public List<String> defaultSchema() {
        return List.of("lake", "main");
    }

    /** No table exists. */
    @Override
    public Optional<List<ColumnMetadata>> describeTable(TableName table) {
        return Optional.empty();
    }

    /** No table exists. */
    @Override
    public List<TableName> listTables() {
        return List.of();
    }

    @Override
    public List<ColumnMetadata> describeQuery(String sql) {
        throw new UnsupportedOperationException(engineName + " stub: describeQuery");
    }

    @Override
    public RowCursor executeQuery(String sql, List<Object> parameters, QueryControl control) {
        throw new UnsupportedOperationException(engineName + " stub: executeQuery");
    }

    @Override
    public long executeUpdate(String sql, QueryControl control) {
        throw new UnsupportedOperationException(engineName + " stub: executeUpdate");
    }

    @Override
    public List<ColumnMetadata> describeFile(String path, FileFormat format) {
        throw new UnsupportedOperationException(engineName + " stub: describeFile");
    }

    @Override
    public void close() {}
}
