package dev.asof.gateway.execution;

import dev.asof.gateway.online.OnlineServing;
import dev.asof.spi.ColumnMetadata;
import java.sql.JDBCType;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/** The one-row result of MATERIALIZE: what the run did. Times are TIMESTAMP in UTC. */
final class MaterializeResults {
    static final List<ColumnMetadata> COLUMNS = List.of(
            ColumnMetadata.of("view_name", JDBCType.VARCHAR),
            ColumnMetadata.of("run_id", JDBCType.BIGINT),
            ColumnMetadata.of("changes_after", JDBCType.TIMESTAMP),
            ColumnMetadata.of("as_of", JDBCType.TIMESTAMP),
            ColumnMetadata.of("rows_written", JDBCType.BIGINT),
            ColumnMetadata.of("duration_ms", JDBCType.BIGINT));

    private MaterializeResults() {}

    static ListCursor cursor(OnlineServing.RunSummary run) {
        List<Object> row = Arrays.asList(run.view(), run.runId(), run.changesAfter().map(MaterializeResults::utc).orElse(null),
                utc(run.asOf()), run.rowsWritten(), run.duration().toMillis());
        return new ListCursor(COLUMNS, List.of(row));
    }

    static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
