package dev.asof.gateway.execution;

import dev.asof.spi.RowCursor;

/** What running a statement produced: rows to stream, or an update count. */
public sealed interface StatementResult {
    /** Rows; the caller closes the cursor. */
    record Rows(RowCursor cursor) implements StatementResult {}

    /** A count of changed rows; -1 when the statement does not count (DDL). */
    record UpdateCount(long count) implements StatementResult {}
}
