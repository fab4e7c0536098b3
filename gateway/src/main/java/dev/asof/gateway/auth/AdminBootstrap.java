package dev.asof.gateway.auth;

import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.audit.AuditEvent;
import dev.asof.gateway.audit.AuditLog;
import dev.asof.gateway.registry.UserStore;
import dev.asof.gateway.session.Peer;
import dev.asof.gateway.session.Principal;
import dev.asof.planner.plan.Secret;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Creates the first admin at start ({@link GatewayConfig.Security#adminUser}) and refuses to start
 * a gateway that nobody could log in to.
 */
public final class AdminBootstrap {
    private AdminBootstrap() {}

    /** What happened at start. */
    public enum Outcome {
        /** The configured admin was created now. */
        CREATED,
        /** The configured admin exists already; it was left as it is (its password too). */
        EXISTS,
        /** No admin is configured and the registry has users. */
        NOT_CONFIGURED
    }

    /**
     * Ensures there is someone to log in as.
     *
     * @param environment the process environment ({@value GatewayConfig#ADMIN_PASSWORD_ENV} is read
     *     from it and wins over the configured password)
     * @throws IllegalStateException with a message that says how to configure an admin, when the
     *     registry has no user and none is configured, or the configured one is new and has no password
     */
    public static Outcome ensure(UserStore users, PasswordHasher hasher, GatewayConfig.Security security,
            Map<String, String> environment, AuditLog audit, Clock clock) {
        Optional<String> user = security.adminUser();
        if (user.isEmpty()) {
            if (users.isEmpty()) {
                throw new IllegalStateException("no user can log in: the registry has no users and no admin is"
                        + " configured. Set " + GatewayConfig.ADMIN_USER_KEY + " and " + GatewayConfig.ADMIN_PASSWORD_KEY
                        + " in the config file (or the environment variable " + GatewayConfig.ADMIN_PASSWORD_ENV
                        + " for the password) to create the first admin at start");
            }
            return Outcome.NOT_CONFIGURED;
        }
        if (users.get(user.get()).isPresent()) {
            return Outcome.EXISTS;
        }
        String fromEnvironment = environment.get(GatewayConfig.ADMIN_PASSWORD_ENV);
        Optional<Secret> password = fromEnvironment != null && !fromEnvironment.isEmpty()
                ? Optional.of(new Secret(fromEnvironment)) : security.adminPassword();
        if (password.isEmpty()) {
            throw new IllegalStateException(GatewayConfig.ADMIN_USER_KEY + " names '" + user.get() + "', which is not a"
                    + " user yet: give its password in the environment variable " + GatewayConfig.ADMIN_PASSWORD_ENV
                    + " or with " + GatewayConfig.ADMIN_PASSWORD_KEY);
        }
        String name = user.get();
        if (!name.matches("[A-Za-z0-9_][A-Za-z0-9_.@-]{0,127}")) {
            throw new IllegalStateException(GatewayConfig.ADMIN_USER_KEY + " '" + name + "' is not a valid user name:"
                    + " use 1-128 letters, digits, '_', '.', '@' or '-'");
        }
        int bytes = password.get().reveal().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > 72) {
            throw new IllegalStateException("the first admin's password must be at most 72 bytes long (UTF-8)");
        }
        users.create(name, hasher.hash(password.get()), true, true);
        audit.record(new AuditEvent(clock.instant(), "create_user", Principal.GATEWAY.user(), Peer.IN_PROCESS,
                AuditEvent.Outcome.OK, "user '" + name + "' created as admin at start (" + GatewayConfig.ADMIN_USER_KEY
                        + ")"));
        return Outcome.CREATED;
    }
}
