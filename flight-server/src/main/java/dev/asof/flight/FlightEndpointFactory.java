package dev.asof.flight;

import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.auth.Authenticator;
import dev.asof.gateway.endpoint.ProtocolEndpoint;
import dev.asof.gateway.endpoint.ProtocolEndpointFactory;
import dev.asof.gateway.execution.StatementExecutor;

/** Registers the Flight SQL endpoint with the gateway (META-INF/services). */
public final class FlightEndpointFactory implements ProtocolEndpointFactory {
    @Override
    public String name() {
        return "flight-sql";
    }

    @Override
    public ProtocolEndpoint start(StatementExecutor executor, Authenticator authenticator, GatewayConfig config) {
        return FlightSqlEndpoint.start(executor, authenticator, config);
    }
}
