package dev.asof.gateway.execution;

import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.RowCursor;
import java.util.List;

/** Rows the gateway computed itself (SHOW, DESCRIBE, EXPLAIN, DDL results). */
final class ListCursor implements RowCursor {
    private final List<ColumnMetadata> columns;
    private final List<List<Object>> rows;
    private int position = -1;

    ListCursor(List<ColumnMetadata> columns, List<List<Object>> rows) {
        this.columns = List.copyOf(columns);
        this.rows = rows;
    }

    @Override
    public List<ColumnMetadata> columns() {
        return columns;
    }

    @Override
    public boolean next() {
        return ++position < rows.size();
    }

    @Override
    public Object value(int index) {
        return rows.get(position).get(index);
    }

    @Override
    public void close() {}
}
