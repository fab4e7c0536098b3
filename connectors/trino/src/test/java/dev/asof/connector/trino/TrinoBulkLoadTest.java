package dev.asof.connector.trino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.RowCursor;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.LoadMode;
import dev.asof.spi.warehouse.QueryControl;
import java.math.BigDecimal;
import java.sql.JDBCType;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Schemas and bulk loads on the test Trino's {@code memory} catalog: every push-source column
 * type read back exactly, values that look like SQL stored as text, chunked INSERTs, the load
 * modes, and what a load that fails in its second chunk leaves (the first chunk, as documented).
 */
class TrinoBulkLoadTest {
    /** 5 rows of 2 columns per INSERT: small chunks, so that chunking is exercised with a few rows. */
    private static final int LOAD_PARAMETERS = 10;

    private TrinoConnector connector;
    private SchemaName schema;

    @BeforeEach
    void open() {
        schema = new SchemaName("memory", "load_test_" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
        TrinoSettings settings = new TrinoSettings(TestingTrinoServer.shared().jdbcUrl(), "asof-load",
                Optional.of("memory"), Optional.of("default"), Map.of(), 2, Optional.empty(), Optional.of(schema));
        connector = TrinoConnector.open(settings, LOAD_PARAMETERS);
    }

    @AfterEach
    void close() {
        if (connector != null) {
            connector.dropSchema(schema);
            connector.close();
        }
    }

    @Test
    void everyColumnTypeIsReadBackExactly() {
        assertThat(connector.pushSchema()).contains(schema);
        connector.createSchema(schema);
        connector.createSchema(schema); // exists: nothing happens
        TableName table = TableName.of(schema, "typed");
        List<ColumnMetadata> columns = List.of(ColumnMetadata.of("id", JDBCType.BIGINT),
                ColumnMetadata.of("n", JDBCType.INTEGER), ColumnMetadata.of("s", JDBCType.SMALLINT),
                ColumnMetadata.of("d", JDBCType.DOUBLE), ColumnMetadata.of("r", JDBCType.REAL),
                new ColumnMetadata("price", JDBCType.DECIMAL, "DECIMAL", 10, 3), ColumnMetadata.of("b", JDBCType.BOOLEAN),
                ColumnMetadata.of("text", JDBCType.VARCHAR), ColumnMetadata.of("day", JDBCType.DATE),
                ColumnMetadata.of("at", JDBCType.TIMESTAMP), ColumnMetadata.of("zoned", JDBCType.TIMESTAMP_WITH_TIMEZONE),
                ColumnMetadata.of("t", JDBCType.TIME), ColumnMetadata.of("_seq", JDBCType.BIGINT));
        String injection = "x'), (2, 0, 0, 0, 0, 0, true, 'y', NULL, NULL, NULL, NULL, 0); DROP TABLE memory.default.z; --";
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {1L, 7, (short) 3, 0.1 + 0.2, 1.5f, new BigDecimal("1234567.891"), true, injection,
                LocalDate.of(1, 1, 1), LocalDateTime.of(2025, 3, 1, 12, 0, 0, 123_456_000),
                OffsetDateTime.of(2025, 3, 1, 13, 0, 0, 654_321_000, ZoneOffset.ofHours(1)), LocalTime.of(23, 59, 59, 999_999_000),
                Long.MAX_VALUE});
        rows.add(new Object[] {2L, null, null, null, null, null, null, "it's \"quoted\" \\ and ünïcode", null,
                LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000), null, null, -1L});

        assertThat(connector.bulkLoad(table, columns, LoadMode.CREATE, rows.iterator())).isEqualTo(2);

        assertThat(rows(table, "id")).containsExactly(
                Arrays.asList(1L, 7, (short) 3, 0.30000000000000004, 1.5f, new BigDecimal("1234567.891"), true, injection,
                        LocalDate.of(1, 1, 1), LocalDateTime.of(2025, 3, 1, 12, 0, 0, 123_456_000),
                        OffsetDateTime.of(2025, 3, 1, 12, 0, 0, 654_321_000, ZoneOffset.UTC),
                        LocalTime.of(23, 59, 59, 999_999_000), Long.MAX_VALUE),
                Arrays.asList(2L, null, null, null, null, null, null, "it's \"quoted\" \\ and ünïcode", null,
                        LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000), null, null, -1L));
        // The table is described with Trino's microsecond types.
        List<ColumnMetadata> described = connector.describeTable(table).orElseThrow();
        assertThat(described).extracting(ColumnMetadata::name).containsExactly("id", "n", "s", "d", "r", "price", "b",
                "text", "day", "at", "zoned", "t", "_seq");
        assertThat(described.get(9).typeName()).isEqualTo("timestamp(6)");
        assertThat(described.get(11).typeName()).isEqualTo("time(6)");
        assertThat(described.get(5).typeName()).isEqualTo("decimal(10,3)");
    }

    @Test
    void rowsGoInChunksAndTheModesCreateAppendOrReplace() {
        connector.createSchema(schema);
        TableName table = TableName.of(schema, "chunked");
        List<ColumnMetadata> columns = List.of(ColumnMetadata.of("id", JDBCType.BIGINT), ColumnMetadata.of("v", JDBCType.VARCHAR));

        assertThat(connector.bulkLoad(table, columns, LoadMode.CREATE, numbered(1, 23).iterator())).isEqualTo(23);
        assertThat(connector.bulkLoad(table, columns, LoadMode.APPEND, numbered(24, 30).iterator())).isEqualTo(7);
        assertThat(connector.bulkLoad(table, columns, LoadMode.CREATE_OR_APPEND, numbered(31, 35).iterator())).isEqualTo(5);
        assertThat(ids(table)).isEqualTo(range(1, 35));

        ConnectorException exists = catchThrowableOfType(ConnectorException.class,
                () -> connector.bulkLoad(table, columns, LoadMode.CREATE, numbered(1, 1).iterator()));
        assertThat(exists.getMessage()).contains("already exists").doesNotContain("Query failed");
        assertThat(ids(table)).hasSize(35);

        // REPLACE drops the old table, rows and columns.
        List<ColumnMetadata> other = List.of(ColumnMetadata.of("id", JDBCType.BIGINT), ColumnMetadata.of("w", JDBCType.DOUBLE));
        List<Object[]> replaced = List.of(new Object[] {100L, 2.5}, new Object[] {101L, null});
        assertThat(connector.bulkLoad(table, other, LoadMode.REPLACE, replaced.iterator())).isEqualTo(2);
        assertThat(rows(table, "id")).containsExactly(Arrays.asList(100L, 2.5), Arrays.asList(101L, null));
        // An empty REPLACE makes an empty table (how a push source's table is created).
        assertThat(connector.bulkLoad(table, columns, LoadMode.REPLACE, List.<Object[]>of().iterator())).isZero();
        assertThat(connector.describeTable(table).orElseThrow()).extracting(ColumnMetadata::name).containsExactly("id", "v");
        assertThat(ids(table)).isEmpty();

        ConnectorException missing = catchThrowableOfType(ConnectorException.class,
                () -> connector.bulkLoad(TableName.of(schema, "nowhere"), columns, LoadMode.APPEND, numbered(1, 1).iterator()));
        assertThat(missing.missingObject()).isTrue();
    }

    @Test
    void aLoadThatFailsInItsSecondChunkLeavesTheFirstChunk() {
        connector.createSchema(schema);
        TableName table = TableName.of(schema, "partial");
        List<ColumnMetadata> columns = List.of(ColumnMetadata.of("id", JDBCType.BIGINT),
                new ColumnMetadata("amount", JDBCType.DECIMAL, "DECIMAL", 4, 1));
        List<Object[]> rows = new ArrayList<>();
        for (long id = 1; id <= 12; id++) {
            // Row 7 (second chunk of five) does not fit DECIMAL(4, 1): Trino fails that INSERT.
            rows.add(new Object[] {id, id == 7 ? new BigDecimal("12345.6") : BigDecimal.valueOf(id)});
        }

        ConnectorException failed = catchThrowableOfType(ConnectorException.class,
                () -> connector.bulkLoad(table, columns, LoadMode.CREATE, rows.iterator()));

        assertThat(failed.getMessage()).contains("12345.6").endsWith("(5 row(s) of this load were inserted before it failed)");
        assertThat(ids(table)).isEqualTo(range(1, 5));
    }

    @Test
    void dropSchemaDropsItsTablesAndViews() {
        connector.createSchema(schema);
        TableName table = TableName.of(schema, "t");
        connector.bulkLoad(table, List.of(ColumnMetadata.of("id", JDBCType.BIGINT)), LoadMode.CREATE,
                List.<Object[]>of(new Object[] {1L}).iterator());
        connector.executeUpdate("CREATE VIEW \"memory\".\"" + schema.schema() + "\".\"v\" AS SELECT 1 AS x", QueryControl.none());
        assertThat(connector.listTables()).contains(table, TableName.of(schema, "v"));

        connector.dropSchema(schema);

        assertThat(connector.describeTable(table)).isEmpty();
        assertThat(connector.listTables()).noneMatch(t -> t.schema().equals(Optional.of(schema.schema())));
        connector.dropSchema(schema); // gone: nothing happens
        connector.createSchema(schema); // and it can be made again
        assertThat(connector.bulkLoad(table, List.of(ColumnMetadata.of("id", JDBCType.BIGINT)), LoadMode.CREATE,
                List.<Object[]>of(new Object[] {2L}).iterator())).isEqualTo(1);
    }

    @Test
    void chunkSizeFollowsTheColumnCount() {
        TrinoLoader loader = new TrinoLoader(TrinoConnector.LOAD_PARAMETERS);
        assertThat(loader.chunkRows(7)).isEqualTo(1_428);
        assertThat(loader.chunkRows(20_000)).isEqualTo(1);
        assertThat(TrinoLoader.insertSql("\"c\".\"s\".\"t\"", List.of(ColumnMetadata.of("a", JDBCType.BIGINT),
                ColumnMetadata.of("b c", JDBCType.TIMESTAMP)), 2)).isEqualTo("INSERT INTO \"c\".\"s\".\"t\" (\"a\", \"b c\")"
                        + " SELECT CAST(v1 AS BIGINT), CAST(v2 AS TIMESTAMP(6)) FROM (VALUES (?, ?), (?, ?)) AS v(v1, v2)");
    }

    private static List<Object[]> numbered(long from, long to) {
        List<Object[]> rows = new ArrayList<>();
        for (long id = from; id <= to; id++) {
            rows.add(new Object[] {id, "row " + id});
        }
        return rows;
    }

    private static List<Long> range(long from, long to) {
        List<Long> ids = new ArrayList<>();
        for (long id = from; id <= to; id++) {
            ids.add(id);
        }
        return ids;
    }

    private List<Long> ids(TableName table) {
        List<Long> ids = new ArrayList<>();
        for (List<Object> row : rows(table, "id")) {
            ids.add((Long) row.get(0));
        }
        return ids;
    }

    private List<List<Object>> rows(TableName table, String orderBy) {
        List<List<Object>> out = new ArrayList<>();
        try (RowCursor c = connector.executeQuery("SELECT * FROM " + TrinoConnector.qualifiedName(table.parts())
                + " ORDER BY " + TrinoConnector.quoteIdentifier(orderBy), List.of(), QueryControl.none())) {
            while (c.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 0; i < c.columns().size(); i++) {
                    row.add(c.value(i));
                }
                out.add(row);
            }
        }
        return out;
    }
}
