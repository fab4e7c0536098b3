package dev.asof.flight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.flight.sql.util.TableRef;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A BI tool's crawl, as DBeaver does it (getCatalogs → getSchemas(catalog) → getTables(catalog,
 * schema) → getColumns → getPrimaryKeys → getImportedKeys), through the three JDBC clients a tool
 * may bring: the asof driver, Avatica's generic remote client and Arrow's Flight SQL driver. Every
 * entity, source and feature view is reached under catalog {@code registry}, schema
 * {@code features}, with its columns and entity key (none through Avatica's client, which never
 * asks), and no foreign keys; warehouse tables keep their own catalog and schema; a user who is not an admin
 * reaches only what its grants allow; the qualified names the tool generates resolve in queries.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BiToolCrawlTest {
    private static final String BOB = "bob";
    private static final String BOB_PASSWORD = "bob-crawl-secret";

    @TempDir
    static java.nio.file.Path dir;

    static AsofGateway gateway;

    @BeforeAll
    static void start() {
        gateway = AsofGateway.start(TestGateway.withAdmin(GatewayConfig.embedded(dir)));
        TestGateway.install(gateway); // entity customer, source profile_updates, view customer_profile
        var x = gateway.executor();
        TestGateway.installStock(x);
        TestGateway.run(x, "CREATE USER " + BOB + " PASSWORD '" + BOB_PASSWORD + "'");
        TestGateway.run(x, "GRANT SELECT ON FEATURE VIEW customer_profile TO USER " + BOB);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    enum Client { ASOF, AVATICA, ARROW }

    static Connection connect(Client client, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return switch (client) {
            case ASOF -> DriverManager.getConnection(gateway.jdbcUrl(), p);
            case AVATICA -> {
                p.setProperty("avatica_user", user);
                p.setProperty("avatica_password", password);
                yield DriverManager.getConnection("jdbc:avatica:remote:url=http://127.0.0.1:" + gateway.jdbcPort()
                        + ";serialization=PROTOBUF;authentication=BASIC", p);
            }
            case ARROW -> DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:"
                    + TestGateway.flight(gateway).port() + "?useEncryption=false", p);
        };
    }

    /** A table the crawl reached: its type, columns (name, JDBC type) and key columns in key order. */
    record Reached(String type, List<Map.Entry<String, Integer>> columns, List<String> keys) {}

    /** catalog.schema.table → what the crawl found there. */
    static Map<String, Reached> crawl(Connection c) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        Map<String, Reached> reached = new LinkedHashMap<>();
        for (String catalog : strings(md.getCatalogs(), "TABLE_CAT")) {
            for (String schema : strings(md.getSchemas(catalog, null), "TABLE_SCHEM")) {
                try (ResultSet tables = md.getTables(catalog, schema, "%", null)) {
                    while (tables.next()) {
                        String table = tables.getString("TABLE_NAME");
                        assertThat(tables.getString("TABLE_CAT")).isEqualTo(catalog);
                        assertThat(tables.getString("TABLE_SCHEM")).isEqualTo(schema);
                        List<Map.Entry<String, Integer>> columns = new ArrayList<>();
                        try (ResultSet rs = md.getColumns(catalog, schema, table, "%")) {
                            while (rs.next()) {
                                assertThat(rs.getString("TABLE_NAME")).isEqualTo(table);
                                columns.add(Map.entry(rs.getString("COLUMN_NAME"), rs.getInt("DATA_TYPE")));
                            }
                        }
                        List<String> keys = new ArrayList<>();
                        try (ResultSet rs = md.getPrimaryKeys(catalog, schema, table)) {
                            while (rs.next()) {
                                assertThat(rs.getString("TABLE_NAME")).isEqualTo(table);
                                keys.add(rs.getInt("KEY_SEQ") + ":" + rs.getString("COLUMN_NAME"));
                            }
                        }
                        // asof declares no foreign keys: an empty answer, not an error (Arrow's
                        // driver asks the server, which answered UNIMPLEMENTED before).
                        try (ResultSet rs = md.getImportedKeys(catalog, schema, table)) {
                            assertThat(rs.next()).as("imported keys of %s", table).isFalse();
                        }
                        reached.put(catalog + "." + schema + "." + table,
                                new Reached(tables.getString("TABLE_TYPE"), columns, keys));
                    }
                }
            }
        }
        return reached;
    }

    static List<String> strings(ResultSet rs, String column) throws SQLException {
        List<String> out = new ArrayList<>();
        try (rs) {
            while (rs.next()) {
                out.add(rs.getString(column));
            }
        }
        return out;
    }

    static final Reached CUSTOMER = new Reached("ENTITY", List.of(Map.entry("customer_id", Types.BIGINT)),
            List.of("1:customer_id"));
    static final Reached CUSTOMER_PROFILE = new Reached("FEATURE VIEW", List.of(Map.entry("customer_id", Types.BIGINT),
            Map.entry("segment", Types.VARCHAR), Map.entry("credit", Types.DECIMAL)), List.of("1:customer_id"));
    static final Reached STOCK_LEVEL = new Reached("FEATURE VIEW", List.of(Map.entry("store", Types.VARCHAR),
            Map.entry("sku", Types.BIGINT), Map.entry("qty", Types.BIGINT)), List.of("1:store", "2:sku"));
    static final Reached STORE_SKU = new Reached("ENTITY", List.of(Map.entry("store", Types.VARCHAR),
            Map.entry("sku", Types.BIGINT)), List.of("1:store", "2:sku"));
    static final List<Map.Entry<String, Integer>> PROFILE_COLUMNS = List.of(Map.entry("customer_id", Types.BIGINT),
            Map.entry("segment", Types.VARCHAR), Map.entry("credit", Types.DECIMAL), Map.entry("updated_ts", Types.TIMESTAMP));
    static final List<Map.Entry<String, Integer>> STOCK_COLUMNS = List.of(Map.entry("store", Types.VARCHAR),
            Map.entry("sku", Types.BIGINT), Map.entry("qty", Types.BIGINT), Map.entry("ts", Types.TIMESTAMP));

    /** Everything, for the admin: registry objects with keys, sources without, warehouse tables apart. */
    static Map<String, Reached> adminSees(boolean keys) {
        Map<String, Reached> m = new LinkedHashMap<>();
        m.put("registry.features.customer", keys ? CUSTOMER : withoutKeys(CUSTOMER));
        m.put("registry.features.customer_profile", keys ? CUSTOMER_PROFILE : withoutKeys(CUSTOMER_PROFILE));
        m.put("registry.features.profile_updates", new Reached("SOURCE", PROFILE_COLUMNS, List.of()));
        m.put("registry.features.stock", new Reached("SOURCE", STOCK_COLUMNS, List.of()));
        m.put("registry.features.stock_level", keys ? STOCK_LEVEL : withoutKeys(STOCK_LEVEL));
        m.put("registry.features.store_sku", keys ? STORE_SKU : withoutKeys(STORE_SKU));
        m.put("lake.main.profile_updates", new Reached("TABLE", PROFILE_COLUMNS, List.of()));
        m.put("lake.sales.stock", new Reached("TABLE", STOCK_COLUMNS, List.of()));
        return m;
    }

    static Reached withoutKeys(Reached r) {
        return new Reached(r.type(), r.columns(), List.of());
    }

    /** The asof driver and Arrow's: every object with its columns and entity key; bob only what it may read. */
    @Test
    void asofAndArrowDriversCrawlEveryObjectWithColumnsAndKeys() throws SQLException {
        for (Client client : List.of(Client.ASOF, Client.ARROW)) {
            try (Connection c = connect(client, TestGateway.USER, TestGateway.PASSWORD)) {
                assertThat(crawl(c)).as(client.name()).containsExactlyInAnyOrderEntriesOf(adminSees(true));
            }
            try (Connection c = connect(client, BOB, BOB_PASSWORD)) {
                assertThat(crawl(c)).as(client.name()).containsOnlyKeys("registry.features.customer",
                        "registry.features.customer_profile", "registry.features.store_sku")
                        .containsEntry("registry.features.customer_profile", CUSTOMER_PROFILE);
            }
        }
    }

    /** Avatica's remote protocol has no request for primary keys: its client answers none without asking. */
    @Test
    void genericAvaticaCrawlReachesEveryObjectWithColumns() throws SQLException {
        try (Connection c = connect(Client.AVATICA, TestGateway.USER, TestGateway.PASSWORD)) {
            assertThat(crawl(c)).containsExactlyInAnyOrderEntriesOf(adminSees(false));
        }
        try (Connection c = connect(Client.AVATICA, BOB, BOB_PASSWORD)) {
            assertThat(crawl(c).keySet()).containsExactlyInAnyOrder("registry.features.customer",
                    "registry.features.customer_profile", "registry.features.store_sku");
        }
    }

    /** A source and the warehouse table it reads share a name: the listing tells them apart. */
    @Test
    void sameNameSourceAndTableAreTwoDistinctRows() throws SQLException {
        for (Client client : Client.values()) {
            try (Connection c = connect(client, TestGateway.USER, TestGateway.PASSWORD);
                    ResultSet rs = c.getMetaData().getColumns(null, null, "profile_updates", "customer_id")) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getString("TABLE_CAT") + "." + rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME"));
                }
                assertThat(rows).as(client.name()).containsExactlyInAnyOrder("registry.features.profile_updates",
                        "lake.main.profile_updates");
            }
        }
    }

    /** The names a tool generates from the crawl, quoted or not, resolve like the bare names. */
    @Test
    void qualifiedRegistryNamesResolveInQueries() throws SQLException {
        for (Client client : Client.values()) {
            for (String name : List.of("customer_profile", "registry.features.customer_profile",
                    "\"registry\".\"features\".\"customer_profile\"")) {
                try (Connection c = connect(client, BOB, BOB_PASSWORD);
                        PreparedStatement ps = c.prepareStatement("SELECT p.segment FROM " + name
                                + " AS OF TIMESTAMP '2025-02-15 00:00:00' p WHERE p.customer_id = ?")) {
                    ps.setLong(1, 1L);
                    assertThat(strings(ps.executeQuery(), "segment")).as(client + " " + name).containsExactly("gold");
                }
            }
        }
    }

    /**
     * getTypeInfo has a row per type with JDBC's columns through the asof driver and Avatica's
     * client. Arrow's driver (18.3.0) does not override {@code getTypeInfo} and answers Avatica's
     * empty default without asking the server; Flight SQL clients get the rows from
     * {@code CommandGetXdbcTypeInfo} ({@link #flightSqlCommandsAnswerTypesKeysAndKeywords}).
     */
    @Test
    void typeInfoListsTheTypesWithAllColumns() throws SQLException {
        try (Connection c = connect(Client.ARROW, TestGateway.USER, TestGateway.PASSWORD);
                ResultSet rs = c.getMetaData().getTypeInfo()) {
            assertThat(rs.next()).isFalse();
        }
        for (Client client : List.of(Client.ASOF, Client.AVATICA)) {
            try (Connection c = connect(client, TestGateway.USER, TestGateway.PASSWORD);
                    ResultSet rs = c.getMetaData().getTypeInfo()) {
                ResultSetMetaData md = rs.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    columns.add(md.getColumnName(i).toUpperCase(java.util.Locale.ROOT));
                }
                assertThat(columns).as(client.name()).contains("TYPE_NAME", "DATA_TYPE", "PRECISION",
                        "LITERAL_PREFIX", "NULLABLE", "CASE_SENSITIVE", "SEARCHABLE", "MINIMUM_SCALE", "MAXIMUM_SCALE");
                Map<String, Integer> types = new LinkedHashMap<>();
                Map<String, Integer> maxScale = new LinkedHashMap<>();
                while (rs.next()) {
                    types.put(rs.getString("TYPE_NAME"), rs.getInt("DATA_TYPE"));
                    maxScale.put(rs.getString("TYPE_NAME"), rs.getInt("MAXIMUM_SCALE"));
                }
                assertThat(types).as(client.name()).containsEntry("BIGINT", Types.BIGINT)
                        .containsEntry("VARCHAR", Types.VARCHAR).containsEntry("TIMESTAMP", Types.TIMESTAMP)
                        .containsEntry("TIMESTAMP WITH TIME ZONE", Types.TIMESTAMP_WITH_TIMEZONE)
                        .containsEntry("DECIMAL", Types.DECIMAL).hasSize(14);
                assertThat(maxScale).as(client.name()).containsEntry("TIMESTAMP", 6).containsEntry("DECIMAL", 38);
            }
        }
    }

    /** asof's extension keywords, and foreign keys as empty results with JDBC's columns (not errors). */
    @Test
    void keywordsAndEmptyForeignKeys() throws SQLException {
        for (Client client : Client.values()) {
            try (Connection c = connect(client, TestGateway.USER, TestGateway.PASSWORD)) {
                DatabaseMetaData md = c.getMetaData();
                // Arrow's driver joins the keywords with ", "
                assertThat(List.of(md.getSQLKeywords().split(",\\s*"))).as(client.name())
                        .contains("ENTITY", "FEATURE", "MATERIALIZE", "TTL", "ONLINE");
                for (ResultSet rs : List.of(md.getImportedKeys("registry", "features", "customer_profile"),
                        md.getExportedKeys("registry", "features", "customer"),
                        md.getCrossReference("registry", "features", "customer", "registry", "features", "customer_profile"))) {
                    try (rs) {
                        if (client == Client.ARROW) {
                            // Arrow's driver (18.3.0) asks the server for imported keys only (which
                            // answered UNIMPLEMENTED before); its empty results carry no columns.
                            assertThat(rs.next()).isFalse();
                            continue;
                        }
                        assertThat(rs.getMetaData().getColumnCount()).as(client.name()).isEqualTo(14);
                        assertThat(rs.getMetaData().getColumnName(3).toUpperCase(java.util.Locale.ROOT))
                                .isEqualTo("PKTABLE_NAME");
                        assertThat(rs.next()).isFalse();
                    }
                }
            }
        }
    }

    /** The same listing as Flight SQL commands: type info, empty foreign keys (not UNIMPLEMENTED), SqlInfo keywords. */
    @Test
    void flightSqlCommandsAnswerTypesKeysAndKeywords() throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
                FlightSqlClient client = new FlightSqlClient(TestGateway.authenticated(FlightClient.builder(allocator,
                        Location.forGrpcInsecure("127.0.0.1", TestGateway.flight(gateway).port()))).build())) {
            Map<String, Integer> types = new LinkedHashMap<>();
            for (List<Object> row : flightRows(client, client.getXdbcTypeInfo())) {
                types.put(row.get(0).toString(), (Integer) row.get(1));
            }
            assertThat(types).containsEntry("TIMESTAMP WITH TIME ZONE", Types.TIMESTAMP_WITH_TIMEZONE)
                    .containsEntry("DECIMAL", Types.DECIMAL).hasSize(14);
            assertThat(flightRows(client, client.getXdbcTypeInfo(Types.BIGINT))).hasSize(1);
            TableRef view = TableRef.of("registry", "features", "customer_profile");
            assertThat(flightRows(client, client.getImportedKeys(view))).isEmpty();
            assertThat(flightRows(client, client.getExportedKeys(view))).isEmpty();
            assertThat(flightRows(client, client.getCrossReference(TableRef.of("registry", "features", "customer"), view)))
                    .isEmpty();
            List<List<Object>> info = flightRows(client, client.getSqlInfo(FlightSql.SqlInfo.SQL_KEYWORDS));
            assertThat(info).hasSize(1);
            assertThat(info.get(0).get(1).toString()).contains("MATERIALIZE", "FEATURE", "ENTITY");
        }
    }

    static List<List<Object>> flightRows(FlightSqlClient client, FlightInfo info) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
            while (stream.next()) {
                VectorSchemaRoot root = stream.getRoot();
                for (int i = 0; i < root.getRowCount(); i++) {
                    List<Object> row = new ArrayList<>();
                    for (var v : root.getFieldVectors()) {
                        row.add(v.getObject(i));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** The asof driver lists the functions a query may call, and not the ones refused. */
    @Test
    void asofDriverListsCallableFunctions() throws SQLException {
        try (Connection c = connect(Client.ASOF, BOB, BOB_PASSWORD)) {
            List<String> all = strings(c.getMetaData().getFunctions(null, null, "%"), "FUNCTION_NAME");
            assertThat(all).contains("ABS", "COALESCE", "UPPER").doesNotContain("READ_CSV", "GETENV");
            assertThat(strings(c.getMetaData().getFunctions(null, null, "coal%"), "FUNCTION_NAME"))
                    .containsExactly("COALESCE");
        }
    }

    /** A prepared lookup's parameter is typed as the entity key, not ANY/OTHER. */
    @Test
    void preparedLookupParameterHasTheKeyType() throws SQLException {
        for (Client client : Client.values()) {
            try (Connection c = connect(client, TestGateway.USER, TestGateway.PASSWORD);
                    PreparedStatement ps = c.prepareStatement(
                            "SELECT segment FROM customer_profile WHERE customer_id = ?")) {
                assertThat(ps.getParameterMetaData().getParameterType(1)).as(client.name()).isEqualTo(Types.BIGINT);
            }
        }
    }
}
