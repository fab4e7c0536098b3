package dev.asof.gateway.admission;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.execution.AfterClose;
import dev.asof.gateway.execution.StatementOwner;
import dev.asof.spi.RowCursor;
import dev.asof.spi.warehouse.ArrowExport;
import dev.asof.spi.warehouse.ForwardingWarehouseConnector;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.util.List;

/**
 * The warehouse as one statement's owner uses it: queries, updates and Arrow exports are admitted
 * by {@link WarehouseAdmission} first, and hold their permit until their work ends (a query's:
 * until its cursor or batches are closed, since an open result keeps its pooled connection).
 * Describing, listing and loading go straight to the warehouse: they are short and planning needs
 * them. Made per execution; closing it does nothing (the gateway owns the warehouse).
 */
public final class AdmittedWarehouse extends ForwardingWarehouseConnector {
    private final WarehouseAdmission admission;
    private final StatementOwner owner;

    public AdmittedWarehouse(WarehouseConnector warehouse, WarehouseAdmission admission, StatementOwner owner) {
        super(warehouse);
        this.admission = requireNonNull(admission, "admission");
        this.owner = requireNonNull(owner, "owner");
    }

    @Override
    public RowCursor executeQuery(String sql, List<Object> parameters, QueryControl control) {
        WarehouseAdmission.Permit permit = admission.admit(owner, control);
        try {
            return AfterClose.cursor(delegate().executeQuery(sql, parameters, control), permit::release);
        } catch (RuntimeException | Error e) {
            permit.release();
            throw e;
        }
    }

    @Override
    public long executeUpdate(String sql, QueryControl control) {
        WarehouseAdmission.Permit permit = admission.admit(owner, control);
        try {
            return delegate().executeUpdate(sql, control);
        } finally {
            permit.release();
        }
    }

    @Override
    public ArrowBatches executeArrow(String sql, List<Object> parameters, QueryControl control, Object allocator,
            int batchRows) {
        ArrowExport export = arrowExport();
        WarehouseAdmission.Permit permit = admission.admit(owner, control);
        try {
            return AfterClose.batches(export.executeArrow(sql, parameters, control, allocator, batchRows),
                    permit::release);
        } catch (RuntimeException | Error e) {
            permit.release();
            throw e;
        }
    }

    /** Does nothing: the warehouse outlives every statement. */
    @Override
    public void close() {}
}
