package dev.asof.gateway.push;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Rows of one push source that are durable in the write-ahead log, in arrival order.
 *
 * @param source the push source's registry name (as Registry/Source.name() spells it)
 * @param firstSequence the log sequence number of rows.get(0); row i has firstSequence + i
 * @param createdMicros the gateway's arrival instant of the batch, microseconds since the epoch (UTC);
 *        it is every row's CREATED TIME
 * @param rows each row's values in the source's declared column order (Source.columns() order, not
 *        including the created-time column), in the Java types a warehouse RowCursor returns for
 *        those column types (Long, Double, String, Boolean, java.time.LocalDateTime for TIMESTAMP, ...)
 */
public record PushedBatch(String source, long firstSequence, long createdMicros, List<Object[]> rows) {
    public PushedBatch {
        requireNonNull(source, "source");
        rows = List.copyOf(rows);
    }
}
