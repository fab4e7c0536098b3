package dev.asof.spi.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.ConnectorException.Kind;
import dev.asof.spi.RowCursor;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import java.math.BigDecimal;
import java.sql.JDBCType;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link WarehouseConnector} must have, as one suite: a warehouse's test class
 * extends this, says how to open the connector and how to create a table with the engine's own
 * SQL. Every test uses tables whose names start with a prefix unique to that test, so the
 * warehouse may be shared (a Trino server for the whole test JVM); the suite drops what it created
 * when a test ends.
 *
 * <p>Values are checked in the forms {@link dev.asof.spi.RowCursor} documents.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class WarehouseConnectorContract {
    private static final LocalDateTime TS = LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000);
    private static final OffsetDateTime TSTZ = OffsetDateTime.of(TS, ZoneOffset.ofHours(2));
    /** Types and column names of {@link #casts}. */
    private static final List<JDBCType> CAST_TYPES = List.of(JDBCType.BIGINT, JDBCType.VARCHAR, JDBCType.DOUBLE,
            JDBCType.DECIMAL, JDBCType.BOOLEAN, JDBCType.DATE, JDBCType.TIMESTAMP);
    private static final List<String> CAST_NAMES = List.of("b", "v", "d", "m", "f", "dt", "ts");

    private final List<TableName> created = new ArrayList<>();
    private WarehouseConnector connector;
    private String prefix;

    /** Opens the connector under test; called before each test, closed after it. */
    protected abstract WarehouseConnector openConnector() throws Exception;

    /** Where unqualified table names resolve (the connector's default schema); test tables go there. */
    protected abstract SchemaName testSchema();

    /**
     * Creates {@code table} with the engine's own SQL and inserts {@code rows}.
     *
     * @param columnsDdl column definitions, e.g. {@code id BIGINT, name VARCHAR}, with types as
     *     {@link #sqlType} spells them
     * @param rows values in the forms of {@link #sqlLiteral}
     */
    protected abstract void createTable(TableName table, String columnsDdl, List<Object[]> rows) throws Exception;

    /** A query that runs for minutes and returns few rows, to be cancelled. */
    protected abstract String longRunningQuery();

    /** A query of {@code n} rows, one {@code BIGINT} column with the values 1 to n in any order. */
    protected abstract String rowsQuery(int n);

    /** The engine's own message (first line) for {@code SELECT CAST('x' AS INTEGER)}. */
    protected abstract String castErrorMessage();

    /** A {@code TIMESTAMP WITH TIME ZONE} literal of {@code value} in the engine's SQL. */
    protected abstract String timestampWithTimeZoneLiteral(OffsetDateTime value);

    /** The most statements the connector runs at once (its pool size). */
    protected abstract int poolSize();

    /** How the engine spells a type in DDL and CAST: by default the standard name. */
    protected String sqlType(JDBCType type) {
        return switch (type) {
            case TIMESTAMP_WITH_TIMEZONE -> "TIMESTAMP WITH TIME ZONE";
            case DECIMAL -> "DECIMAL(10, 2)";
            default -> type.getName();
        };
    }

    /** Drops {@code table} if it exists. */
    protected void dropTable(TableName table) {
        connector.executeUpdate("DROP TABLE IF EXISTS " + quoted(table), QueryControl.none());
    }

    @BeforeEach
    final void openConnectorForTest() throws Exception {
        byte[] random = new byte[4];
        new Random().nextBytes(random);
        prefix = "contract_" + HexFormat.of().formatHex(random) + "_";
        connector = openConnector();
    }

    @AfterEach
    final void dropTablesAndCloseConnector() {
        try {
            for (TableName table : created) {
                try {
                    dropTable(table);
                } catch (ConnectorException e) {
                    // best effort: names are unique per test, leftovers never collide
                }
            }
        } finally {
            connector.close();
        }
    }

    // ------------------------------------------------------------------ names and metadata

    @Test
    void engineNameIsTheDialectsAndDefaultSchemaIsTheTestSchema() {
        assertThat(connector.engineName()).matches("[a-z][a-z0-9-]*").isEqualTo(connector.dialect().name());
        assertThat(connector.defaultSchema()).isEqualTo(testSchema().parts());
    }

    @Test
    void describeTableWithAndWithoutCatalogAndSchema() throws Exception {
        TableName table = create("described", "id BIGINT, name VARCHAR, amount " + sqlType(JDBCType.DECIMAL)
                + ", seen " + sqlType(JDBCType.TIMESTAMP), List.of());

        List<TableName> spellings = List.of(table, TableName.of(List.of(testSchema().schema(), table.table())),
                TableName.of(List.of(table.table())));
        for (TableName name : spellings) {
            List<ColumnMetadata> columns = connector.describeTable(name).orElseThrow(
                    () -> new AssertionError(name + " was not found"));
            assertThat(columns).as("%s", name).extracting(ColumnMetadata::name)
                    .containsExactly("id", "name", "amount", "seen");
            assertThat(columns).as("%s", name).extracting(ColumnMetadata::jdbcType)
                    .containsExactly(JDBCType.BIGINT, JDBCType.VARCHAR, JDBCType.DECIMAL, JDBCType.TIMESTAMP);
            assertThat(columns.get(2).precision()).isEqualTo(10);
            assertThat(columns.get(2).scale()).isEqualTo(2);
        }
    }

    @Test
    void describeTableOfAMissingTableSchemaOrCatalogIsEmpty() {
        String missing = prefix + "missing";
        SchemaName schema = testSchema();
        List<TableName> names = List.of(
                TableName.of(schema, missing),
                TableName.of(List.of(schema.schema(), missing)),
                TableName.of(List.of(missing)),
                TableName.of(schema.catalog(), prefix + "no_schema", "t"),
                TableName.of(List.of(prefix + "no_schema", "t")),
                TableName.of(prefix + "no_catalog", schema.schema(), "t"));
        for (TableName name : names) {
            assertThat(connector.describeTable(name)).as("%s", name).isEmpty();
        }
    }

    @Test
    void listTablesHasCreatedTablesFullyQualifiedAndNotDroppedOnes() throws Exception {
        TableName kept = create("kept", "id BIGINT", List.of());
        TableName dropped = create("dropped", "id BIGINT", List.of());
        dropTable(dropped);

        List<TableName> tables = connector.listTables();
        assertThat(tables).allMatch(TableName::isQualified);
        assertThat(tables).contains(kept).doesNotContain(dropped);
        assertThat(tables.stream().filter(t -> t.table().startsWith(prefix)).toList()).containsExactly(kept);
    }

    @Test
    void describeQueryReportsTypesWithoutRunningIt() {
        List<ColumnMetadata> columns = connector.describeQuery("SELECT "
                + casts(List.of("1", "'x'", "1.5", "1.25", "TRUE", "'2024-01-02'", "'2024-01-02 03:04:05.123456'"))
                + ", " + timestampWithTimeZoneLiteral(TSTZ) + " AS tz, CAST(? AS " + sqlType(JDBCType.BIGINT) + ") AS p");

        assertThat(columns).extracting(ColumnMetadata::name).containsExactly("b", "v", "d", "m", "f", "dt", "ts", "tz", "p");
        assertThat(columns).extracting(ColumnMetadata::jdbcType).containsExactly(JDBCType.BIGINT, JDBCType.VARCHAR,
                JDBCType.DOUBLE, JDBCType.DECIMAL, JDBCType.BOOLEAN, JDBCType.DATE, JDBCType.TIMESTAMP,
                JDBCType.TIMESTAMP_WITH_TIMEZONE, JDBCType.BIGINT);
        List<String> typeNames = columns.stream().map(c -> c.typeName().toLowerCase(Locale.ROOT)).toList();
        assertThat(typeNames.get(0)).isEqualTo("bigint");
        assertThat(typeNames.get(1)).matches("varchar(\\(\\d+\\))?");
        assertThat(typeNames.get(2)).isEqualTo("double");
        assertThat(typeNames.get(3)).matches("decimal\\(10, ?2\\)");
        assertThat(typeNames.get(4)).isEqualTo("boolean");
        assertThat(typeNames.get(5)).isEqualTo("date");
        assertThat(typeNames.get(6)).matches("timestamp(\\(6\\))?");
        assertThat(typeNames.get(7)).matches("timestamp(\\(6\\))? with time zone");
        assertThat(columns.get(3).precision()).isEqualTo(10);
        assertThat(columns.get(3).scale()).isEqualTo(2);
    }

    // ------------------------------------------------------------------ rows

    @Test
    void executeQueryBindsParametersAndReturnsTheDocumentedValueForms() {
        List<Object> parameters = Arrays.asList(42L, "héllo", 1.5d, new BigDecimal("3.14"), true,
                LocalDate.of(2024, 1, 2), TS, null);
        try (RowCursor cursor = connector.executeQuery("SELECT " + casts(Collections.nCopies(CAST_TYPES.size(), "?"))
                + ", CAST(? AS " + sqlType(JDBCType.BIGINT) + ") AS n", parameters, QueryControl.none())) {
            assertThat(cursor.columns()).extracting(ColumnMetadata::name)
                    .containsExactly("b", "v", "d", "m", "f", "dt", "ts", "n");
            assertThat(cursor.next()).isTrue();
            assertThat(values(cursor)).containsExactly(42L, "héllo", 1.5d, new BigDecimal("3.14"), true,
                    LocalDate.of(2024, 1, 2), TS, null);
            assertThat(cursor.next()).isFalse();
        }
    }

    @Test
    void timestampWithTimeZoneIsTheInstantAtOffsetUtc() {
        try (RowCursor cursor = connector.executeQuery("SELECT " + timestampWithTimeZoneLiteral(TSTZ) + " AS tz",
                List.of(), QueryControl.none())) {
            assertThat(cursor.next()).isTrue();
            Object value = cursor.value(0);
            assertThat(value).isInstanceOf(OffsetDateTime.class);
            assertThat(((OffsetDateTime) value).getOffset()).isEqualTo(ZoneOffset.UTC);
            assertThat(value).isEqualTo(OffsetDateTime.of(2024, 1, 2, 1, 4, 5, 123_456_000, ZoneOffset.UTC));
        }
    }

    @Test
    void rowsOfATableComeBackWithTheirValuesAndNulls() throws Exception {
        String ddl = "id BIGINT, name VARCHAR, amount " + sqlType(JDBCType.DECIMAL) + ", ratio DOUBLE, flag BOOLEAN, "
                + "on_day DATE, seen " + sqlType(JDBCType.TIMESTAMP) + ", happened " + sqlType(JDBCType.TIMESTAMP_WITH_TIMEZONE);
        List<Object[]> rows = List.of(
                new Object[] {1L, "one", new BigDecimal("10.50"), 0.25d, true, LocalDate.of(2024, 2, 29), TS, TSTZ},
                new Object[] {2L, null, null, null, null, null, null, null},
                new Object[] {3L, "it's", new BigDecimal("-0.01"), -1.0e10, false, LocalDate.of(1969, 12, 31),
                        LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000),
                        OffsetDateTime.of(2024, 6, 30, 23, 0, 0, 1_000, ZoneOffset.ofHours(-5))});
        TableName table = create("rows", ddl, rows);

        List<List<Object>> actual = readAll("SELECT * FROM " + quoted(table) + " ORDER BY id", List.of());

        assertThat(actual).containsExactly(
                Arrays.asList(1L, "one", new BigDecimal("10.50"), 0.25d, true, LocalDate.of(2024, 2, 29), TS,
                        OffsetDateTime.of(2024, 1, 2, 1, 4, 5, 123_456_000, ZoneOffset.UTC)),
                Arrays.asList(2L, null, null, null, null, null, null, null),
                Arrays.asList(3L, "it's", new BigDecimal("-0.01"), -1.0e10, false, LocalDate.of(1969, 12, 31),
                        LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000),
                        OffsetDateTime.of(2024, 7, 1, 4, 0, 0, 1_000, ZoneOffset.UTC)));
    }

    @Test
    void aLargeResultStreamsEveryRowOnce() {
        int n = 200_000;
        long count = 0;
        long sum = 0;
        try (RowCursor cursor = connector.executeQuery(rowsQuery(n), List.of(), QueryControl.none())) {
            assertThat(cursor.columns()).hasSize(1);
            assertThat(cursor.columns().get(0).jdbcType()).isEqualTo(JDBCType.BIGINT);
            while (cursor.next()) {
                count++;
                sum += (Long) cursor.value(0);
            }
            assertThat(cursor.next()).as("a finished cursor stays finished").isFalse();
        }
        assertThat(count).isEqualTo(n);
        assertThat(sum).isEqualTo((long) n * (n + 1) / 2);
    }

    @Test
    void anEmptyResultHasColumnsAndNoRows() {
        try (RowCursor cursor = connector.executeQuery("SELECT CAST(1 AS BIGINT) AS one WHERE 1 = 0", List.of(),
                QueryControl.none())) {
            assertThat(cursor.columns()).extracting(ColumnMetadata::name).containsExactly("one");
            assertThat(cursor.next()).isFalse();
            assertThat(cursor.next()).isFalse();
        }
    }

    @Test
    void cursorsClosedEarlyReleaseTheirConnections() {
        for (int i = 0; i < poolSize() * 3; i++) {
            RowCursor cursor = connector.executeQuery(rowsQuery(100_000), List.of(), QueryControl.none());
            assertThat(cursor.next()).isTrue();
            cursor.close();
            cursor.close();
        }
        for (int i = 0; i < poolSize() * 3; i++) {
            assertThat(readAll("SELECT CAST(? AS BIGINT) AS i", List.of((long) i))).containsExactly(List.of((long) i));
        }
    }

    // ------------------------------------------------------------------ cancel and timeout

    @Test
    void cancelStopsALongQueryWithinTwoSeconds() throws Exception {
        QueryControl control = QueryControl.none();
        CompletableFuture<Throwable> run = runToTheEnd(longRunningQuery(), control);
        Thread.sleep(1_000);
        assertThat(run).as("the long query is still running").isNotDone();

        long t0 = System.nanoTime();
        control.cancel();
        Throwable outcome = run.get(10, TimeUnit.SECONDS);
        long millis = (System.nanoTime() - t0) / 1_000_000;

        assertThat(outcome).isInstanceOf(ConnectorException.class);
        assertThat(((ConnectorException) outcome).cancelled()).isTrue();
        assertThat(((ConnectorException) outcome).kind()).isEqualTo(Kind.CANCELLED);
        assertThat(millis).as("ms from cancel to the caller's exception").isLessThan(2_500);
        assertConnectorStillWorks();
    }

    @Test
    void aStatementCancelledBeforeItStartsNeverRuns() {
        QueryControl control = QueryControl.none();
        control.cancel();

        ConnectorException e = catchThrowableOfType(ConnectorException.class,
                () -> connector.executeQuery(longRunningQuery(), List.of(), control));
        assertThat(e.cancelled()).isTrue();
        ConnectorException update = catchThrowableOfType(ConnectorException.class,
                () -> connector.executeUpdate("DROP TABLE IF EXISTS " + quoted(name("never")), control));
        assertThat(update.cancelled()).isTrue();
    }

    @Test
    void aTimeoutStopsALongQuery() throws Exception {
        QueryControl control = new QueryControl(Optional.of(Duration.ofSeconds(1)));
        long t0 = System.nanoTime();
        Throwable outcome = runToTheEnd(longRunningQuery(), control).get(15, TimeUnit.SECONDS);
        long millis = (System.nanoTime() - t0) / 1_000_000;

        assertThat(outcome).isInstanceOf(ConnectorException.class);
        assertThat(((ConnectorException) outcome).cancelled()).isTrue();
        assertThat(millis).as("ms until the 1 s timeout stopped the query").isBetween(900L, 4_000L);
        assertConnectorStillWorks();
    }

    // ------------------------------------------------------------------ errors

    @Test
    void anEngineErrorKeepsTheEnginesOwnMessage() {
        ConnectorException e = failureOf("SELECT CAST('x' AS INTEGER)", List.of());
        assertThat(e.kind()).isEqualTo(Kind.ENGINE_ERROR);
        assertThat(e.getMessage()).isEqualTo(castErrorMessage()).doesNotContain("\n")
                .doesNotContain("Invalid result set").doesNotStartWith("Query failed");

        ConnectorException bound = failureOf("SELECT CAST(? AS INTEGER)", List.of("x"));
        assertThat(bound.kind()).isEqualTo(Kind.ENGINE_ERROR);
        assertThat(bound.getMessage()).isEqualTo(castErrorMessage());
        assertConnectorStillWorks();
    }

    @Test
    void aMissingTableInAQueryIsAMissingObject() {
        TableName missing = name("missing");
        ConnectorException e = failureOf("SELECT * FROM " + quoted(missing), List.of());
        assertThat(e.kind()).isEqualTo(Kind.MISSING_OBJECT);
        assertThat(e.missingObject()).isTrue();
        assertThat(e.cancelled()).isFalse();
        assertThat(e.getMessage()).contains(missing.table()).doesNotContain("\n");

        ConnectorException update = catchThrowableOfType(ConnectorException.class,
                () -> connector.executeUpdate("INSERT INTO " + quoted(missing) + " VALUES (1)", QueryControl.none()));
        assertThat(update.kind()).isEqualTo(Kind.MISSING_OBJECT);
    }

    @Test
    void aSyntaxErrorIsAnEngineError() {
        ConnectorException e = failureOf("SELEC 1", List.of());
        assertThat(e.kind()).isEqualTo(Kind.ENGINE_ERROR);
        assertThat(e.getMessage()).contains("SELEC").doesNotContain("\n");
        assertThatThrownBy(() -> connector.describeQuery("SELEC 1"))
                .isInstanceOfSatisfying(ConnectorException.class, d -> assertThat(d.kind()).isEqualTo(Kind.ENGINE_ERROR));
    }

    // ------------------------------------------------------------------ updates

    @Test
    void executeUpdateReturnsCounts() {
        TableName table = name("counted");
        created.add(table);
        assertThat(connector.executeUpdate("CREATE TABLE " + quoted(table) + " (id BIGINT)", QueryControl.none()))
                .as("DDL has no row count").isLessThanOrEqualTo(0);
        assertThat(connector.executeUpdate("INSERT INTO " + quoted(table) + " VALUES (1), (2), (3)", QueryControl.none()))
                .isEqualTo(3);
        assertThat(connector.executeUpdate("INSERT INTO " + quoted(table) + " SELECT id + 10 FROM " + quoted(table)
                + " WHERE id < 3", QueryControl.none())).isEqualTo(2);
        assertThat(readAll("SELECT id FROM " + quoted(table) + " ORDER BY id", List.of()))
                .containsExactly(List.of(1L), List.of(2L), List.of(3L), List.of(11L), List.of(12L));
    }

    // ------------------------------------------------------------------ helpers

    /** The connector under test, for subclasses' own tests. */
    protected final WarehouseConnector connector() {
        return connector;
    }

    /** A table name unique to the running test, in {@link #testSchema()}. */
    protected final TableName name(String suffix) {
        return TableName.of(testSchema(), prefix + suffix);
    }

    /** Creates a table unique to the running test with {@link #createTable}; the suite drops it. */
    protected final TableName create(String suffix, String columnsDdl, List<Object[]> rows) throws Exception {
        TableName table = name(suffix);
        created.add(table);
        createTable(table, columnsDdl, rows);
        return table;
    }

    /** {@code "catalog"."schema"."table"}. */
    protected static String quoted(TableName table) {
        return table.parts().stream().map(p -> '"' + p.replace("\"", "\"\"") + '"').collect(Collectors.joining("."));
    }

    /**
     * A SQL literal of a value in one of the forms rows use: numbers, strings, booleans, dates,
     * timestamps ({@link #timestampWithTimeZoneLiteral} for {@code OffsetDateTime}) and null.
     */
    protected String sqlLiteral(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof String s) {
            return "'" + s.replace("'", "''") + "'";
        }
        if (v instanceof Double d) {
            return "CAST(" + d + " AS DOUBLE)";
        }
        if (v instanceof BigDecimal b) {
            return "CAST('" + b.toPlainString() + "' AS " + sqlType(JDBCType.DECIMAL) + ")";
        }
        if (v instanceof Boolean b) {
            return b ? "TRUE" : "FALSE";
        }
        if (v instanceof LocalDate d) {
            return "DATE '" + d + "'";
        }
        if (v instanceof LocalDateTime t) {
            return "CAST('" + t.toLocalDate() + " " + t.toLocalTime() + "' AS " + sqlType(JDBCType.TIMESTAMP) + ")";
        }
        if (v instanceof OffsetDateTime t) {
            return timestampWithTimeZoneLiteral(t);
        }
        return v.toString();
    }

    /** {@code INSERT INTO table VALUES (...), ...} with {@link #sqlLiteral}. */
    protected final String insertSql(TableName table, List<Object[]> rows) {
        return "INSERT INTO " + quoted(table) + " VALUES " + rows.stream()
                .map(row -> Arrays.stream(row).map(this::sqlLiteral).collect(Collectors.joining(", ", "(", ")")))
                .collect(Collectors.joining(", "));
    }

    /** {@code CAST(<value> AS <type>) AS <name>, ...} for {@link #CAST_TYPES} and {@link #CAST_NAMES}. */
    private String casts(List<String> values) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < CAST_TYPES.size(); i++) {
            items.add("CAST(" + values.get(i) + " AS " + sqlType(CAST_TYPES.get(i)) + ") AS " + CAST_NAMES.get(i));
        }
        return String.join(", ", items);
    }

    private List<List<Object>> readAll(String sql, List<Object> parameters) {
        List<List<Object>> rows = new ArrayList<>();
        try (RowCursor cursor = connector.executeQuery(sql, parameters, QueryControl.none())) {
            while (cursor.next()) {
                rows.add(values(cursor));
            }
        }
        return rows;
    }

    private static List<Object> values(RowCursor cursor) {
        List<Object> row = new ArrayList<>();
        for (int i = 0; i < cursor.columns().size(); i++) {
            row.add(cursor.value(i));
        }
        return row;
    }

    private ConnectorException failureOf(String sql, List<Object> parameters) {
        return catchThrowableOfType(ConnectorException.class, () -> readAll(sql, parameters));
    }

    /** Runs a query to its end on another thread; completes with what it threw (null if nothing). */
    private CompletableFuture<Throwable> runToTheEnd(String sql, QueryControl control) {
        return CompletableFuture.supplyAsync(() -> {
            try (RowCursor cursor = connector.executeQuery(sql, List.of(), control)) {
                while (cursor.next()) {
                    // read on
                }
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
    }

    private void assertConnectorStillWorks() {
        assertThat(readAll("SELECT CAST(? AS BIGINT) AS ok", List.of(7L))).containsExactly(List.of(7L));
    }
}
