package dev.asof.flight;

import dev.asof.gateway.metadata.UploadSchemas;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.nio.channels.Channels;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlColumnMetadata;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.flight.sql.util.TableRef;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * JDBC ({@code jdbc:asof://}, DatabaseMetaData) and Flight SQL (FlightSqlClient) list the same
 * catalogs, schemas, tables, columns and primary keys, row for row, because both render the
 * gateway's one metadata listing; a Flight session's upload is listed to that session only.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JdbcFlightMetadataTest {
    @TempDir
    static java.nio.file.Path dir;

    static AsofGateway gateway;
    static BufferAllocator allocator;
    static FlightClient flight;
    static FlightSqlClient client;
    static Connection jdbc;

    @BeforeAll
    static void start() throws Exception {
        gateway = AsofGateway.start(TestGateway.withAdmin(GatewayConfig.embedded(dir)));
        TestGateway.install(gateway);
        // A composite key, a second schema, and an upload-like schema made behind Flight's back.
        var x = gateway.executor();
        TestGateway.installStock(x);
        TestGateway.run(x, "CREATE SCHEMA lake.asof_session_ghost");
        TestGateway.run(x, "CREATE TABLE lake.asof_session_ghost.leftover (x INTEGER)");

        allocator = new RootAllocator();
        flight = TestGateway.authenticated(FlightClient.builder(allocator,
                Location.forGrpcInsecure("127.0.0.1", TestGateway.flight(gateway).port()))).build();
        client = new FlightSqlClient(flight);
        jdbc = TestGateway.jdbc(gateway.jdbcUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        jdbc.close();
        client.close();
        allocator.close();
        gateway.close();
    }

    /** Flight calls of one session. */
    private static CallOption session(String id) {
        FlightCallHeaders headers = new FlightCallHeaders();
        headers.insert(SessionMiddleware.HEADER, id);
        return new HeaderCallOption(headers);
    }

    /** What one client lists; every part comparable with equals. */
    private record Listing(List<List<Object>> catalogs, List<List<Object>> schemas, List<List<Object>> tables,
            Map<List<Object>, List<List<Object>>> columns, List<List<Object>> keys) {}

    @Test
    void jdbcAndFlightListTheSameRowsAndUploadsStayWithTheirSession() throws Exception {
        Listing viaJdbc = jdbcListing();
        assertThat(flightListing("meta-a")).isEqualTo(viaJdbc);
        assertThat(flightListing("meta-b")).isEqualTo(viaJdbc);

        // What the listing holds (beyond the two protocols agreeing).
        assertThat(viaJdbc.catalogs()).containsExactly(List.of("lake"), List.of("registry"));
        assertThat(viaJdbc.schemas()).containsExactly(List.of("lake", "main"), List.of("lake", "sales"),
                List.of("registry", "features"));
        assertThat(viaJdbc.tables()).containsExactly(
                List.of("registry", "features", "customer", "ENTITY"),
                List.of("registry", "features", "store_sku", "ENTITY"),
                List.of("registry", "features", "customer_profile", "FEATURE VIEW"),
                List.of("registry", "features", "stock_level", "FEATURE VIEW"),
                List.of("registry", "features", "profile_updates", "SOURCE"),
                List.of("registry", "features", "stock", "SOURCE"),
                List.of("lake", "main", "profile_updates", "TABLE"),
                List.of("lake", "sales", "stock", "TABLE"));
        assertThat(viaJdbc.columns().get(List.of("registry", "features", "stock_level"))).containsExactly(
                List.of("store", "VARCHAR"), List.of("sku", "BIGINT"), List.of("qty", "BIGINT"));
        assertThat(viaJdbc.keys()).containsExactly(
                List.of("registry", "features", "customer", "customer_id", 1, "customer"),
                List.of("registry", "features", "customer_profile", "customer_id", 1, "customer"),
                List.of("registry", "features", "stock_level", "store", 1, "store_sku"),
                List.of("registry", "features", "stock_level", "sku", 2, "store_sku"),
                List.of("registry", "features", "store_sku", "store", 1, "store_sku"),
                List.of("registry", "features", "store_sku", "sku", 2, "store_sku"));

        // Session meta-a uploads a table: it lists it; meta-b and JDBC do not.
        upload("meta-a", "my_labels");
        Listing a = flightListing("meta-a");
        List<Object> upload = List.of("lake", TestGateway.uploadSchema("meta-a"), "my_labels", "TABLE");
        assertThat(a.tables()).contains(upload);
        assertThat(a.schemas()).contains(List.of("lake", TestGateway.uploadSchema("meta-a")));
        assertThat(a.columns().get(upload.subList(0, 3))).containsExactly(List.of("label_id", "BIGINT"));
        Listing afterJdbc = jdbcListing();
        assertThat(afterJdbc).isEqualTo(viaJdbc);
        assertThat(flightListing("meta-b")).isEqualTo(afterJdbc);
        assertThat(withoutUploadOf(a, TestGateway.uploadSchema("meta-a"))).isEqualTo(afterJdbc);

        // Filters narrow the same way on both.
        assertThat(jdbcTables("lake", "sa%", "%", null)).isEqualTo(flightTables("meta-a", "lake", "sa%", "%", null))
                .containsExactly(List.of("lake", "sales", "stock", "TABLE"));
        assertThat(jdbcTables(null, null, "stock%", new String[] {"FEATURE VIEW", "TABLE"}))
                .isEqualTo(flightTables("meta-a", null, null, "stock%", List.of("FEATURE VIEW", "TABLE")))
                .containsExactly(List.of("registry", "features", "stock_level", "FEATURE VIEW"),
                        List.of("lake", "sales", "stock", "TABLE"));
        assertThat(jdbcTables("registry", "features", "%", null)).isEqualTo(flightTables("meta-a", "registry", "features", "%", null))
                .hasSize(6);
        assertThat(jdbcTables("", "", "%", null)).isEqualTo(flightTables("meta-a", "", "", "%", null)).isEmpty();

        // Queries cannot name another session's upload either, not even qualified.
        String qualified = "SELECT label_id FROM lake." + TestGateway.uploadSchema("meta-a") + ".my_labels";
        assertThat(rows(client.execute(qualified, session("meta-a")), session("meta-a"))).containsExactly(List.of(7L));
        assertThatThrownBy(() -> client.execute(qualified, session("meta-b")))
                .isInstanceOf(FlightRuntimeException.class)
                .satisfies(e -> assertThat(((FlightRuntimeException) e).status().code()).isEqualTo(CallStatus.NOT_FOUND.code()));
        try (Statement st = jdbc.createStatement()) {
            assertThatThrownBy(() -> st.executeQuery(qualified)).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42S02"));
            assertThatThrownBy(() -> st.executeQuery("SELECT x FROM lake.asof_session_ghost.leftover"))
                    .isInstanceOf(SQLException.class);
        }
    }

    private static Listing withoutUploadOf(Listing l, String schema) {
        Map<List<Object>, List<List<Object>>> columns = new LinkedHashMap<>(l.columns());
        columns.keySet().removeIf(k -> schema.equals(k.get(1)));
        return new Listing(l.catalogs(), l.schemas().stream().filter(r -> !schema.equals(r.get(1))).toList(),
                l.tables().stream().filter(r -> !schema.equals(r.get(1))).toList(), columns, l.keys());
    }

    private static void upload(String session, String table) {
        Schema schema = new Schema(List.of(new Field("label_id", FieldType.nullable(new ArrowType.Int(64, true)), null)));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            ((BigIntVector) root.getVector(0)).setSafe(0, 7);
            root.setRowCount(1);
            long n = client.executeIngest(root, new FlightSqlClient.ExecuteIngestOptions(table,
                    TableDefinitionOptions.newBuilder()
                            .setIfNotExist(TableDefinitionOptions.TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE)
                            .setIfExists(TableDefinitionOptions.TableExistsOption.TABLE_EXISTS_OPTION_REPLACE).build(),
                    true, null, null, Map.of()), session(session));
            assertThat(n).isEqualTo(1);
        }
    }

    // ---- JDBC ---------------------------------------------------------------------------------

    private static Listing jdbcListing() throws SQLException {
        DatabaseMetaData md = jdbc.getMetaData();
        List<List<Object>> catalogs = read(md.getCatalogs(), "TABLE_CAT");
        List<List<Object>> schemas = read(md.getSchemas(), "TABLE_CATALOG", "TABLE_SCHEM");
        List<List<Object>> tables = jdbcTables(null, null, "%", null);
        Map<List<Object>, List<List<Object>>> columns = new LinkedHashMap<>();
        try (ResultSet rs = md.getColumns(null, null, "%", "%")) {
            while (rs.next()) {
                columns.computeIfAbsent(Arrays.asList(rs.getString("TABLE_CAT"), rs.getString("TABLE_SCHEM"),
                        rs.getString("TABLE_NAME")), k -> new ArrayList<>())
                        .add(List.of(rs.getString("COLUMN_NAME"), rs.getString("TYPE_NAME")));
            }
        }
        List<List<Object>> keys = new ArrayList<>();
        for (List<Object> t : tables) {
            try (ResultSet rs = md.getPrimaryKeys((String) t.get(0), (String) t.get(1), (String) t.get(2))) {
                while (rs.next()) {
                    keys.add(Arrays.asList(rs.getString("TABLE_CAT"), rs.getString("TABLE_SCHEM"),
                            rs.getString("TABLE_NAME"), rs.getString("COLUMN_NAME"), (int) rs.getShort("KEY_SEQ"),
                            rs.getString("PK_NAME")));
                }
            }
        }
        keys.sort(JdbcFlightMetadataTest::byTableThenSequence);
        return new Listing(catalogs, schemas, tables, columns, keys);
    }

    private static List<List<Object>> jdbcTables(String catalog, String schema, String table, String[] types)
            throws SQLException {
        return read(jdbc.getMetaData().getTables(catalog, schema, table, types),
                "TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE");
    }

    private static List<List<Object>> read(ResultSet rs, String... columns) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (rs) {
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (String c : columns) {
                    row.add(rs.getString(c));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    // ---- Flight SQL ---------------------------------------------------------------------------

    private static Listing flightListing(String session) throws Exception {
        CallOption s = session(session);
        List<List<Object>> catalogs = rows(client.getCatalogs(s), s);
        List<List<Object>> schemas = rows(client.getSchemas(null, null, s), s);
        List<List<Object>> withSchemas = rows(client.getTables(null, null, null, null, true, s), s);
        List<List<Object>> tables = new ArrayList<>();
        Map<List<Object>, List<List<Object>>> columns = new LinkedHashMap<>();
        List<List<Object>> keys = new ArrayList<>();
        for (List<Object> t : withSchemas) {
            tables.add(t.subList(0, 4));
            Schema schema = MessageSerializer.deserializeSchema(new ReadChannel(Channels.newChannel(
                    new java.io.ByteArrayInputStream((byte[]) t.get(4)))));
            List<List<Object>> cols = new ArrayList<>();
            for (Field f : schema.getFields()) {
                cols.add(List.of(f.getName(), new FlightSqlColumnMetadata(f.getMetadata()).getTypeName()));
            }
            if (!cols.isEmpty()) {
                columns.put(t.subList(0, 3), cols);
            }
            for (List<Object> k : rows(client.getPrimaryKeys(TableRef.of((String) t.get(0), (String) t.get(1),
                    (String) t.get(2)), s), s)) {
                // Flight's columns: catalog, schema, table, column, key_sequence, key_name (as JDBC's)
                keys.add(k);
            }
        }
        keys.sort(JdbcFlightMetadataTest::byTableThenSequence);
        // JDBC lists columns ordered by catalog, schema, table; Flight by table type first.
        Map<List<Object>, List<List<Object>>> ordered = new LinkedHashMap<>();
        columns.entrySet().stream().sorted((x, y) -> byName(x.getKey(), y.getKey()))
                .forEach(e -> ordered.put(e.getKey(), e.getValue()));
        return new Listing(catalogs, schemas, tables, ordered, keys);
    }

    private static List<List<Object>> flightTables(String session, String catalog, String schema, String table,
            List<String> types) throws Exception {
        CallOption s = session(session);
        return rows(client.getTables(catalog, schema, table, types, false, s), s);
    }

    private static int byTableThenSequence(List<Object> a, List<Object> b) {
        int c = String.valueOf(a.get(2)).compareToIgnoreCase(String.valueOf(b.get(2)));
        return c != 0 ? c : Integer.compare((Integer) a.get(4), (Integer) b.get(4));
    }

    private static int byName(List<Object> a, List<Object> b) {
        for (int i = 0; i < 3; i++) {
            String x = (String) a.get(i);
            String y = (String) b.get(i);
            if (x == null || y == null) {
                if (x != y) {
                    return x == null ? -1 : 1;
                }
                continue;
            }
            int c = x.compareToIgnoreCase(y);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** All rows of a FlightInfo, fetched in the same session; text as String. */
    private static List<List<Object>> rows(FlightInfo info, CallOption session) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        for (var endpoint : info.getEndpoints()) {
            try (FlightStream stream = client.getStream(endpoint.getTicket(), session)) {
                while (stream.next()) {
                    VectorSchemaRoot root = stream.getRoot();
                    for (int r = 0; r < root.getRowCount(); r++) {
                        List<Object> row = new ArrayList<>();
                        for (var v : root.getFieldVectors()) {
                            Object o = v.getObject(r);
                            row.add(o instanceof org.apache.arrow.vector.util.Text t ? t.toString() : o);
                        }
                        rows.add(row);
                    }
                }
            }
        }
        return rows;
    }
}
