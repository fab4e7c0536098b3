package dev.asof.spi.warehouse;

import java.util.List;

/**
 * Optional capability of a {@link WarehouseConnector}: hand a query's result over as Arrow record
 * batches, with no per-value conversion. The types are {@code Object} so that the SPI does not
 * depend on Arrow; callers that have Arrow on the class path pass an
 * {@code org.apache.arrow.memory.BufferAllocator} and get an
 * {@code org.apache.arrow.vector.ipc.ArrowReader}.
 */
public interface ArrowExport {
    /** True when the export works in this process (e.g. Arrow's C data interface is on the class path). */
    boolean arrowExportAvailable();

    /**
     * Runs a query and returns its result as Arrow batches of about {@code batchRows} rows.
     *
     * @param allocator an {@code org.apache.arrow.memory.BufferAllocator} the batches are allocated from
     */
    ArrowBatches executeArrow(String sql, List<Object> parameters, QueryControl control, Object allocator, int batchRows);

    /** A running export; closing it releases the reader and the engine's resources. */
    interface ArrowBatches extends AutoCloseable {
        /** An {@code org.apache.arrow.vector.ipc.ArrowReader}. */
        Object reader();

        @Override
        void close();
    }
}
