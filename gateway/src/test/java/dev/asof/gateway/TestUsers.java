package dev.asof.gateway;

import dev.asof.gateway.audit.AuditLog;
import dev.asof.gateway.auth.Authenticator;
import dev.asof.gateway.auth.PasswordHasher;
import dev.asof.gateway.registry.Registry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Base64;
import java.util.Properties;

/**
 * The gateway tests' credentials: every test gateway has the admin {@link #ADMIN} with
 * {@link #PASSWORD}, and every test client logs in with them.
 */
public final class TestUsers {
    public static final String ADMIN = "admin";
    public static final String PASSWORD = "admin-test-password";

    private TestUsers() {}

    /** {@code config} whose first admin is the test admin. */
    public static GatewayConfig withAdmin(GatewayConfig config) {
        return config.withAdmin(ADMIN, PASSWORD);
    }

    /** An authenticator over {@code registry}'s users, which get the test admin if absent. */
    public static Authenticator authenticator(Registry registry) {
        PasswordHasher hasher = new PasswordHasher(4); // the cheapest cost: tests need no slow hashing
        registry.users().create(ADMIN, hasher.hash(new dev.asof.planner.plan.Secret(PASSWORD)), true, true);
        return new Authenticator(registry.users(), hasher, AuditLog.none(), Clock.systemUTC());
    }

    /** Opens {@code url} (a {@code jdbc:asof:} URL) as the test admin. */
    public static Connection connect(String url) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", ADMIN);
        p.setProperty("password", PASSWORD);
        return DriverManager.getConnection(url, p);
    }

    /** The {@code Authorization} header value of the test admin. */
    public static String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString((ADMIN + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    }
}
