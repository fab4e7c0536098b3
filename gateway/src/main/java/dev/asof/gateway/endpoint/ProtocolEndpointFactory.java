package dev.asof.gateway.endpoint;

import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.auth.Authenticator;
import dev.asof.gateway.execution.StatementExecutor;

/**
 * A protocol endpoint that lives in another module (the gateway must not depend on it), found with
 * {@link java.util.ServiceLoader}: a module registers its factory in
 * {@code META-INF/services/dev.asof.gateway.endpoint.ProtocolEndpointFactory}.
 * {@link dev.asof.gateway.AsofGateway#start} starts every factory on the class path after the JDBC
 * endpoint, over the same execution layer (planner, registry, engines).
 */
public interface ProtocolEndpointFactory {
    /** Short name, e.g. {@code flight-sql}. */
    String name();

    /**
     * Starts the endpoint and returns once it accepts connections. The endpoint must authenticate
     * every call with {@code authenticator} and run statements as the resulting principal
     * ({@code StatementExecutor}'s methods that take one).
     *
     * @throws RuntimeException when it cannot start (e.g. its port is in use); the message says why
     */
    ProtocolEndpoint start(StatementExecutor executor, Authenticator authenticator, GatewayConfig config);
}
