package dev.asof.gateway.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import dev.asof.spi.warehouse.QueryControl;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway-wide warehouse metadata cache on DuckDB, through the JDBC driver: statements run
 * through the gateway invalidate it at once; changes made behind the gateway's back show after
 * the TTL.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WarehouseMetadataInvalidationTest {
    @TempDir
    Path dir;

    @Test
    void tablesChangedThroughTheGatewayAreSeenAtOnce() throws Exception {
        try (AsofGateway gateway = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir)).withMetadataTtl(Duration.ofHours(1)));
                Connection c = TestUsers.connect(gateway.jdbcUrl());
                Statement st = c.createStatement()) {
            assertThat(tableNames(c)).doesNotContain("fresh"); // the cache now holds the table list

            st.execute("CREATE TABLE lake.main.fresh (id BIGINT, name VARCHAR)");
            st.execute("INSERT INTO lake.main.fresh VALUES (1, 'a')");
            assertThat(tableNames(c)).contains("fresh");
            assertThat(rows(st, "SELECT id, name FROM lake.main.fresh")).containsExactly(List.of(1L, "a"));

            st.execute("ALTER TABLE lake.main.fresh ADD COLUMN score DOUBLE");
            assertThat(columnNames(c, "fresh")).containsExactly("id", "name", "score");
            assertThat(rows(st, "SELECT id, score FROM lake.main.fresh")).containsExactly(java.util.Arrays.asList(1L, null));

            st.execute("DROP TABLE lake.main.fresh");
            assertThat(tableNames(c)).doesNotContain("fresh");
            assertThatThrownBy(() -> rows(st, "SELECT id FROM lake.main.fresh"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42S02"));
        }
    }

    @Test
    void tablesCreatedBehindTheGatewaysBackAppearAfterTheTtl() throws Exception {
        Duration ttl = Duration.ofSeconds(3);
        try (AsofGateway gateway = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir)).withMetadataTtl(ttl));
                Connection c = TestUsers.connect(gateway.jdbcUrl());
                Statement st = c.createStatement()) {
            long warmed = System.nanoTime();
            assertThat(tableNames(c)).doesNotContain("hidden");
            // Straight to the warehouse, as another DuckDB client would: the gateway is not told.
            gateway.executor().warehouse().executeUpdate("CREATE TABLE lake.main.hidden AS SELECT 42 AS answer",
                    QueryControl.none());

            List<String> listed = tableNames(c);
            Throwable early = catchSql(() -> rows(st, "SELECT answer FROM lake.main.hidden"));
            assumeTrue(System.nanoTime() - warmed < ttl.toNanos(), "machine too slow to check before the TTL ended");
            assertThat(listed).doesNotContain("hidden");
            assertThat(early).isInstanceOf(SQLException.class);
            assertThat(((SQLException) early).getSQLState()).isEqualTo("42S02");

            long deadline = System.nanoTime() + ttl.toNanos() + Duration.ofSeconds(20).toNanos();
            List<List<Object>> answer = null;
            while (answer == null && System.nanoTime() < deadline) {
                Thread.sleep(200);
                try {
                    answer = rows(st, "SELECT answer FROM lake.main.hidden");
                } catch (SQLException e) {
                    // not yet
                }
            }
            long seenAfterNanos = System.nanoTime() - warmed;
            assertThat(answer).containsExactly(List.of(42));
            assertThat(seenAfterNanos).isGreaterThanOrEqualTo(ttl.toNanos());
            assertThat(tableNames(c)).contains("hidden");
        }
    }

    private interface SqlWork {
        void run() throws SQLException;
    }

    private static Throwable catchSql(SqlWork work) {
        try {
            work.run();
            return null;
        } catch (SQLException e) {
            return e;
        }
    }

    private static List<String> tableNames(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getTables(null, null, "%", null)) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME"));
            }
        }
        return names;
    }

    private static List<String> columnNames(Connection c, String table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getColumns("lake", "main", table, "%")) {
            while (rs.next()) {
                names.add(rs.getString("COLUMN_NAME"));
            }
        }
        return names;
    }

    private static List<List<Object>> rows(Statement st, String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
