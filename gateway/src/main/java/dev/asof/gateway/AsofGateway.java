package dev.asof.gateway;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.audit.AuditLog;
import dev.asof.gateway.audit.JsonLinesAuditLog;
import dev.asof.gateway.auth.AdminBootstrap;
import dev.asof.gateway.auth.Authenticator;
import dev.asof.gateway.auth.PasswordHasher;
import dev.asof.gateway.auth.UserAdministration;
import dev.asof.gateway.connector.Connectors;
import dev.asof.gateway.endpoint.ProtocolEndpoint;
import dev.asof.gateway.endpoint.ProtocolEndpointFactory;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.observability.MeteredOnlineStore;
import dev.asof.gateway.observability.MeteredWarehouse;
import dev.asof.gateway.observability.Observability;
import dev.asof.gateway.observability.PushLag;
import dev.asof.gateway.online.OnlineServing;
import dev.asof.gateway.push.PushIngest;
import dev.asof.gateway.push.PushListener;
import dev.asof.gateway.push.WarehouseWatermark;
import dev.asof.gateway.quality.FeatureLog;
import dev.asof.gateway.registry.Registry;
import dev.asof.gateway.security.SourceDirectories;
import dev.asof.gateway.server.avatica.AvaticaEndpoint;
import dev.asof.spi.ConnectorContext;
import dev.asof.spi.online.OnlineStore;
import dev.asof.spi.warehouse.WarehouseConnector;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: registry, engines and protocol endpoints. Start one with {@link #start}; close
 * it to stop serving and release the data directory.
 *
 * <p>Every endpoint authenticates its clients with the users in the registry
 * ({@link Authenticator}); at start the configured first admin is created if absent, and a gateway
 * nobody could log in to refuses to start ({@link AdminBootstrap}). Logins and user changes are
 * written to {@code <data-dir>/audit.log} ({@link JsonLinesAuditLog}).
 */
public final class AsofGateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AsofGateway.class);

    private final GatewayConfig config;
    private final Registry registry;
    private final WarehouseConnector warehouse;
    private final OnlineServing online;
    private final StatementExecutor executor;
    private final AvaticaEndpoint jdbcEndpoint;
    private final List<ProtocolEndpoint> endpoints;
    private final AuditLog audit;
    private final AdminBootstrap.Outcome admin;
    /** Enforces the statement limit ({@link GatewayConfig.Timeouts#statement}); null without one. */
    private final ScheduledExecutorService statementLimit;
    /** Push sources' write-ahead log and warehouse appender. */
    private final PushIngest push;
    private final List<PushListener> pushListeners;
    /** The meter registry, the health and metrics endpoint. */
    private final Observability observability;

    private AsofGateway(GatewayConfig config, Registry registry, WarehouseConnector warehouse, OnlineServing online,
            StatementExecutor executor, AvaticaEndpoint jdbcEndpoint, List<ProtocolEndpoint> endpoints, AuditLog audit,
            AdminBootstrap.Outcome admin, ScheduledExecutorService statementLimit, PushIngest push,
            List<PushListener> pushListeners, Observability observability) {
        this.push = push;
        this.pushListeners = pushListeners;
        this.statementLimit = statementLimit;
        this.observability = observability;
        this.audit = audit;
        this.admin = admin;
        this.config = config;
        this.registry = registry;
        this.warehouse = warehouse;
        this.online = online;
        this.executor = executor;
        this.jdbcEndpoint = jdbcEndpoint;
        this.endpoints = List.copyOf(endpoints);
    }

    /** Starts a gateway and returns once its endpoints accept connections. */
    public static AsofGateway start(GatewayConfig config) {
        return start(config, UnaryOperator.identity());
    }

    /**
     * Starts a gateway whose online store is wrapped by {@code onlineStore} (to add metrics, or to
     * inject faults in tests).
     */
    public static AsofGateway start(GatewayConfig config, UnaryOperator<OnlineStore> onlineStore) {
        return start(config, onlineStore, System.getenv());
    }

    /**
     * As {@link #start(GatewayConfig, UnaryOperator)}, reading the first admin's password variable
     * ({@value GatewayConfig#ADMIN_PASSWORD_ENV}) from {@code environment} instead of the process's.
     */
    public static AsofGateway start(GatewayConfig config, UnaryOperator<OnlineStore> onlineStore,
            Map<String, String> environment) {
        requireNonNull(config, "config");
        requireNonNull(environment, "environment");
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + config.dataDir(), e);
        }
        Connectors.Selection selection = Connectors.installed().select(config);
        ConnectorContext context = new ConnectorContext(config.dataDir(), Runtime.getRuntime().availableProcessors());
        Registry registry = Registry.open(config.registry().withEnvironment(environment), config.dataDir());
        AuditLog audit = null;
        WarehouseConnector warehouse = null;
        OnlineServing online = null;
        PushIngest push = null;
        List<PushListener> pushListeners;
        // One meter registry per gateway, handed to every part that records.
        Observability observability = new Observability();
        try {
            audit = JsonLinesAuditLog.open(config.dataDir().resolve(JsonLinesAuditLog.FILE_NAME));
            PasswordHasher hasher = PasswordHasher.bcrypt();
            // Before the engines open: a gateway nobody can log in to fails fast.
            AdminBootstrap.Outcome admin = AdminBootstrap.ensure(registry.users(), hasher, config.security(), environment,
                    audit, config.clock());
            Authenticator authenticator = new Authenticator(registry.users(), hasher, audit, config.clock());
            WarehouseConnector engine = selection.openWarehouse(context);
            warehouse = new MeteredWarehouse(engine, observability.meters());
            OnlineStore store = onlineStore.apply(selection.openOnlineStore(context));
            // Rebuilds of views over push sources wait until pushed rows reached the warehouse; until
            // the push log is open (it replays into the warehouse first), nothing counts as there.
            AtomicReference<PushIngest> opened = new AtomicReference<>();
            WarehouseWatermark watermark = source -> opened.get() == null ? Instant.MIN
                    : opened.get().appendedThrough(source);
            online = new OnlineServing(new MeteredOnlineStore(store, observability.meters()), registry, warehouse,
                    warehouse.dialect(), config.clock(), observability.meters(),
                    new FeatureLog(warehouse, registry, observability.meters()), watermark,
                    OnlineServing.PUSH_QUEUE_ROWS);
            StatementExecutor executor = new StatementExecutor(registry, warehouse, online, config.metadataTtl(),
                    new UserAdministration(registry.users(), hasher, audit, config.clock(), authenticator::forget),
                    audit, config.clock(),
                    SourceDirectories.of(config.dataDir(), config.security().sourceDirectories()),
                    config.admission(), observability.meters());
            // Told of every pushed batch once durable: the online views over push sources.
            pushListeners = new CopyOnWriteArrayList<>(List.of(online.push()));
            // Before the endpoints: rows logged before the last stop reach the warehouse first.
            push = PushIngest.open(config.dataDir(), registry, warehouse, pushListeners, config.clock());
            opened.set(push);
            executor.enablePush(push);
            // Online views over push sources are rebuilt from the warehouse, then kept by the applier.
            for (dev.asof.planner.catalog.Source s : push.sources()) {
                online.push().maintain(s.name());
            }
            AvaticaEndpoint endpoint = AvaticaEndpoint.start(executor, authenticator, config.host(), config.jdbcPort(),
                    config.security().jdbcTlsCert(), config.security().jdbcTlsKey(), config.timeouts());
            List<ProtocolEndpoint> others = new ArrayList<>();
            try {
                // Endpoints from other modules on the class path (e.g. Arrow Flight SQL).
                for (ProtocolEndpointFactory factory : ServiceLoader.load(ProtocolEndpointFactory.class)) {
                    others.add(factory.start(executor, authenticator, config));
                }
                // Probes go to the engines themselves: readiness checks are not warehouse work to time.
                observability.serve(config, registry, engine, store, authenticator);
            } catch (RuntimeException e) {
                others.forEach(ProtocolEndpoint::close);
                endpoint.close();
                throw e;
            }
            return new AsofGateway(config, registry, warehouse, online, executor, endpoint, others, audit, admin,
                    enforceStatementLimit(executor, config.timeouts()), push, pushListeners, observability);
        } catch (RuntimeException e) {
            observability.close();
            if (push != null) {
                push.close();
            }
            if (online != null) {
                online.close();
            }
            if (warehouse != null) {
                warehouse.close();
            }
            if (audit != null) {
                audit.close();
            }
            registry.close();
            throw e;
        }
    }

    /**
     * Checks the running statements against the statement limit several times per limit, at most
     * once a second: a statement is stopped within a second of passing it (or a quarter of a short
     * limit).
     */
    private static ScheduledExecutorService enforceStatementLimit(StatementExecutor executor,
            GatewayConfig.Timeouts timeouts) {
        if (timeouts.statementLimit().isEmpty()) {
            return null;
        }
        Duration limit = timeouts.statementLimit().get();
        long period = Math.max(50, Math.min(1000, limit.toMillis() / 4));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "asof-statement-limit");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            int n = executor.running().expire(limit, Instant.now());
            if (n > 0) {
                LOG.info("cancelled {} statement(s) running longer than {} ({})", n, limit,
                        GatewayConfig.STATEMENT_TIMEOUT_KEY);
            }
        }, period, period, TimeUnit.MILLISECONDS);
        return timer;
    }

    /**
     * The JDBC URL clients use: {@code jdbc:asof://host:port} ({@code ?tls=true} when the endpoint
     * serves TLS); clients add {@code user} and {@code password}.
     */
    public String jdbcUrl() {
        return "jdbc:asof://" + config.host() + ":" + jdbcEndpoint.port()
                + (config.security().jdbcTlsCert() != null ? "?tls=true" : "");
    }

    /** Whether the configured first admin was created by this start, existed, or none is configured. */
    public AdminBootstrap.Outcome adminAtStart() {
        return admin;
    }

    /** Endpoints started from {@link ProtocolEndpointFactory} services (empty when none is on the class path). */
    public List<ProtocolEndpoint> endpoints() {
        return endpoints;
    }

    public int jdbcPort() {
        return jdbcEndpoint.port();
    }

    /** Runs statements in-process, as the protocol endpoints do (used by the demo and tools). */
    public StatementExecutor executor() {
        return executor;
    }

    /** Push ingestion: the write-ahead log of push sources and its warehouse appender. */
    public PushIngest push() {
        return push;
    }

    /**
     * Told of every pushed batch once it is durable, on the ingest thread (thread-safe; add at
     * any time). Not told of batches replayed from the log at start.
     */
    public List<PushListener> pushListeners() {
        return pushListeners;
    }

    /**
     * Applies pushed rows to ONLINE views: the ingest path's {@link PushListener}, where views over
     * push sources are kept up to date.
     */
    public dev.asof.gateway.online.PushApplier pushApplier() {
        return online.push();
    }

    public GatewayConfig config() {
        return config;
    }

    /**
     * The health and metrics endpoint's URL, {@code http://host:port}; empty when
     * {@value dev.asof.gateway.observability.HttpSettings#ENABLED_KEY} is false.
     */
    public java.util.Optional<String> httpUrl() {
        return observability.url();
    }

    /** The gateway's one meter registry: every part records here, {@code /metrics} serves it. */
    public MeterRegistry meters() {
        return observability.meters();
    }

    /** Where push ingestion reports its lag ({@code asof_push_lag_seconds}). */
    public PushLag pushLag() {
        return observability.pushLag();
    }

    @Override
    public void close() {
        // Running statements first: a warehouse query blocked in the engine would otherwise hold
        // the endpoints' shutdown (and the process) for as long as it runs.
        if (statementLimit != null) {
            statementLimit.shutdownNow();
        }
        int cancelled = executor.running().cancelAll();
        if (cancelled > 0) {
            LOG.info("cancelled {} running statement(s)", cancelled);
        }
        for (int i = endpoints.size() - 1; i >= 0; i--) {
            endpoints.get(i).close();
        }
        jdbcEndpoint.close();
        push.close();
        observability.close();
        online.close();
        warehouse.close();
        audit.close();
        registry.close();
    }
}
