package dev.asof.gateway.observability;

import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.auth.Authenticator;
import dev.asof.gateway.registry.Registry;
import dev.asof.spi.online.OnlineStore;
import dev.asof.spi.warehouse.WarehouseConnector;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;

/**
 * A gateway's metrics and health: its one {@link PrometheusMeterRegistry} (every part records into
 * it; nothing is global), the JVM meters, the push-lag hook, and the HTTP endpoint that serves them
 * ({@link HttpEndpoint}). Made first at start, so that the parts can be given the registry; served
 * last, once the engines are open.
 */
public final class Observability implements AutoCloseable {
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmMeters jvm = new JvmMeters(meters);
    private final PushLag pushLag = new PushLag(meters);
    private ReadinessProbes probes;
    private HttpEndpoint endpoint;

    /** The registry every part records into. */
    public PrometheusMeterRegistry meters() {
        return meters;
    }

    /** Where push ingestion reports its lag. */
    public PushLag pushLag() {
        return pushLag;
    }

    /**
     * Starts the HTTP endpoint on the JDBC host, unless {@link HttpSettings#enabled()} is false.
     *
     * @param warehouse the warehouse and {@code store} the online store the readiness probes ask
     */
    public synchronized void serve(GatewayConfig config, Registry registry, WarehouseConnector warehouse,
            OnlineStore store, Authenticator authenticator) {
        HttpSettings settings = config.http();
        if (!settings.enabled() || endpoint != null) {
            return;
        }
        probes = new ReadinessProbes(registry, warehouse, store, settings.probeTimeout());
        try {
            endpoint = HttpEndpoint.start(config.host(), settings, meters, probes,
                    new OnlineFreshness(registry, config.clock(), meters), authenticator);
        } catch (RuntimeException e) {
            probes.close();
            probes = null;
            throw e;
        }
    }

    /** {@code http://host:port} of the endpoint; empty when it is not served. */
    public synchronized Optional<String> url() {
        return Optional.ofNullable(endpoint).map(HttpEndpoint::url);
    }

    @Override
    public synchronized void close() {
        if (endpoint != null) {
            endpoint.close();
            endpoint = null;
        }
        if (probes != null) {
            probes.close();
            probes = null;
        }
        jvm.close();
        meters.close();
    }
}
