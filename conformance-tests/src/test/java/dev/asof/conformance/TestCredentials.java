package dev.asof.conformance;

import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.audit.AuditLog;
import dev.asof.gateway.auth.Authenticator;
import dev.asof.gateway.auth.PasswordHasher;
import dev.asof.gateway.registry.Registry;
import dev.asof.planner.plan.Secret;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The conformance suites' login: every gateway they start has the admin {@link #USER}, and every
 * URL they hand to clients carries its credentials.
 */
public final class TestCredentials {
    public static final String USER = "admin";
    public static final String PASSWORD = "admin-test-password";

    private TestCredentials() {}

    /** {@code config} with the test admin. */
    public static GatewayConfig withAdmin(GatewayConfig config) {
        return config.withAdmin(USER, PASSWORD);
    }

    /** An authenticator over {@code registry}'s users (for endpoints started without a gateway), with the test admin. */
    public static Authenticator authenticator(Registry registry) {
        PasswordHasher hasher = new PasswordHasher(4);
        registry.users().create(USER, hasher.hash(new Secret(PASSWORD)), true, true);
        return new Authenticator(registry.users(), hasher, AuditLog.none(), java.time.Clock.systemUTC());
    }

    /** {@code url} (a {@code jdbc:asof:} URL) with the test admin's user and password. */
    public static String url(String url) {
        return url + (url.contains("?") ? "&" : "?") + "user=" + USER + "&password="
                + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
    }
}
