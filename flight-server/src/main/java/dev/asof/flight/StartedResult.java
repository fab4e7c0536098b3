package dev.asof.flight;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.RowCursor;
import dev.asof.spi.warehouse.ArrowExport;
import dev.asof.spi.warehouse.QueryControl;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A statement that already runs, waiting for its rows to be streamed: the engine's Arrow batches,
 * a cursor of rows to convert, or nothing (an update count). Owns the child allocator the batches
 * come from; closing it cancels what still runs and releases everything.
 *
 * @param sql the user's statement, for error messages
 * @param schema the result schema declared to the client (empty for an update count)
 * @param batches the engine's own Arrow batches, whose types are {@code schema}'s; or null
 * @param cursor rows to convert to {@code schema}; or null
 */
record StartedResult(String sql, Schema schema, QueryControl control, BufferAllocator allocator,
        ArrowExport.ArrowBatches batches, RowCursor cursor) implements AutoCloseable {
    StartedResult {
        requireNonNull(sql, "sql");
        requireNonNull(schema, "schema");
        requireNonNull(control, "control");
        requireNonNull(allocator, "allocator");
        if (batches != null && cursor != null) {
            throw new IllegalArgumentException("a result is either Arrow batches or a cursor");
        }
    }

    /** Stops the statement if it still runs and releases its resources. */
    void abandon() {
        control.cancel();
        close();
    }

    @Override
    public void close() {
        try {
            if (batches != null) {
                batches.close();
            }
            if (cursor != null) {
                cursor.close();
            }
        } finally {
            closeQuietly(allocator);
        }
    }

    /** Closes a child allocator; buffers of a cancelled stream may still be accounted to it. */
    static void closeQuietly(BufferAllocator allocator) {
        try {
            allocator.close();
        } catch (IllegalStateException e) {
            // leaked accounting only: the buffers are freed with their reader
        }
    }
}
