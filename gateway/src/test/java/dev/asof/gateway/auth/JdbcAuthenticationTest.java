package dev.asof.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication and user management on the JDBC endpoint, through the asof driver and a generic
 * Avatica client: each attack fails with its SQLSTATE, and the legitimate use works.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JdbcAuthenticationTest {
    private static final String REFUSED = "authentication failed: unknown user or wrong password";

    @TempDir
    Path dir;

    private AsofGateway gateway;

    private AsofGateway start(GatewayConfig config) {
        gateway = AsofGateway.start(config, UnaryOperator.identity(), Map.of());
        return gateway;
    }

    private AsofGateway start() {
        return start(TestUsers.withAdmin(GatewayConfig.embedded(dir.resolve("data"))));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private Connection connect(String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return DriverManager.getConnection(gateway.jdbcUrl(), p);
    }

    private static boolean run(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            return s.execute(sql);
        }
    }

    private static List<List<Object>> rows(Connection c, String sql) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getObject(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    /** The SQLSTATE anywhere in the cause chain (Avatica's client keeps it on its own exception). */
    private static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return s.getSQLState();
            }
            if (t instanceof AvaticaClientRuntimeException a && a.getSqlState() != null) {
                return a.getSqlState();
            }
        }
        return null;
    }

    @Test
    void missingWrongAndUnknownCredentialsAreRefusedAndTheRightOnesWork() throws Exception {
        start();
        SQLException none = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                () -> DriverManager.getConnection(gateway.jdbcUrl()));
        assertThat(none.getSQLState()).isEqualTo("28000");
        assertThat(none.getMessage()).contains("authentication required");

        SQLException wrong = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                () -> connect(TestUsers.ADMIN, "not-the-password"));
        SQLException unknown = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                () -> connect("nobody", "not-the-password"));
        assertThat(wrong.getSQLState()).isEqualTo("28P01");
        assertThat(unknown.getSQLState()).isEqualTo("28P01");
        // Same words for both: a user name cannot be probed.
        assertThat(wrong.getMessage()).isEqualTo(unknown.getMessage()).contains(REFUSED);
        assertThat(wrong.getMessage()).doesNotContain("at org.").doesNotContain("not-the-password");

        try (Connection c = connect(TestUsers.ADMIN, TestUsers.PASSWORD)) {
            assertThat(rows(c, "SELECT 41 + 1 AS v")).containsExactly(List.of(42));
        }
        // Credentials in the URL work the same.
        String url = gateway.jdbcUrl() + "?user=" + TestUsers.ADMIN + "&password="
                + URLEncoder.encode(TestUsers.PASSWORD, StandardCharsets.UTF_8);
        try (Connection c = DriverManager.getConnection(url)) {
            assertThat(rows(c, "SELECT 1 AS v")).containsExactly(List.of(1));
        }
    }

    @Test
    void genericAvaticaClientLogsInWithBasicAndSeesClearFailures() throws Exception {
        start();
        String base = "jdbc:avatica:remote:url=http://127.0.0.1:" + gateway.jdbcPort() + ";serialization=PROTOBUF";
        try (Connection c = DriverManager.getConnection(base + ";authentication=BASIC;avatica_user=" + TestUsers.ADMIN
                + ";avatica_password=" + TestUsers.PASSWORD)) {
            assertThat(rows(c, "SELECT 7 AS v")).containsExactly(List.of(7));
        }
        Throwable wrong = catchAny(() -> DriverManager.getConnection(base + ";authentication=BASIC;avatica_user="
                + TestUsers.ADMIN + ";avatica_password=wrong"));
        assertThat(sqlState(wrong)).isEqualTo("28P01");
        assertThat(messages(wrong)).contains(REFUSED);
        // Without credentials a generic client gets the 401 (it does not decode a 401's body).
        Throwable none = catchAny(() -> DriverManager.getConnection(base));
        assertThat(messages(none)).contains("401");
    }

    @Test
    void onlyAdminsManageUsersAndPasswordChangesApplyAtOnce() throws Exception {
        start();
        try (Connection admin = connect(TestUsers.ADMIN, TestUsers.PASSWORD)) {
            run(admin, "CREATE USER alice PASSWORD 'alice-pw-1'");
            assertThat(rows(admin, "SHOW USERS")).extracting(r -> r.subList(0, 2))
                    .containsExactly(List.of("admin", true), List.of("alice", false));
            try (Connection alice = connect("alice", "alice-pw-1")) {
                assertThat(rows(alice, "SELECT 1 AS v")).containsExactly(List.of(1));
                for (String sql : List.of("CREATE USER mallory PASSWORD 'x' ADMIN", "ALTER USER alice ADMIN",
                        "ALTER USER admin PASSWORD 'taken'", "DROP USER admin", "SHOW USERS")) {
                    SQLException denied = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                            () -> run(alice, sql), sql);
                    assertThat(denied.getSQLState()).as(sql).isEqualTo("42501");
                    assertThat(denied.getMessage()).as(sql).contains("only admins manage users");
                }
                assertThat(rows(admin, "SHOW USERS")).hasSize(2);
                // The admin's password did not change.
                try (Connection again = connect(TestUsers.ADMIN, TestUsers.PASSWORD)) {
                    assertThat(rows(again, "SELECT 2 AS v")).containsExactly(List.of(2));
                }

                run(admin, "ALTER USER alice PASSWORD 'alice-pw-2'");
                // The open connection's next request presents the old password: refused at once.
                SQLException stale = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                        () -> rows(alice, "SELECT 1 AS v"));
                assertThat(sqlState(stale)).isEqualTo("28P01");
            }
            assertThat(sqlState(catchAny(() -> connect("alice", "alice-pw-1")))).isEqualTo("28P01");
            try (Connection alice = connect("alice", "alice-pw-2")) {
                assertThat(rows(alice, "SELECT 3 AS v")).containsExactly(List.of(3));
                // ADMIN applies on the next request, without a new login.
                run(admin, "ALTER USER alice ADMIN");
                run(alice, "CREATE USER bob PASSWORD 'bob-pw'");
                run(admin, "ALTER USER alice NOADMIN");
                assertThat(sqlState(catchAny(() -> run(alice, "DROP USER bob")))).isEqualTo("42501");
            }
            run(admin, "DROP USER bob");
            run(admin, "DROP USER IF EXISTS bob");
            assertThat(sqlState(catchAny(() -> connect("bob", "bob-pw")))).isEqualTo("28P01");
            assertThat(sqlState(catchAny(() -> run(admin, "DROP USER admin")))).isEqualTo("42P17");
            assertThat(sqlState(catchAny(() -> run(admin, "CREATE USER alice PASSWORD 'x'")))).isEqualTo("42S01");
        }
    }

    @Test
    void passwordsAppearNowhereInClear() throws Exception {
        start();
        String secret = "Sup3r-Secret-Passw0rd";
        try (Connection admin = connect(TestUsers.ADMIN, TestUsers.PASSWORD)) {
            run(admin, "CREATE USER carol PASSWORD '" + secret + "'");
            SQLException exists = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> run(admin, "CREATE USER carol PASSWORD '" + secret + "'"));
            assertThat(exists.getMessage()).doesNotContain(secret);
            SQLException explain = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> rows(admin, "EXPLAIN CREATE USER dave PASSWORD '" + secret + "'"));
            assertThat(explain.getMessage()).doesNotContain(secret);
            SQLException tooLong = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> run(admin, "ALTER USER carol PASSWORD '" + secret.repeat(5) + "'"));
            assertThat(tooLong.getSQLState()).isEqualTo("42P17");
            assertThat(tooLong.getMessage()).contains("72 bytes").doesNotContain(secret);
            assertThat(rows(admin, "SHOW USERS").toString()).doesNotContain(secret).doesNotContain("$2a$");
        }
        try (Connection carol = connect("carol", secret)) {
            assertThat(rows(carol, "SELECT 1 AS v")).containsExactly(List.of(1));
        }
        gateway.close();
        gateway = null;
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        try (var files = Files.list(dir.resolve("data"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(indexOf(Files.readAllBytes(f), needle)).as(f.toString()).isEqualTo(-1);
            }
        }
    }

    @Test
    void repeatedFailuresAreThrottledPerUserAndAddress() throws Exception {
        start();
        for (int i = 0; i < 5; i++) {
            String guess = "guess-" + i;
            assertThat(catchAny(() -> connect(TestUsers.ADMIN, guess)).getMessage()).contains(REFUSED);
        }
        // The sixth attempt is refused without a check, even with the right password.
        Throwable throttled = catchAny(() -> connect(TestUsers.ADMIN, TestUsers.PASSWORD));
        assertThat(sqlState(throttled)).isEqualTo("28P01");
        assertThat(throttled.getMessage()).contains("too many failed attempts");
        Thread.sleep(1_200);
        try (Connection c = connect(TestUsers.ADMIN, TestUsers.PASSWORD)) {
            assertThat(rows(c, "SELECT 1 AS v")).containsExactly(List.of(1));
        }
    }

    @Test
    void auditLogHasLoginsAndUserChanges() throws Exception {
        start();
        try (Connection admin = connect(TestUsers.ADMIN, TestUsers.PASSWORD)) {
            run(admin, "CREATE USER erin PASSWORD 'erin-pw'");
        }
        catchAny(() -> connect("nobody", "nope"));
        Path log = dir.resolve("data").resolve("audit.log");
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            events.add(json.readTree(line));
        }
        assertThat(events).anySatisfy(e -> {
            assertThat(e.get("event").asText()).isEqualTo("create_user");
            assertThat(e.get("outcome").asText()).isEqualTo("ok");
            assertThat(e.get("detail").asText()).contains("'admin' created as admin at start");
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.get("event").asText()).isEqualTo("login");
            assertThat(e.get("user").asText()).isEqualTo("admin");
            assertThat(e.get("protocol").asText()).isEqualTo("jdbc");
            assertThat(e.get("remote_address").asText()).isEqualTo("127.0.0.1");
            assertThat(e.get("outcome").asText()).isEqualTo("ok");
            assertThat(e.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.get("event").asText()).isEqualTo("create_user");
            assertThat(e.get("user").asText()).isEqualTo("admin");
            assertThat(e.get("detail").asText()).isEqualTo("user 'erin' created");
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.get("event").asText()).isEqualTo("login");
            assertThat(e.get("user").asText()).isEqualTo("nobody");
            assertThat(e.get("outcome").asText()).isEqualTo("refused");
            assertThat(e.get("detail").asText()).isEqualTo("unknown user");
        });
        assertThat(Files.readString(log)).doesNotContain("erin-pw").doesNotContain("nope");
    }

    @Test
    void firstAdminComesFromTheEnvironmentFirstAndAnEmptyRegistryNeedsOne() throws Exception {
        GatewayConfig none = GatewayConfig.embedded(dir.resolve("empty"));
        assertThatThrownBy(() -> start(none)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(GatewayConfig.ADMIN_USER_KEY).hasMessageContaining(GatewayConfig.ADMIN_PASSWORD_ENV);
        gateway = null;
        GatewayConfig config = GatewayConfig.embedded(dir.resolve("env")).withAdmin("root", "from-config");
        gateway = AsofGateway.start(config, UnaryOperator.identity(), Map.of(GatewayConfig.ADMIN_PASSWORD_ENV, "from-env"));
        assertThat(gateway.adminAtStart()).isEqualTo(AdminBootstrap.Outcome.CREATED);
        assertThat(sqlState(catchAny(() -> connect("root", "from-config")))).isEqualTo("28P01");
        try (Connection c = connect("root", "from-env")) {
            assertThat(rows(c, "SHOW USERS")).extracting(r -> r.subList(0, 2)).containsExactly(List.of("root", true));
        }
    }

    @Test
    void tlsEndpointServesTlsClientsAndRefusesPlaintext() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process p;
        try {
            p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "openssl not available");
            return;
        }
        p.getInputStream().readAllBytes();
        assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl could not make a certificate");
        // A trust store with the self-signed certificate, as a client would make one.
        Path trust = dir.resolve("trust.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (var in = Files.newInputStream(cert)) {
            Certificate c = CertificateFactory.getInstance("X.509").generateCertificate(in);
            store.setCertificateEntry("asof", c);
        }
        try (var out = Files.newOutputStream(trust)) {
            store.store(out, "changeit".toCharArray());
        }

        start(TestUsers.withAdmin(GatewayConfig.embedded(dir.resolve("data"))).withJdbcTls(cert, key));
        assertThat(gateway.jdbcUrl()).endsWith("?tls=true");
        Properties props = new Properties();
        props.setProperty("user", TestUsers.ADMIN);
        props.setProperty("password", TestUsers.PASSWORD);
        props.setProperty("truststore", trust.toString());
        props.setProperty("truststore_password", "changeit");
        try (Connection c = DriverManager.getConnection(gateway.jdbcUrl(), props)) {
            assertThat(rows(c, "SELECT 5 AS v")).containsExactly(List.of(5));
        }
        // Or trusting the PEM certificate itself.
        try (Connection c = DriverManager.getConnection(gateway.jdbcUrl() + "&tls_ca="
                + URLEncoder.encode(cert.toString(), StandardCharsets.UTF_8), TestUsers.ADMIN, TestUsers.PASSWORD)) {
            assertThat(rows(c, "SELECT 6 AS v")).containsExactly(List.of(6));
        }
        // Without trusting the certificate: refused by the client.
        assertThat(catchAny(() -> connect(TestUsers.ADMIN, TestUsers.PASSWORD))).isInstanceOf(SQLException.class);
        // Plain HTTP on the TLS port: no answer.
        String plain = "jdbc:asof://127.0.0.1:" + gateway.jdbcPort();
        Throwable refused = catchAny(() -> DriverManager.getConnection(plain, props));
        assertThat(refused).isInstanceOf(SQLException.class);
        assertThat(((SQLException) refused).getSQLState()).isEqualTo("08001");
    }

    private interface Action {
        Object run() throws Exception;
    }

    private static Throwable catchAny(Action action) {
        try {
            Object result = action.run();
            if (result instanceof AutoCloseable c) {
                c.close();
            }
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("expected a failure");
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t.getMessage()).append('\n');
        }
        return b.toString();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
