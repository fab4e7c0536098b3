package dev.asof.gateway.observability;

import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.RowCursor;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.ForwardingWarehouseConnector;
import dev.asof.spi.warehouse.LoadMode;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.WarehouseConnector;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Iterator;
import java.util.List;

/**
 * Times the warehouse's work: {@value #DURATION}{@code {engine, kind}} with kind {@code query}
 * (until the engine returned its first rows: reading the rest is the client's pace),
 * {@code update} (until done), {@code arrow} (an Arrow export, until its reader is ready) and
 * {@code load} (a bulk load, until done); failures in {@value #ERRORS}. Everything the gateway sends
 * the warehouse passes here: client statements, materialization, planning's describes excepted.
 */
public final class MeteredWarehouse extends ForwardingWarehouseConnector {
    private static final String NAME = "asof.warehouse.query";
    public static final String DURATION = NAME + ".duration";
    public static final String ERRORS = NAME + ".errors";
    private static final String DESCRIPTION = "Warehouse work, by engine and kind";

    private final TimedCalls query;
    private final TimedCalls update;
    private final TimedCalls arrow;
    private final TimedCalls load;

    public MeteredWarehouse(WarehouseConnector delegate, MeterRegistry registry) {
        super(delegate);
        String engine = delegate.engineName();
        this.query = TimedCalls.register(registry, NAME, DESCRIPTION, "engine", engine, "kind", "query");
        this.update = TimedCalls.register(registry, NAME, DESCRIPTION, "engine", engine, "kind", "update");
        this.arrow = TimedCalls.register(registry, NAME, DESCRIPTION, "engine", engine, "kind", "arrow");
        this.load = TimedCalls.register(registry, NAME, DESCRIPTION, "engine", engine, "kind", "load");
    }

    @Override
    public RowCursor executeQuery(String sql, List<Object> parameters, QueryControl control) {
        return query.time(() -> super.executeQuery(sql, parameters, control));
    }

    @Override
    public long executeUpdate(String sql, QueryControl control) {
        return update.time(() -> super.executeUpdate(sql, control));
    }

    @Override
    public ArrowBatches executeArrow(String sql, List<Object> parameters, QueryControl control, Object allocator,
            int batchRows) {
        return arrow.time(() -> super.executeArrow(sql, parameters, control, allocator, batchRows));
    }

    @Override
    public long bulkLoad(TableName table, List<ColumnMetadata> columns, LoadMode mode, Iterator<Object[]> rows) {
        return load.time(() -> super.bulkLoad(table, columns, mode, rows));
    }
}
