package dev.asof.gateway.server.avatica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.asof.connector.rocksdb.RocksDbOnlineStore;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.online.OnlineServing;
import dev.asof.gateway.registry.Registry;
import dev.asof.planner.sql.DuckDbDialect;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.RowCursor;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.StubWarehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.TypedValue;
import dev.asof.gateway.TestUsers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDBC endpoint over a warehouse that answers from memory, through the project's driver:
 * prepared executions keep their result metadata when the gateway leaves the repeated signature
 * out (compact executes), and a result whose columns differ from the prepared ones brings its own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AvaticaEndpointTest {
    private static final List<ColumnMetadata> PREPARED = List.of(ColumnMetadata.of("id", JDBCType.BIGINT),
            ColumnMetadata.of("segment", JDBCType.VARCHAR), ColumnMetadata.of("score", JDBCType.DOUBLE));

    /** What the next execution returns: its columns (one row, values derived from the key). */
    private final AtomicReference<List<ColumnMetadata>> resultColumns = new AtomicReference<>(PREPARED);
    /** How many times the warehouse was asked to describe a query. */
    private final AtomicInteger describes = new AtomicInteger();

    private Registry registry;
    private OnlineServing online;
    private AvaticaEndpoint endpoint;

    @BeforeEach
    void start(@TempDir Path dir) {
        registry = Registry.open(dir);
        online = new OnlineServing(RocksDbOnlineStore.open(dir.resolve("online")), registry, new MemoryWarehouse(),
                new DuckDbDialect(), java.time.Clock.systemUTC());
        StatementExecutor executor = new StatementExecutor(registry, new MemoryWarehouse(), online);
        endpoint = AvaticaEndpoint.start(executor, TestUsers.authenticator(registry), "127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        endpoint.close();
        online.close();
        registry.close();
    }

    private Connection connect() throws Exception {
        return TestUsers.connect("jdbc:asof://127.0.0.1:" + endpoint.port());
    }

    /**
     * Avatica's protobuf leaves an empty string out of the request, so the gateway receives null;
     * that reached clients as an internal error (XX000) before (issue 13).
     */
    @Test
    void emptyStatementIsASyntaxErrorNotAnInternalOne() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String sql : new String[] {"", "  ", "-- nothing"}) {
                SQLException e = catchThrowableOfType(SQLException.class, () -> s.execute(sql));
                assertThat(e != null).as("executing '%s' fails", sql).isTrue();
                assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("42000");
                assertThat(e.getMessage()).contains("empty statement");
            }
            // The connection stays usable (this warehouse answers one-parameter queries only).
            try (PreparedStatement ps = c.prepareStatement("SELECT CAST(? AS BIGINT) AS id")) {
                ps.setLong(1, 7);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(7);
                }
            }
        }
    }

    @Test
    void preparedExecutionsKeepTheirColumns() throws Exception {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT CAST(? AS BIGINT) AS id")) {
            for (long key = 1; key <= 3; key++) {
                ps.setLong(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    ResultSetMetaData md = rs.getMetaData();
                    assertThat(md.getColumnCount()).isEqualTo(3);
                    assertThat(md.getColumnLabel(1)).isEqualTo("id");
                    assertThat(md.getColumnType(1)).isEqualTo(Types.BIGINT);
                    assertThat(md.getColumnLabel(2)).isEqualTo("segment");
                    assertThat(md.getColumnType(2)).isEqualTo(Types.VARCHAR);
                    assertThat(md.getColumnType(3)).isEqualTo(Types.DOUBLE);
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong("id")).isEqualTo(key);
                    assertThat(rs.getString("segment")).isEqualTo("s" + key);
                    assertThat(rs.getDouble("score")).isEqualTo(key / 2.0);
                    assertThat(rs.next()).isFalse();
                }
            }
        }
    }

    @Test
    void resultColumnsThatDifferFromThePreparedOnesAreSent() throws Exception {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT CAST(? AS BIGINT) AS id")) {
            ps.setLong(1, 7);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.getMetaData().getColumnCount()).isEqualTo(3);
            }
            resultColumns.set(List.of(ColumnMetadata.of("id", JDBCType.BIGINT)));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.getMetaData().getColumnCount()).isEqualTo(1);
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(7);
            }
            resultColumns.set(PREPARED);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.getMetaData().getColumnCount()).isEqualTo(3);
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(2)).isEqualTo("s7");
            }
        }
    }

    /**
     * A statement run at once is not described first: its result metadata is the running cursor's
     * (here two columns, where a describe would have said three). A prepared statement is described
     * once, at prepare, and never at its executions.
     */
    @Test
    void adHocQueriesAreNotDescribedAndPreparedOnesOnlyOnce() throws Exception {
        resultColumns.set(List.of(ColumnMetadata.of("id", JDBCType.BIGINT), ColumnMetadata.of("segment", JDBCType.VARCHAR)));
        try (Connection c = connect()) {
            try (Statement st = c.createStatement()) {
                for (int i = 0; i < 3; i++) {
                    try (ResultSet rs = st.executeQuery("SELECT CAST(1 AS BIGINT) AS id")) {
                        ResultSetMetaData md = rs.getMetaData();
                        assertThat(md.getColumnCount()).isEqualTo(2);
                        assertThat(md.getColumnLabel(1)).isEqualTo("id");
                        assertThat(md.getColumnType(1)).isEqualTo(Types.BIGINT);
                        assertThat(md.getColumnLabel(2)).isEqualTo("segment");
                        assertThat(md.getColumnType(2)).isEqualTo(Types.VARCHAR);
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getLong(1)).isEqualTo(1);
                        assertThat(rs.getString("segment")).isEqualTo("s1");
                        assertThat(rs.next()).isFalse();
                    }
                }
            }
            assertThat(describes.get()).isZero();

            try (PreparedStatement ps = c.prepareStatement("SELECT CAST(? AS BIGINT) AS id")) {
                assertThat(describes.get()).isEqualTo(1);
                assertThat(ps.getMetaData().getColumnCount()).isEqualTo(3); // what the describe said
                for (long key = 1; key <= 3; key++) {
                    ps.setLong(1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.getMetaData().getColumnCount()).isEqualTo(2); // what ran
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getLong(1)).isEqualTo(key);
                    }
                }
            }
            assertThat(describes.get()).isEqualTo(1);
        }
    }

    /**
     * At the protocol level: an execute request without the handle's signature gets rows without a
     * signature when the result columns are the prepared ones; a request with the signature (every
     * stock Avatica client) gets it back.
     */
    @Test
    void signatureIsLeftOutOnlyForRequestsWithoutIt() {
        RequestIdentity identity = new RequestIdentity(TestUsers.authenticator(registry));
        AsofMeta meta = new AsofMeta(new StatementExecutor(registry, new MemoryWarehouse(), online), identity);
        // Served without HTTP: the calls run as the gateway's own admin, as a request's would as its user.
        identity.as(dev.asof.gateway.session.Principal.GATEWAY, () -> {
            signatureIsLeftOutOnlyForRequestsWithoutIt(meta);
            return null;
        });
    }

    private void signatureIsLeftOutOnlyForRequestsWithoutIt(AsofMeta meta) {
        try {
            AsofService service = new AsofService(meta);
            service.apply(new Service.OpenConnectionRequest("c", Map.of()));
            Meta.StatementHandle h = service.apply(new Service.PrepareRequest("c", "SELECT CAST(? AS BIGINT) AS id", -1)).statement;
            assertThat(h.signature.columns).hasSize(3);
            List<TypedValue> key = List.of(TypedValue.ofLocal(org.apache.calcite.avatica.ColumnMetaData.Rep.LONG, 5L));

            Service.ExecuteResponse full = service.apply(new Service.ExecuteRequest(h, key, 100));
            assertThat(full.results.get(0).signature).isNotNull();
            assertThat(full.results.get(0).signature.columns).hasSize(3);

            Meta.StatementHandle bare = new Meta.StatementHandle(h.connectionId, h.id, null);
            Service.ExecuteResponse compact = service.apply(new Service.ExecuteRequest(bare, key, 100));
            assertThat(compact.results.get(0).signature).isNull();
            assertThat(compact.results.get(0).firstFrame.rows).hasSize(1);

            resultColumns.set(List.of(ColumnMetadata.of("id", JDBCType.BIGINT)));
            Service.ExecuteResponse changed = service.apply(new Service.ExecuteRequest(bare, key, 100));
            assertThat(changed.results.get(0).signature).isNotNull();
            assertThat(changed.results.get(0).signature.columns).hasSize(1);
        } finally {
            meta.close();
        }
    }

    /** Describes every query as {@link #PREPARED}; runs it as one row of {@link #resultColumns}. */
    private final class MemoryWarehouse extends StubWarehouse {
        MemoryWarehouse() {
            super("memory", new DuckDbDialect());
        }

        @Override
        public List<ColumnMetadata> describeQuery(String sql) {
            describes.incrementAndGet();
            return PREPARED;
        }

        @Override
        public RowCursor executeQuery(String sql, List<Object> parameters, QueryControl control) {
            long key = parameters.isEmpty() ? 1 : ((Number) parameters.get(0)).longValue();
            List<ColumnMetadata> columns = resultColumns.get();
            List<Object> row = new ArrayList<>(List.of(key, "s" + key, key / 2.0).subList(0, columns.size()));
            return StubWarehouse.oneRow(columns, row::get);
        }

        @Override
        public long executeUpdate(String sql, QueryControl control) {
            return 0;
        }
    }
}
