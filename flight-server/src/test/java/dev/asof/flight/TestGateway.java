package dev.asof.flight;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.execution.StatementResult;
import dev.asof.spi.warehouse.QueryControl;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightClientMiddleware;

/**
 * A small PIT scenario: customer profiles changing over time, one feature view over them; and the
 * tests' credentials (every test gateway has the admin {@link #USER}, every test client logs in).
 */
final class TestGateway {
    static final String USER = "admin";
    static final String PASSWORD = "admin-test-password";

    private TestGateway() {}

    /** {@code config} with the test admin. */
    static GatewayConfig withAdmin(GatewayConfig config) {
        return config.withAdmin(USER, PASSWORD);
    }

    /** The upload schema of the test admin's Flight session {@code session}. */
    static String uploadSchema(String session) {
        return dev.asof.gateway.metadata.UploadSchemas.schemaName(
                dev.asof.gateway.metadata.UploadSchemas.sessionKey(USER, session));
    }

    /** A Flight client that logs in as the test admin (see {@link LoginMiddleware}). */
    static FlightClient.Builder authenticated(FlightClient.Builder builder) {
        return builder.intercept(new LoginMiddleware(USER, PASSWORD));
    }

    /** Arrow's Flight SQL JDBC driver URL parameters of the test admin. */
    static String arrowJdbcCredentials() {
        return "&user=" + USER + "&password=" + PASSWORD;
    }

    /** Opens an asof JDBC URL as the test admin. */
    static Connection jdbc(String url) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", PASSWORD);
        return DriverManager.getConnection(url, p);
    }

    /**
     * Sends {@code Authorization: Basic …} until the server answers with a bearer token, then that
     * token: what a Flight client does after a basic-token handshake, on every call of a client,
     * without passing a call option to each.
     */
    static final class LoginMiddleware implements FlightClientMiddleware.Factory {
        private final String basic;
        private final AtomicReference<String> bearer = new AtomicReference<>();

        LoginMiddleware(String user, String password) {
            this.basic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public FlightClientMiddleware onCallStarted(CallInfo info) {
            return new FlightClientMiddleware() {
                @Override
                public void onBeforeSendingHeaders(CallHeaders outgoing) {
                    String token = bearer.get();
                    outgoing.insert("authorization", token != null ? token : basic);
                }

                @Override
                public void onHeadersReceived(CallHeaders incoming) {
                    String value = incoming.get("authorization");
                    if (value != null && value.startsWith("Bearer ")) {
                        bearer.set(value);
                    }
                }

                @Override
                public void onCallCompleted(CallStatus status) {}
            };
        }
    }

    static void install(AsofGateway gateway) {
        StatementExecutor x = gateway.executor();
        run(x, "CREATE TABLE lake.main.profile_updates (customer_id BIGINT, segment VARCHAR, credit DECIMAL(10,2),"
                + " updated_ts TIMESTAMP)");
        run(x, "INSERT INTO lake.main.profile_updates VALUES"
                + " (1, 'bronze', 100.00, TIMESTAMP '2025-01-01 00:00:00'),"
                + " (1, 'gold', 900.50, TIMESTAMP '2025-02-01 00:00:00'),"
                + " (2, 'silver', 300.25, TIMESTAMP '2025-01-15 00:00:00'),"
                + " (3, 'bronze', NULL, TIMESTAMP '2025-03-01 00:00:00')");
        run(x, "CREATE ENTITY customer (customer_id BIGINT)");
        run(x, "CREATE SOURCE profile_updates FROM TABLE lake.main.profile_updates EVENT TIME updated_ts");
        run(x, "CREATE FEATURE VIEW customer_profile ENTITY customer FROM profile_updates"
                + " AS SELECT customer_id, segment, credit");
    }

    /**
     * A composite key in a second schema: table {@code lake.sales.stock}, entity {@code store_sku
     * (store, sku)}, source {@code stock}, feature view {@code stock_level (store, sku, qty)}.
     */
    static void installStock(StatementExecutor x) {
        run(x, "CREATE SCHEMA lake.sales");
        run(x, "CREATE TABLE lake.sales.stock (store VARCHAR, sku BIGINT, qty BIGINT, ts TIMESTAMP)");
        run(x, "CREATE ENTITY store_sku (store VARCHAR, sku BIGINT)");
        run(x, "CREATE SOURCE stock FROM TABLE lake.sales.stock EVENT TIME ts");
        run(x, "CREATE FEATURE VIEW stock_level ENTITY store_sku FROM stock AS SELECT sku, store, qty");
    }

    static void run(StatementExecutor executor, String sql) {
        StatementResult r = executor.execute(executor.prepare(sql), List.of(), QueryControl.none());
        if (r instanceof StatementResult.Rows rows) {
            rows.cursor().close();
        }
    }

    static FlightSqlEndpoint flight(AsofGateway gateway) {
        return gateway.endpoints().stream().filter(FlightSqlEndpoint.class::isInstance)
                .map(FlightSqlEndpoint.class::cast).findFirst().orElseThrow();
    }
}
