package dev.asof.planner.catalog;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.ColumnMetadata;
import java.util.List;
import java.util.Optional;

/**
 * Rows with an event time: a warehouse table or a file, plus the time metadata that point-in-time
 * rules need.
 *
 * @param eventTime column holding when the event happened (an instant; plain TIMESTAMP is UTC)
 * @param createdTime column holding when the row became known to the warehouse, if declared; a
 *     row is visible at T only once both times are at or before T
 * @param columns the source's columns as the warehouse reported them at CREATE; for a push source
 *     its declared columns, then {@link Push#CREATED_TIME}
 * @param push present for a push source, whose rows arrive through asof
 */
public record Source(
        String name,
        SourceLocation location,
        String eventTime,
        Optional<String> createdTime,
        List<ColumnMetadata> columns,
        String ddl,
        Optional<Push> push)
        implements CatalogObject {
    /** A source over a table or file someone else fills. */
    public Source(String name, SourceLocation location, String eventTime, Optional<String> createdTime,
            List<ColumnMetadata> columns, String ddl) {
        this(name, location, eventTime, createdTime, columns, ddl, Optional.empty());
    }

    public Source {
        requireNonNull(name, "name");
        requireNonNull(location, "location");
        requireNonNull(eventTime, "eventTime");
        requireNonNull(createdTime, "createdTime");
        columns = List.copyOf(columns);
        requireNonNull(ddl, "ddl");
        requireNonNull(push, "push");
    }

    /**
     * The columns a pushed row gives values for, in order: every column but the created time
     * (for a push source, the declared ones).
     */
    public List<ColumnMetadata> pushedColumns() {
        return push.isEmpty() ? columns : columns.stream()
                .filter(c -> !c.name().equalsIgnoreCase(Push.CREATED_TIME)).toList();
    }

    @Override
    public String tableType() {
        return "SOURCE";
    }

    public Optional<ColumnMetadata> column(String columnName) {
        return columns.stream().filter(c -> c.name().equalsIgnoreCase(columnName)).findFirst();
    }
}
