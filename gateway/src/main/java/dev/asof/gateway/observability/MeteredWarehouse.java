package dev.asof.gateway.observability;

import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.RowCursor;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.ForwardingWarehouseConnector;
import dev.asof.spi.warehouse.LoadMode;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.WarehouseConnector;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Times the warehouse's work: {@value #DURATION}{@code {engine, kind}} with kind {@code query}
 * (until the engine returned its first rows: reading the rest is the client's pace),
 * {@code update} (until done), {@code arrow} (an Arrow export, until its reader is ready) and
 * {@code load} (a bulk load, until done); failures in {@value #ERRORS}. Everything the gateway sends
 * the warehouse passes here: client statements, materialization, planning's describes excepted.
 */
public final class MeteredWarehouse extends ForwardingWarehouseConnector {
    public static final String DURATION = "asof.warehouse.query.duration";
    public static final String ERRORS = "asof.warehouse.query.errors";

    private final Kind query;
    private final Kind update;
    private final Kind arrow;
    private final Kind load;

    private record Kind(Timer timer, Counter errors) {
        void record(long start, boolean failed) {
            timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (failed) {
                errors.increment();
            }
        }
    }

    public MeteredWarehouse(WarehouseConnector delegate, MeterRegistry registry) {
        super(delegate);
        String engine = delegate.engineName();
        this.query = kind(registry, engine, "query");
        this.update = kind(registry, engine, "update");
        this.arrow = kind(registry, engine, "arrow");
        this.load = kind(registry, engine, "load");
    }

    private static Kind kind(MeterRegistry registry, String engine, String kind) {
        return new Kind(Timer.builder(DURATION).description("Warehouse work, by engine and kind")
                .tag("engine", engine).tag("kind", kind).serviceLevelObjectives(MetricBuckets.LATENCY)
                .register(registry),
                Counter.builder(ERRORS).description("Warehouse work that failed, by engine and kind")
                        .tag("engine", engine).tag("kind", kind).register(registry));
    }

    @Override
    public RowCursor executeQuery(String sql, List<Object> parameters, QueryControl control) {
        long start = System.nanoTime();
        boolean failed = true;
        try {
            RowCursor cursor = super.executeQuery(sql, parameters, control);
            failed = false;
            return cursor;
        } finally {
            query.record(start, failed);
        }
    }

    @Override
    public long executeUpdate(String sql, QueryControl control) {
        long start = System.nanoTime();
        boolean failed = true;
        try {
            long n = super.executeUpdate(sql, control);
            failed = false;
            return n;
        } finally {
            update.record(start, failed);
        }
    }

    @Override
    public ArrowBatches executeArrow(String sql, List<Object> parameters, QueryControl control, Object allocator,
            int batchRows) {
        long start = System.nanoTime();
        boolean failed = true;
        try {
            ArrowBatches batches = super.executeArrow(sql, parameters, control, allocator, batchRows);
            failed = false;
            return batches;
        } finally {
            arrow.record(start, failed);
        }
    }

    @Override
    public long bulkLoad(TableName table, List<ColumnMetadata> columns, LoadMode mode, Iterator<Object[]> rows) {
        long start = System.nanoTime();
        boolean failed = true;
        try {
            long n = super.bulkLoad(table, columns, mode, rows);
            failed = false;
            return n;
        } finally {
            load.record(start, failed);
        }
    }
}
