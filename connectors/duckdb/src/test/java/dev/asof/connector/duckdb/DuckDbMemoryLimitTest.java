package dev.asof.connector.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.spi.ConnectorContext;
import dev.asof.spi.RowCursor;
import dev.asof.spi.config.ConnectorConfig;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code asof.duckdb.memory-limit}: DuckDB holds at most that much, and a query that needs more
 * spills to disk and still answers.
 */
class DuckDbMemoryLimitTest {
    @TempDir
    Path dir;

    /**
     * ~3M rows of 40-byte strings (over 120 MB) sorted whole for a window: more than 64 MB at once.
     * Sorted descending, row 1 is the greatest string and row 3M the least.
     */
    private static final String BIG_SORT = "SELECT COUNT(*), MIN(s), MAX(s), MAX(CASE WHEN rn = 1 THEN s END),"
            + " MAX(CASE WHEN rn = 3000000 THEN s END) FROM (SELECT s, ROW_NUMBER() OVER (ORDER BY s DESC) AS rn FROM ("
            + "SELECT md5(CAST(i AS VARCHAR)) || lpad(CAST(i AS VARCHAR), 8, '0') AS s FROM range(3000000) t(i)))";

    private WarehouseConnector open(Map<String, String> keys) {
        return open(dir, keys);
    }

    private static WarehouseConnector open(Path dataDir, Map<String, String> keys) {
        return new DuckDbConnectorFactory().create(new ConnectorConfig("duckdb", keys, "asof.properties"),
                new ConnectorContext(dataDir, 2));
    }

    private static Object single(WarehouseConnector c, String sql) throws Exception {
        try (RowCursor cursor = c.executeQuery(sql, List.of(), QueryControl.none())) {
            assertThat(cursor.next()).isTrue();
            return cursor.value(0);
        }
    }

    @Test
    void aSortLargerThanTheLimitSpillsAndAnswers() throws Exception {
        try (WarehouseConnector c = open(Map.of("memory-limit", "64MB"))) {
            assertThat(single(c, "SELECT current_setting('memory_limit')")).isEqualTo("61.0 MiB");
            try (RowCursor cursor = c.executeQuery(BIG_SORT, List.of(), QueryControl.none())) {
                assertThat(cursor.next()).isTrue();
                assertThat(cursor.value(0)).isEqualTo(3_000_000L);
                assertThat(((String) cursor.value(1))).hasSize(40);
                assertThat(((String) cursor.value(2)).compareTo((String) cursor.value(1))).isPositive();
                assertThat(cursor.value(3)).isEqualTo(cursor.value(2));
                assertThat(cursor.value(4)).isEqualTo(cursor.value(1));
            }
            assertThat(single(c, "SELECT current_setting('memory_limit')")).isEqualTo("61.0 MiB");
        }
    }

    /** The control: the same query under the same limit with spilling turned off does not fit. */
    @Test
    void withoutSpillingTheSameSortDoesNotFit() throws Exception {
        try (WarehouseConnector c = open(Files.createDirectories(dir.resolve("nospill")), Map.of("memory-limit", "64MB"))) {
            c.executeUpdate("SET temp_directory = ''", QueryControl.none());
            assertThatThrownBy(() -> single(c, BIG_SORT)).hasMessageContaining("Out of Memory");
        }
    }

    @Test
    void withoutTheKeyDuckDbKeepsItsDefault() throws Exception {
        try (WarehouseConnector c = open(Map.of())) {
            assertThat((String) single(c, "SELECT current_setting('memory_limit')")).isNotEqualTo("61.0 MiB")
                    .endsWith("iB");
        }
    }

    @Test
    void aLimitThatIsNotASizeIsRefusedBeforeDuckDbOpens() {
        for (String bad : new String[] {"lots", "4 gigabytes", "-1GB", "4GB; SET x = 1"}) {
            assertThatThrownBy(() -> open(Map.of("memory-limit", bad))).as(bad)
                    .hasMessage("asof.properties: asof.duckdb.memory-limit must be a size such as 4GB or 512MiB, not '"
                            + bad.strip() + "'");
        }
        assertThat(Files.exists(dir.resolve("lake.duckdb"))).isFalse();
    }
}
