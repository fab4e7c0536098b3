package dev.asof.gateway.server.avatica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import dev.asof.gateway.admission.AdmissionSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Avatica's own remote client (avatica-core 1.28, {@code jdbc:avatica:remote:}) does that
 * no gateway can change, pinned so that an Avatica upgrade that changes it is noticed, each next
 * to what the gateway gives the same client instead. Read from avatica-core's byte code: its
 * {@code DatabaseMetaData} names the product from the client's own {@code DriverVersion} (never a
 * request); {@code getPrimaryKeys}/{@code getFunctions} are {@code MetaImpl}'s empty defaults, which
 * its {@code RemoteMeta} does not override (the protocol has no such request); the query timeout
 * is a field of {@code AvaticaStatement} that only {@code getQueryTimeout} reads.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GenericAvaticaClientTest {
    private static final String BIG = "SELECT i FROM lake.main.big";
    /** How long a statement may wait for admission here: far longer than the 1 s query timeout. */
    private static final Duration QUEUE_WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    static AsofGateway gateway;

    @BeforeAll
    static void start() throws SQLException {
        // One warehouse statement per connection: a second one waits, without using any CPU.
        gateway = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir)).withAdmission(new AdmissionSettings(
                OptionalInt.empty(), OptionalInt.empty(), OptionalInt.of(1), OptionalInt.empty(), Optional.of(QUEUE_WAIT))));
        try (Connection c = TestUsers.connect(gateway.jdbcUrl()); Statement s = c.createStatement()) {
            // Many more rows than a first frame: a result of it stays open on the gateway.
            s.execute("CREATE TABLE lake.main.big AS SELECT range AS i FROM range(100000)");
            s.execute("CREATE TABLE lake.main.profile (customer_id BIGINT, segment VARCHAR, ts TIMESTAMP)");
            s.execute("INSERT INTO lake.main.profile VALUES (1, 'gold', TIMESTAMP '2025-01-01 00:00:00')");
            s.execute("CREATE ENTITY customer (customer_id BIGINT)");
            s.execute("CREATE SOURCE profile FROM TABLE lake.main.profile EVENT TIME ts");
            s.execute("CREATE FEATURE VIEW customer_segment ENTITY customer FROM profile AS SELECT customer_id, segment");
        }
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static Connection avatica() throws SQLException {
        return avatica("");
    }

    private static Connection avatica(String extra) throws SQLException {
        return DriverManager.getConnection("jdbc:avatica:remote:url=http://127.0.0.1:" + gateway.jdbcPort()
                + ";serialization=PROTOBUF;authentication=BASIC;avatica_user=" + TestUsers.ADMIN + ";avatica_password="
                + TestUsers.PASSWORD + extra);
    }

    /**
     * The product JDBC reports is the client's own idea. The gateway's name and version are in
     * the database properties it serves, which this client reads for keywords and hands out whole
     * through Avatica's {@code AvaticaSpecificDatabaseMetaData}.
     */
    @Test
    void productNameAndVersionAreAvaticasOwn() throws SQLException {
        try (Connection c = avatica()) {
            DatabaseMetaData md = c.getMetaData();
            assertThat(md.getDatabaseProductName()).isEqualTo("Avatica");
            assertThat(md.getDatabaseProductVersion()).isEqualTo("unknown version");
            assertThat(md.getDriverName()).isEqualTo("Avatica Remote JDBC Driver");
            assertThat(md.getSQLKeywords()).contains("MATERIALIZE", "FEATURE");
            java.util.Properties served = md.unwrap(org.apache.calcite.avatica.AvaticaSpecificDatabaseMetaData.class)
                    .getRemoteAvaticaProperties();
            assertThat(served.getProperty("GET_DATABASE_PRODUCT_NAME")).isEqualTo("asof");
            assertThat(served.getProperty("GET_DATABASE_PRODUCT_VERSION")).isNotBlank();
        }
        try (Connection c = TestUsers.connect(gateway.jdbcUrl())) {
            assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("asof");
        }
    }

    /**
     * Primary keys and functions are answered empty by the client without a request; the same
     * rows are one query away through the same connection ({@code sys.primary_keys},
     * {@code sys.functions}, which the asof driver reads for these calls).
     */
    @Test
    void primaryKeysAndFunctionsAreNeverAskedButSysTablesHaveThem() throws SQLException {
        try (Connection c = avatica(); Statement s = c.createStatement()) {
            DatabaseMetaData md = c.getMetaData();
            try (ResultSet rs = md.getPrimaryKeys("registry", "features", "customer_segment")) {
                assertThat(rs.next()).isFalse();
            }
            try (ResultSet rs = md.getFunctions(null, null, "%")) {
                assertThat(rs.next()).isFalse();
            }
            List<String> keys = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT table_cat, table_schem, column_name, key_seq FROM sys.primary_keys"
                    + " WHERE table_name = 'customer_segment'")) {
                while (rs.next()) {
                    keys.add(rs.getString(1) + "." + rs.getString(2) + " " + rs.getInt(4) + ":" + rs.getString(3));
                }
            }
            assertThat(keys).containsExactly("registry.features 1:customer_id");
            List<String> functions = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT function_name FROM sys.functions")) {
                while (rs.next()) {
                    functions.add(rs.getString(1));
                }
            }
            assertThat(functions).contains("COALESCE", "UPPER").doesNotContain("READ_CSV");
        }
        try (Connection c = TestUsers.connect(gateway.jdbcUrl());
                ResultSet rs = c.getMetaData().getPrimaryKeys("registry", "features", "customer_segment")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("COLUMN_NAME")).isEqualTo("customer_id");
        }
    }

    /**
     * {@code setQueryTimeout(1)} never leaves Avatica's client: a statement waiting for admission
     * (this connection already holds its one warehouse statement) is still waiting after 3 s, and
     * returns its rows once the other statement is closed, with no timeout raised.
     */
    @Test
    void queryTimeoutStaysInTheClient() throws Exception {
        try (Connection c = avatica(); Statement holder = c.createStatement(); Statement timed = c.createStatement()) {
            ResultSet held = holder.executeQuery(BIG);
            assertThat(held.next()).isTrue();
            timed.setQueryTimeout(1);
            long started = System.nanoTime();
            CompletableFuture<Long> count = CompletableFuture.supplyAsync(() -> {
                try (ResultSet rs = timed.executeQuery("SELECT count(*) FROM lake.main.big")) {
                    rs.next();
                    return rs.getLong(1);
                } catch (SQLException e) {
                    throw new IllegalStateException(e.getSQLState() + " " + e.getMessage(), e);
                }
            });
            Thread.sleep(3_000);
            assertThat(count).as("still waiting 3 s after a 1 s query timeout").isNotDone();
            holder.close();
            assertThat(count.get(60, TimeUnit.SECONDS)).isEqualTo(100_000L);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofSeconds(3));
        }
    }

    /**
     * What bounds a statement of this client instead: Avatica's own HTTP response timeout
     * ({@code http_response_timeout}, milliseconds) gives up on the request and closes its HTTP
     * connection (on which the gateway cancels a running statement, {@code DeadClientTest}); the
     * connection stays usable.
     */
    @Test
    void httpResponseTimeoutBoundsTheWait() throws Exception {
        try (Connection c = avatica(";http_response_timeout=5000"); Statement holder = c.createStatement();
                Statement timed = c.createStatement()) {
            ResultSet held = holder.executeQuery(BIG);
            assertThat(held.next()).isTrue();
            long started = System.nanoTime();
            Throwable e = org.assertj.core.api.Assertions.catchThrowable(
                    () -> timed.executeQuery("SELECT count(*) FROM lake.main.big"));
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            assertThat(e).isInstanceOf(SQLException.class);
            assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(4_900)).isLessThan(QUEUE_WAIT);
            holder.close();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM lake.main.big")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(100_000L);
            }
        }
    }
}
