package dev.asof.gateway.admission;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.execution.AfterClose;
import dev.asof.gateway.execution.StatementOwner;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.RowCursor;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.ArrowExport;
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.spi.warehouse.FileFormat;
import dev.asof.spi.warehouse.LoadMode;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.sql.JDBCType;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The warehouse as one statement's owner uses it: queries, updates and Arrow exports are admitted
 * by {@link WarehouseAdmission} first, and hold their permit until their work ends (a query's:
 * until its cursor or batches are closed, since an open result keeps its pooled connection).
 * Describing, listing and loading go straight to the warehouse: they are short and planning needs
 * them. Made per execution; closing it does nothing (the gateway owns the warehouse).
 */
public final class AdmittedWarehouse implements WarehouseConnector, ArrowExport {
    private final WarehouseConnector warehouse;
    private final WarehouseAdmission admission;
    private final StatementOwner owner;

    public AdmittedWarehouse(WarehouseConnector warehouse, WarehouseAdmission admission, StatementOwner owner) {
        this.warehouse = requireNonNull(warehouse, "warehouse");
        this.admission = requireNonNull(admission, "admission");
        this.owner = requireNonNull(owner, "owner");
    }

    @Override
    public RowCursor executeQuery(String sql, List<Object> parameters, QueryControl control) {
        WarehouseAdmission.Permit permit = admission.admit(owner, control);
        try {
            return AfterClose.cursor(warehouse.executeQuery(sql, parameters, control), permit::release);
        } catch (RuntimeException | Error e) {
            permit.release();
            throw e;
        }
    }

    @Override
    public long executeUpdate(String sql, QueryControl control) {
        WarehouseAdmission.Permit permit = admission.admit(owner, control);
        try {
            return warehouse.executeUpdate(sql, control);
        } finally {
            permit.release();
        }
    }

    @Override
    public boolean arrowExportAvailable() {
        return warehouse instanceof ArrowExport export && export.arrowExportAvailable();
    }

    @Override
    public ArrowBatches executeArrow(String sql, List<Object> parameters, QueryControl control, Object allocator,
            int batchRows) {
        if (!(warehouse instanceof ArrowExport export)) {
            throw new UnsupportedOperationException(warehouse.engineName() + " exports no Arrow batches");
        }
        WarehouseAdmission.Permit permit = admission.admit(owner, control);
        try {
            return AfterClose.batches(export.executeArrow(sql, parameters, control, allocator, batchRows),
                    permit::release);
        } catch (RuntimeException | Error e) {
            permit.release();
            throw e;
        }
    }

    @Override
    public String engineName() {
        return warehouse.engineName();
    }

    @Override
    public EngineDialect dialect() {
        return warehouse.dialect();
    }

    @Override
    public List<String> defaultSchema() {
        return warehouse.defaultSchema();
    }

    @Override
    public Optional<List<ColumnMetadata>> describeTable(TableName table) {
        return warehouse.describeTable(table);
    }

    @Override
    public List<TableName> listTables() {
        return warehouse.listTables();
    }

    @Override
    public List<ColumnMetadata> describeQuery(String sql) {
        return warehouse.describeQuery(sql);
    }

    @Override
    public List<ColumnMetadata> describeFile(String path, FileFormat format) {
        return warehouse.describeFile(path, format);
    }

    @Override
    public List<JDBCType> describeParameters(String sql) {
        return warehouse.describeParameters(sql);
    }

    @Override
    public int maxConcurrentStatements() {
        return warehouse.maxConcurrentStatements();
    }

    @Override
    public void createSchema(SchemaName schema) {
        warehouse.createSchema(schema);
    }

    @Override
    public void dropSchema(SchemaName schema) {
        warehouse.dropSchema(schema);
    }

    @Override
    public long bulkLoad(TableName table, List<ColumnMetadata> columns, LoadMode mode, Iterator<Object[]> rows) {
        return warehouse.bulkLoad(table, columns, mode, rows);
    }

    /** Does nothing: the warehouse outlives every statement. */
    @Override
    public void close() {}
}
