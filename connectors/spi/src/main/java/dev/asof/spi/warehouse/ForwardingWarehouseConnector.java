package dev.asof.spi.warehouse;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.RowCursor;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import java.sql.JDBCType;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * A {@link WarehouseConnector} that passes every call to another one, Arrow export included when
 * the other one has it; subclasses override what they observe or change (admission, metrics).
 */
public abstract class ForwardingWarehouseConnector implements WarehouseConnector, ArrowExport {
    private final WarehouseConnector delegate;

    protected ForwardingWarehouseConnector(WarehouseConnector delegate) {
        this.delegate = requireNonNull(delegate, "delegate");
    }

    protected WarehouseConnector delegate() {
        return delegate;
    }

    @Override
    public RowCursor executeQuery(String sql, List<Object> parameters, QueryControl control) {
        return delegate.executeQuery(sql, parameters, control);
    }

    @Override
    public long executeUpdate(String sql, QueryControl control) {
        return delegate.executeUpdate(sql, control);
    }

    @Override
    public boolean arrowExportAvailable() {
        return delegate instanceof ArrowExport export && export.arrowExportAvailable();
    }

    @Override
    public ArrowBatches executeArrow(String sql, List<Object> parameters, QueryControl control, Object allocator,
            int batchRows) {
        return arrowExport().executeArrow(sql, parameters, control, allocator, batchRows);
    }

    /** The delegate's Arrow export; fails when it has none. */
    protected ArrowExport arrowExport() {
        if (!(delegate instanceof ArrowExport export)) {
            throw new UnsupportedOperationException(delegate.engineName() + " exports no Arrow batches");
        }
        return export;
    }

    @Override
    public String engineName() {
        return delegate.engineName();
    }

    @Override
    public EngineDialect dialect() {
        return delegate.dialect();
    }

    @Override
    public List<String> defaultSchema() {
        return delegate.defaultSchema();
    }

    @Override
    public Optional<List<ColumnMetadata>> describeTable(TableName table) {
        return delegate.describeTable(table);
    }

    @Override
    public List<TableName> listTables() {
        return delegate.listTables();
    }

    @Override
    public List<ColumnMetadata> describeQuery(String sql) {
        return delegate.describeQuery(sql);
    }

    @Override
    public List<ColumnMetadata> describeFile(String path, FileFormat format) {
        return delegate.describeFile(path, format);
    }

    @Override
    public List<JDBCType> describeParameters(String sql) {
        return delegate.describeParameters(sql);
    }

    @Override
    public int maxConcurrentStatements() {
        return delegate.maxConcurrentStatements();
    }

    @Override
    public void createSchema(SchemaName schema) {
        delegate.createSchema(schema);
    }

    @Override
    public void dropSchema(SchemaName schema) {
        delegate.dropSchema(schema);
    }

    @Override
    public long bulkLoad(TableName table, List<ColumnMetadata> columns, LoadMode mode, Iterator<Object[]> rows) {
        return delegate.bulkLoad(table, columns, mode, rows);
    }

    @Override
    public java.util.Optional<dev.asof.spi.SchemaName> pushSchema() {
        return delegate.pushSchema();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
