package dev.asof.gateway.push;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.catalog.Push;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.sql.Nodes;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.RowCursor;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.LoadMode;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.sql.JDBCType;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

/**
 * The warehouse tables of push sources, in the warehouse's push schema
 * ({@link WarehouseConnector#pushSchema()}): one per source, named as the source (lower case),
 * with the declared columns, then {@value Push#CREATED_TIME} ({@code TIMESTAMP}, UTC, the arrival
 * instant) and {@value Push#SEQUENCE} ({@code BIGINT}, the log sequence number). Every statement
 * asof sends here is built as a tree and unparsed in the warehouse's dialect.
 */
final class PushTables {
    private final WarehouseConnector warehouse;

    PushTables(WarehouseConnector warehouse) {
        this.warehouse = requireNonNull(warehouse, "warehouse");
    }

    /** The schema push tables live in; fails with a clear error when the warehouse has none. */
    SchemaName schema() {
        return warehouse.pushSchema().orElseThrow(() -> new AsofException(ErrorCode.NOT_SUPPORTED,
                warehouse.engineName() + " has no schema for push sources configured"
                        + " (for Trino: asof.trino.push-schema=catalog.schema, a writable one)"));
    }

    TableName table(String source) {
        return TableName.of(schema(), source.toLowerCase(Locale.ROOT));
    }

    /**
     * Creates (replacing any leftover of a dropped source of that name) the table of push source
     * {@code source}; returns its columns as the warehouse describes them, without the sequence.
     */
    List<ColumnMetadata> create(String source, List<ColumnMetadata> declared) {
        warehouse.createSchema(schema());
        TableName table = table(source);
        warehouse.bulkLoad(table, tableColumns(declared), LoadMode.REPLACE, Collections.emptyIterator());
        List<ColumnMetadata> described = warehouse.describeTable(table).orElseThrow(() -> new AsofException(
                ErrorCode.ENGINE_ERROR, "the table of push source '" + source + "' was not created"));
        return described.stream().filter(c -> !c.name().equalsIgnoreCase(Push.SEQUENCE)).toList();
    }

    static List<ColumnMetadata> tableColumns(List<ColumnMetadata> pushed) {
        List<ColumnMetadata> columns = new ArrayList<>(pushed);
        columns.add(new ColumnMetadata(Push.CREATED_TIME, JDBCType.TIMESTAMP, "TIMESTAMP", 0, 6));
        columns.add(new ColumnMetadata(Push.SEQUENCE, JDBCType.BIGINT, "BIGINT", 0, 0));
        return columns;
    }

    /**
     * The greatest sequence number of {@code node}'s range in {@code table}, or -1 when it has no
     * rows of that node (other gateways' rows are in ranges of their own).
     */
    long maxSequence(TableName table, PushNode node) {
        SqlSelect select = Nodes.select(List.of(SqlStdOperatorTable.MAX.createCall(Nodes.POS, Nodes.id(Push.SEQUENCE))),
                Nodes.id(table.parts()), inRange(node), false);
        try (RowCursor c = warehouse.executeQuery(sql(select), List.of(), QueryControl.none())) {
            if (c.next() && c.value(0) != null) {
                return ((Number) c.value(0)).longValue();
            }
            return -1;
        }
    }

    /**
     * Up to {@code limit} values of column {@code key} of the rows most recently pushed through
     * {@code node}, oldest first.
     */
    List<Object> recentKeys(TableName table, String key, int limit, PushNode node) {
        SqlSelect select = Nodes.select(List.of(Nodes.id(key)), Nodes.id(table.parts()), inRange(node), false);
        select.setOrderBy(SqlNodeList.of(SqlStdOperatorTable.DESC.createCall(Nodes.POS, Nodes.id(Push.SEQUENCE))));
        select.setFetch(Nodes.number(limit));
        List<Object> keys = new ArrayList<>();
        try (RowCursor c = warehouse.executeQuery(sql(select), List.of(), QueryControl.none())) {
            while (c.next()) {
                keys.add(c.value(0));
            }
        }
        Collections.reverse(keys);
        return keys;
    }

    /** {@code _seq BETWEEN first AND last} of the node's range. */
    private static SqlNode inRange(PushNode node) {
        return SqlStdOperatorTable.AND.createCall(Nodes.POS,
                SqlStdOperatorTable.GREATER_THAN_OR_EQUAL.createCall(Nodes.POS, Nodes.id(Push.SEQUENCE),
                        Nodes.number(node.firstSequence())),
                SqlStdOperatorTable.LESS_THAN_OR_EQUAL.createCall(Nodes.POS, Nodes.id(Push.SEQUENCE),
                        Nodes.number(node.lastSequence())));
    }

    /**
     * Appends the rows of {@code batches} (all of one source) whose sequence is above
     * {@code above}, all or nothing.
     *
     * @param pushed the source's pushed columns
     * @return the greatest sequence now in the table ({@code above} when nothing was appended)
     */
    long append(TableName table, List<ColumnMetadata> pushed, List<PushedBatch> batches, long above) {
        List<Object[]> rows = new ArrayList<>();
        long max = above;
        for (PushedBatch b : batches) {
            LocalDateTime created = LocalDateTime.ofEpochSecond(Math.floorDiv(b.createdMicros(), 1_000_000L),
                    (int) Math.floorMod(b.createdMicros(), 1_000_000L) * 1_000, ZoneOffset.UTC);
            for (int i = 0; i < b.rows().size(); i++) {
                long sequence = b.firstSequence() + i;
                if (sequence <= above) {
                    continue;
                }
                Object[] values = b.rows().get(i);
                Object[] row = new Object[values.length + 2];
                System.arraycopy(values, 0, row, 0, values.length);
                row[values.length] = created;
                row[values.length + 1] = sequence;
                rows.add(row);
                max = Math.max(max, sequence);
            }
        }
        if (!rows.isEmpty()) {
            Iterator<Object[]> it = rows.iterator();
            warehouse.bulkLoad(table, tableColumns(pushed), LoadMode.APPEND, it);
        }
        return max;
    }

    private String sql(SqlNode node) {
        return node.toSqlString(c -> c.withDialect(warehouse.dialect().sqlDialect()).withQuoteAllIdentifiers(true))
                .getSql();
    }
}
