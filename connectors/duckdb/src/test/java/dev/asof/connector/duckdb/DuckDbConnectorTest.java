package dev.asof.connector.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.RowCursor;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.FileFormat;
import dev.asof.spi.warehouse.LoadMode;
import dev.asof.spi.warehouse.QueryControl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.JDBCType;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the DuckDB connector does: file sources, schemas, bulk loads. */
class DuckDbConnectorTest {
    @TempDir
    Path dir;

    private DuckDbConnector connector;

    @BeforeEach
    void open() {
        connector = DuckDbConnector.open(dir.resolve("lake.duckdb"), 2);
    }

    @AfterEach
    void close() {
        connector.close();
    }

    @Test
    void describeFileReadsACsvThroughTheDialectsRelation() throws Exception {
        Path csv = Files.createDirectories(dir.resolve("it's data")).resolve("events.csv");
        Files.writeString(csv, "id,amount,at\n1,2.5,2024-01-02 03:04:05\n2,3.5,2024-01-03 00:00:00\n");

        List<ColumnMetadata> columns = connector.describeFile(csv.toString(), FileFormat.CSV);

        assertThat(columns).extracting(ColumnMetadata::name).containsExactly("id", "amount", "at");
        assertThat(columns).extracting(ColumnMetadata::jdbcType)
                .containsExactly(JDBCType.BIGINT, JDBCType.DOUBLE, JDBCType.TIMESTAMP);
    }

    @Test
    void describeFileNamesWhatIsWrong() throws Exception {
        ConnectorException missing = catchThrowableOfType(ConnectorException.class,
                () -> connector.describeFile(dir.resolve("nope.csv").toString(), FileFormat.CSV));
        assertThat(missing.getMessage()).isEqualTo("file not found: " + dir.resolve("nope.csv"));

        Path notParquet = dir.resolve("bad.parquet");
        Files.writeString(notParquet, "this is not parquet");
        ConnectorException bad = catchThrowableOfType(ConnectorException.class,
                () -> connector.describeFile(notParquet.toString(), FileFormat.PARQUET));
        assertThat(bad.getMessage()).startsWith("cannot read parquet file " + notParquet + ": ").doesNotContain("\n");
    }

    @Test
    void schemasAndBulkLoadsInTheFilesCatalog() {
        SchemaName schema = new SchemaName("lake", "staging");
        connector.createSchema(schema);
        TableName table = TableName.of(schema, "loaded");
        List<ColumnMetadata> columns = List.of(ColumnMetadata.of("id", JDBCType.BIGINT),
                ColumnMetadata.of("at", JDBCType.TIMESTAMP));
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {1L, LocalDateTime.of(2024, 1, 2, 3, 4, 5)});
        rows.add(new Object[] {2L, null});

        assertThat(connector.bulkLoad(table, columns, LoadMode.CREATE, rows.iterator())).isEqualTo(2);
        assertThat(connector.listTables()).contains(table);
        try (RowCursor cursor = connector.executeQuery("SELECT id, \"at\" FROM lake.staging.loaded ORDER BY id", List.of(),
                QueryControl.none())) {
            assertThat(cursor.next()).isTrue();
            assertThat(cursor.value(1)).isEqualTo(LocalDateTime.of(2024, 1, 2, 3, 4, 5));
            assertThat(cursor.next()).isTrue();
            assertThat(cursor.value(1)).isNull();
            assertThat(cursor.next()).isFalse();
        }

        ConnectorException exists = catchThrowableOfType(ConnectorException.class,
                () -> connector.bulkLoad(table, columns, LoadMode.CREATE, rows.iterator()));
        assertThat(exists.getMessage()).startsWith("Catalog Error: Table with name \"loaded\" already exists!");

        connector.dropSchema(schema);
        assertThat(connector.describeTable(table)).isEmpty();
    }

    @Test
    void parametersAreDescribedByTheEngine() {
        assertThat(connector.describeParameters("SELECT CAST(? AS BIGINT) + 1, ? || 'x'"))
                .hasSize(2)
                .first().isEqualTo(JDBCType.BIGINT);
    }
}
