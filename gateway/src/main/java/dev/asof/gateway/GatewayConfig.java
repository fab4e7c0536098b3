package dev.asof.gateway;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.admission.AdmissionSettings;
import dev.asof.gateway.observability.HttpSettings;
import dev.asof.gateway.registry.RegistrySettings;
import dev.asof.planner.plan.Secret;
import dev.asof.spi.config.ConnectorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How a gateway process is set up. The gateway reads only its own keys; every other
 * {@code asof.<name>.*} key belongs to the connector called {@code name} and reaches it untouched
 * (see {@link dev.asof.gateway.connector.Connectors}).
 *
 * <p>Security keys:
 * <ul>
 *   <li>{@value #ADMIN_USER_KEY}: the first admin. At start, when no user of that name exists, it is
 *       created (as an admin) with the password from the environment variable
 *       {@value #ADMIN_PASSWORD_ENV}, or else from {@value #ADMIN_PASSWORD_KEY} (the environment
 *       variable wins, so that the password need not be written in a file). An existing user is left
 *       as it is. A gateway whose registry has no user and none configured refuses to start.
 *   <li>{@value #FLIGHT_TOKEN_TTL_KEY}: lifetime of the bearer tokens Flight SQL clients get when they
 *       log in, e.g. {@code 1h} (default), {@code 30m}, {@code PT15M}.
 *   <li>{@value #JDBC_TLS_CERT_KEY} / {@value #JDBC_TLS_KEY_KEY}: PEM certificate chain and PKCS#8
 *       PEM private key; when set, the JDBC endpoint speaks HTTPS only (clients use
 *       {@code jdbc:asof://host:port?tls=true}).
 * </ul>
 *
 * @param dataDir directory that holds everything the embedded engines write (registry, DuckDB
 *     warehouse file, RocksDB store); nothing is written outside it
 * @param host address the JDBC (Avatica) endpoint binds to
 * @param jdbcPort TCP port of the JDBC endpoint; 0 picks a free port
 * @param flightPort TCP port of the Arrow Flight SQL endpoint (same host), when the flight-server
 *     module is on the class path; 0 picks a free port
 * @param flightTlsCert PEM certificate chain for Flight SQL over TLS; null serves plaintext
 * @param flightTlsKey PEM private key (PKCS#8) for {@code flightTlsCert}; null exactly when it is null
 * @param warehouse the warehouse connector's name ({@code asof.warehouse}); empty picks the
 *     embedded one unless only another warehouse's keys are set
 * @param online the online store's name ({@code asof.online}); empty picks the embedded one unless
 *     only another store's keys are set
 * @param connectors every connector's keys, by connector name
 * @param clock what "now" is: the time online lookups apply TTLs at and MATERIALIZE without TO
 *     computes views as of; the system clock (UTC) except in tests
 * @param metadataTtl how long the gateway keeps warehouse metadata (table list, table columns) it
 *     read, at most: a duration, default {@link #DEFAULT_METADATA_TTL}; zero turns the cache off.
 *     Statements that run through the gateway and may change tables (DDL, DML, bulk loads) clear it
 *     at once; the TTL bounds how long changes made outside the gateway stay unseen
 * @param security logins and TLS of the JDBC endpoint ({@link Security})
 * @param timeouts how long statements may run and idle clients keep their resources ({@link Timeouts})
  * @param admission limits on clients' warehouse statements running at once, and their queue
 *     ({@code asof.admission.*}, {@link AdmissionSettings})
 * @param http the health and metrics endpoint ({@code asof.http.*}, {@link HttpSettings})
 * @param registry where definitions, users and grants are kept: the embedded H2 file under
 *     {@code dataDir}, or a database several gateways share ({@code asof.registry.*},
 *     {@link RegistrySettings})
  */
public record GatewayConfig(Path dataDir, String host, int jdbcPort, int flightPort, Path flightTlsCert,
        Path flightTlsKey, Optional<String> warehouse, Optional<String> online, Map<String, ConnectorConfig> connectors,
        Clock clock, Duration metadataTtl, Security security, Timeouts timeouts,
        AdmissionSettings admission, HttpSettings http,
        RegistrySettings registry) {
    public static final int DEFAULT_JDBC_PORT = 8765;
    public static final int DEFAULT_FLIGHT_PORT = 8815;
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Default lifetime of Flight SQL bearer tokens. */
    public static final Duration DEFAULT_FLIGHT_TOKEN_TTL = Duration.ofHours(1);
    public static final Path DEFAULT_DATA_DIR = Path.of("data");
    /** Default of {@link #metadataTtl}: 60 seconds. */
    public static final Duration DEFAULT_METADATA_TTL = Duration.ofSeconds(60);

    /** Properties-file key of {@link #dataDir}; a relative path is resolved against the file's directory. */
    public static final String DATA_DIR_KEY = "asof.data-dir";
    /** Properties-file key of {@link #host}. */
    public static final String HOST_KEY = "asof.jdbc.host";
    /** Properties-file key of {@link #jdbcPort}. */
    public static final String PORT_KEY = "asof.jdbc.port";
    /** Properties-file key of {@link #warehouse}: {@code duckdb} (embedded, default), {@code trino}, … */
    public static final String WAREHOUSE_KEY = "asof.warehouse";
    /** Properties-file key of {@link #online}: {@code rocksdb} (embedded, default), {@code aerospike}, … */
    public static final String ONLINE_KEY = "asof.online";
    /** Properties-file key of {@link #flightPort}. */
    public static final String FLIGHT_PORT_KEY = "asof.flight.port";
    /** Properties-file key of {@link #flightTlsCert}; relative paths resolve against the file's directory. */
    public static final String FLIGHT_TLS_CERT_KEY = "asof.flight.tls.cert";
    /** Properties-file key of {@link #flightTlsKey}; relative paths resolve against the file's directory. */
    public static final String FLIGHT_TLS_KEY_KEY = "asof.flight.tls.key";
    /**
     * Properties-file key of {@link #metadataTtl}: a duration such as {@code 30s}, {@code 5m} or
     * {@code PT30S}; {@code 0} turns the metadata cache off.
     */
    public static final String METADATA_TTL_KEY = "asof.metadata.ttl";
    /** Properties-file key of {@link Security#adminUser}. */
    public static final String ADMIN_USER_KEY = "asof.admin.user";
    /** Properties-file key of {@link Security#adminPassword}; {@value #ADMIN_PASSWORD_ENV} overrides it. */
    public static final String ADMIN_PASSWORD_KEY = "asof.admin.password";
    /** Environment variable with the first admin's password; wins over {@value #ADMIN_PASSWORD_KEY}. */
    public static final String ADMIN_PASSWORD_ENV = "ASOF_ADMIN_PASSWORD";
    /** Properties-file key of {@link Security#flightTokenTtl}. */
    public static final String FLIGHT_TOKEN_TTL_KEY = "asof.flight.token-ttl";
    /** Properties-file key of {@link Security#jdbcTlsCert}; relative paths resolve against the file's directory. */
    public static final String JDBC_TLS_CERT_KEY = "asof.jdbc.tls.cert";
    /** Properties-file key of {@link Security#jdbcTlsKey}; relative paths resolve against the file's directory. */
    public static final String JDBC_TLS_KEY_KEY = "asof.jdbc.tls.key";
    /**
     * Properties-file key of {@link Security#sourceDirectories}: comma-separated directories that
     * {@code CREATE SOURCE … FROM FILE} may read from; relative paths resolve against the file's
     * directory.
     */
    public static final String SOURCE_DIRECTORIES_KEY = "asof.sources.allowed-directories";
    /** Properties-file key of {@link Timeouts#statement}. */
    public static final String STATEMENT_TIMEOUT_KEY = "asof.statement.timeout";
    /** Properties-file key of {@link Timeouts#resultIdle}. */
    public static final String RESULT_IDLE_TIMEOUT_KEY = "asof.result.idle-timeout";
    /** Properties-file key of {@link Timeouts#jdbcConnectionIdle}. */
    public static final String JDBC_IDLE_TIMEOUT_KEY = "asof.jdbc.idle-timeout";
    /** Properties-file key of {@link Timeouts#sessionIdle}. */
    public static final String SESSION_IDLE_TIMEOUT_KEY = "asof.session.idle-timeout";
    private static final Set<String> KEYS = Set.of(DATA_DIR_KEY, HOST_KEY, PORT_KEY, FLIGHT_PORT_KEY,
            FLIGHT_TLS_CERT_KEY, FLIGHT_TLS_KEY_KEY, WAREHOUSE_KEY, ONLINE_KEY, ADMIN_USER_KEY, ADMIN_PASSWORD_KEY,
            FLIGHT_TOKEN_TTL_KEY, JDBC_TLS_CERT_KEY, JDBC_TLS_KEY_KEY, METADATA_TTL_KEY, STATEMENT_TIMEOUT_KEY,
            RESULT_IDLE_TIMEOUT_KEY, JDBC_IDLE_TIMEOUT_KEY, SESSION_IDLE_TIMEOUT_KEY, SOURCE_DIRECTORIES_KEY);
    /** {@code asof.<x>.*} namespaces that are the gateway's own, never a connector's. */
    private static final Set<String> GATEWAY_NAMESPACES = Set.of("jdbc", "flight", "http", "data-dir", "warehouse", "online",
            "admin", "metadata", "statement", "result", "session", "sources", "admission", "registry");

    /**
     * How long work may run, and how long what an idle or vanished client holds is kept. A client
     * that dies says nothing; these limits are what gives its warehouse connections back.
     *
     * @param statement the longest a statement may run, from its start until its result is closed
     *     (its last row fetched), on every protocol ({@value #STATEMENT_TIMEOUT_KEY}; default
     *     {@link #DEFAULT_STATEMENT_TIMEOUT}; zero: no limit). Gateway-wide, for every user.
     *     {@code MATERIALIZE} is not limited. A statement past it is cancelled and fails with
     *     SQLSTATE 57014
     * @param resultIdle a result whose rows the client has not fetched for this long is closed and
     *     its warehouse connection returned ({@value #RESULT_IDLE_TIMEOUT_KEY}; default
     *     {@link #DEFAULT_RESULT_IDLE_TIMEOUT}); a later fetch fails with SQLSTATE 24000. For Flight
     *     SQL: a started query whose ticket is not fetched within this time
     * @param jdbcConnectionIdle a JDBC connection that sent no request for this long is closed with
     *     its statements ({@value #JDBC_IDLE_TIMEOUT_KEY}; default {@link #DEFAULT_JDBC_IDLE_TIMEOUT}).
     *     Avatica over HTTP has no socket per connection, so idleness is the only sign of a client
     *     that went away between requests
     * @param sessionIdle a Flight SQL session without a call for this long is dropped with its
     *     uploaded tables and prepared statements ({@value #SESSION_IDLE_TIMEOUT_KEY}; default
     *     {@link #DEFAULT_SESSION_IDLE_TIMEOUT})
     */
    public record Timeouts(Duration statement, Duration resultIdle, Duration jdbcConnectionIdle, Duration sessionIdle) {
        public Timeouts {
            requireNonNull(statement, "statement");
            requireNonNull(resultIdle, "resultIdle");
            requireNonNull(jdbcConnectionIdle, "jdbcConnectionIdle");
            requireNonNull(sessionIdle, "sessionIdle");
            if (statement.isNegative()) {
                throw new IllegalArgumentException("the statement timeout must not be negative");
            }
            if (!positive(resultIdle) || !positive(jdbcConnectionIdle) || !positive(sessionIdle)) {
                throw new IllegalArgumentException("idle timeouts must be positive");
            }
        }

        /** The defaults listed above. */
        public static Timeouts defaults() {
            return new Timeouts(DEFAULT_STATEMENT_TIMEOUT, DEFAULT_RESULT_IDLE_TIMEOUT, DEFAULT_JDBC_IDLE_TIMEOUT,
                    DEFAULT_SESSION_IDLE_TIMEOUT);
        }

        /** The statement limit, if there is one. */
        public java.util.Optional<Duration> statementLimit() {
            return statement.isZero() ? java.util.Optional.empty() : java.util.Optional.of(statement);
        }

        private static boolean positive(Duration d) {
            return !d.isNegative() && !d.isZero();
        }
    }

    /** Default of {@link Timeouts#statement}: 1 hour. */
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofHours(1);
    /** Default of {@link Timeouts#resultIdle}: 5 minutes. */
    public static final Duration DEFAULT_RESULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** Default of {@link Timeouts#jdbcConnectionIdle}: 30 minutes. */
    public static final Duration DEFAULT_JDBC_IDLE_TIMEOUT = Duration.ofMinutes(30);
    /** Default of {@link Timeouts#sessionIdle}: 30 minutes. */
    public static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofMinutes(30);

    /**
     * Logins and TLS of the JDBC endpoint.
     *
     * @param adminUser the first admin's name ({@value #ADMIN_USER_KEY}), created at start when absent
     * @param adminPassword its password ({@value #ADMIN_PASSWORD_KEY}); {@value #ADMIN_PASSWORD_ENV} wins
     * @param flightTokenTtl how long a Flight SQL bearer token is valid after login
     * @param jdbcTlsCert PEM certificate chain of the JDBC endpoint; null serves plain HTTP
     * @param jdbcTlsKey PEM private key (PKCS#8) for {@code jdbcTlsCert}; null exactly when it is null
     * @param sourceDirectories directories (and their subdirectories) that file sources may be
     *     read from, besides the data directory, which is always allowed
     */
    public record Security(Optional<String> adminUser, Optional<Secret> adminPassword, Duration flightTokenTtl,
            Path jdbcTlsCert, Path jdbcTlsKey, List<Path> sourceDirectories) {
        /** Settings whose file sources may be read from the data directory only. */
        public Security(Optional<String> adminUser, Optional<Secret> adminPassword, Duration flightTokenTtl,
                Path jdbcTlsCert, Path jdbcTlsKey) {
            this(adminUser, adminPassword, flightTokenTtl, jdbcTlsCert, jdbcTlsKey, List.of());
        }

        public Security {
            sourceDirectories = List.copyOf(sourceDirectories);
            requireNonNull(adminUser, "adminUser");
            requireNonNull(adminPassword, "adminPassword");
            requireNonNull(flightTokenTtl, "flightTokenTtl");
            if (flightTokenTtl.isNegative() || flightTokenTtl.isZero()) {
                throw new IllegalArgumentException("the Flight token lifetime must be positive");
            }
            if ((jdbcTlsCert == null) != (jdbcTlsKey == null)) {
                throw new IllegalArgumentException("JDBC TLS needs both " + JDBC_TLS_CERT_KEY + " and " + JDBC_TLS_KEY_KEY);
            }
        }

        /** No admin configured, tokens for {@link #DEFAULT_FLIGHT_TOKEN_TTL}, JDBC without TLS. */
        public static Security defaults() {
            return new Security(Optional.empty(), Optional.empty(), DEFAULT_FLIGHT_TOKEN_TTL, null, null);
        }
    }

    public GatewayConfig {
        requireNonNull(dataDir, "dataDir");
        requireNonNull(host, "host");
        if (jdbcPort < 0 || jdbcPort > 65535) {
            throw new IllegalArgumentException("jdbcPort out of range: " + jdbcPort);
        }
        if (flightPort < 0 || flightPort > 65535) {
            throw new IllegalArgumentException("flightPort out of range: " + flightPort);
        }
        if ((flightTlsCert == null) != (flightTlsKey == null)) {
            throw new IllegalArgumentException("Flight SQL TLS needs both " + FLIGHT_TLS_CERT_KEY + " and "
                    + FLIGHT_TLS_KEY_KEY);
        }
        requireNonNull(warehouse, "warehouse");
        requireNonNull(online, "online");
        connectors = Map.copyOf(requireNonNull(connectors, "connectors"));
        requireNonNull(clock, "clock");
        requireNonNull(security, "security");
        requireNonNull(admission, "admission");
        requireNonNull(http, "http");
        requireNonNull(registry, "registry");
        requireNonNull(metadataTtl, "metadataTtl");
        requireNonNull(timeouts, "timeouts");
        if (metadataTtl.isNegative()) {
            throw new IllegalArgumentException("metadataTtl must not be negative: " + metadataTtl);
        }
    }

    /** The embedded engines under {@code dataDir}; Flight SQL on the default port {@value #DEFAULT_FLIGHT_PORT}, without TLS. */
    public GatewayConfig(Path dataDir, String host, int jdbcPort) {
        this(dataDir, host, jdbcPort, DEFAULT_FLIGHT_PORT, null, null, Optional.empty(), Optional.empty(), Map.of(),
                Clock.systemUTC(), DEFAULT_METADATA_TTL, Security.defaults(), Timeouts.defaults(),
                AdmissionSettings.defaults(), HttpSettings.defaults(),
                RegistrySettings.embedded());
    }

    /** {@code ./data}, {@code 127.0.0.1}, port {@value #DEFAULT_JDBC_PORT}. */
    public static GatewayConfig defaults() {
        return new GatewayConfig(DEFAULT_DATA_DIR, DEFAULT_HOST, DEFAULT_JDBC_PORT);
    }

    /** Embedded engines under {@code dataDir}, on free loopback ports. */
    public static GatewayConfig embedded(Path dataDir) {
        return new GatewayConfig(dataDir, "127.0.0.1", 0, 0, null, null, Optional.empty(), Optional.empty(), Map.of(),
                Clock.systemUTC(), DEFAULT_METADATA_TTL, Security.defaults(), Timeouts.defaults(),
                AdmissionSettings.defaults(), HttpSettings.defaults().withPort(0),
                RegistrySettings.embedded());
    }

    /**
     * Reads a Java properties file; keys it does not set keep their value from {@code base}. A
     * relative data directory is resolved against the directory that holds the file. Unknown
     * gateway keys are rejected here, unknown connector keys by the connector when the gateway
     * starts, so a typo does not pass silently.
     *
     * @throws IllegalArgumentException when the file cannot be read or a value is invalid; the
     *     message names the file and the key
     */
    public static GatewayConfig load(Path file, GatewayConfig base) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("config file " + file + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage());
        }
        Path parent = file.toAbsolutePath().getParent();
        return fromProperties(p, base, parent, file.toString());
    }

    /**
     * Applies {@code properties} over {@code base}; relative paths are resolved against
     * {@code baseDir} (when not null). {@code origin} names where the properties came from in errors.
     */
    public static GatewayConfig fromProperties(Properties properties, GatewayConfig base, Path baseDir, String origin) {
        Set<String> unknown = new TreeSet<>();
        Map<String, Map<String, String>> byConnector = new TreeMap<>();
        base.connectors().forEach((name, c) -> byConnector.put(name, new HashMap<>(c.properties())));
        for (String key : properties.stringPropertyNames()) {
            if (!key.startsWith("asof.") || KEYS.contains(key) || key.startsWith("asof.admission.")
                    || key.startsWith("asof.http.") || key.startsWith("asof.registry.")) {
                continue;
            }
            String rest = key.substring("asof.".length());
            int dot = rest.indexOf('.');
            if (dot <= 0 || dot == rest.length() - 1 || GATEWAY_NAMESPACES.contains(rest.substring(0, dot))) {
                unknown.add(key);
            } else {
                byConnector.computeIfAbsent(rest.substring(0, dot), k -> new HashMap<>())
                        .put(rest.substring(dot + 1), properties.getProperty(key));
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(origin + ": unknown key(s) " + unknown + "; the gateway's keys are "
                    + new TreeSet<>(KEYS) + ", and asof.<connector>.* keys belong to a connector");
        }
        Map<String, ConnectorConfig> connectors = new TreeMap<>();
        byConnector.forEach((name, props) -> connectors.put(name, new ConnectorConfig(name, props, origin)));
        Path dataDir = base.dataDir();
        String dir = trimmed(properties, DATA_DIR_KEY);
        if (dir != null) {
            Path p = Path.of(dir);
            dataDir = p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p).normalize();
        }
        String host = trimmed(properties, HOST_KEY);
        int port = base.jdbcPort();
        String portText = trimmed(properties, PORT_KEY);
        if (portText != null) {
            port = parsePort(portText, origin + ": " + PORT_KEY);
        }
        int flightPort = base.flightPort();
        String flightPortText = trimmed(properties, FLIGHT_PORT_KEY);
        if (flightPortText != null) {
            flightPort = parsePort(flightPortText, origin + ": " + FLIGHT_PORT_KEY);
        }
        Path cert = pathOf(trimmed(properties, FLIGHT_TLS_CERT_KEY), baseDir, base.flightTlsCert());
        Path key = pathOf(trimmed(properties, FLIGHT_TLS_KEY_KEY), baseDir, base.flightTlsKey());
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException(origin + ": Flight SQL TLS needs both " + FLIGHT_TLS_CERT_KEY
                    + " and " + FLIGHT_TLS_KEY_KEY);
        }
        Optional<String> warehouse = Optional.ofNullable(trimmed(properties, WAREHOUSE_KEY)).or(base::warehouse);
        Optional<String> online = Optional.ofNullable(trimmed(properties, ONLINE_KEY)).or(base::online);
        Security b = base.security();
        Optional<String> adminUser = Optional.ofNullable(trimmed(properties, ADMIN_USER_KEY)).or(b::adminUser);
        // Not trimmed: spaces may be part of a password.
        String password = properties.getProperty(ADMIN_PASSWORD_KEY);
        Optional<Secret> adminPassword = password == null || password.isEmpty() ? b.adminPassword()
                : Optional.of(new Secret(password));
        String ttlText = trimmed(properties, FLIGHT_TOKEN_TTL_KEY);
        Duration ttl = ttlText == null ? b.flightTokenTtl() : ConnectorConfig.parseDuration(ttlText,
                origin + ": " + FLIGHT_TOKEN_TTL_KEY);
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException(origin + ": " + FLIGHT_TOKEN_TTL_KEY + " must be positive");
        }
        Path jdbcCert = pathOf(trimmed(properties, JDBC_TLS_CERT_KEY), baseDir, b.jdbcTlsCert());
        Path jdbcKey = pathOf(trimmed(properties, JDBC_TLS_KEY_KEY), baseDir, b.jdbcTlsKey());
        if ((jdbcCert == null) != (jdbcKey == null)) {
            throw new IllegalArgumentException(origin + ": JDBC TLS needs both " + JDBC_TLS_CERT_KEY + " and "
                    + JDBC_TLS_KEY_KEY);
        }
        Duration metadataTtl = base.metadataTtl();
        String metadataTtlText = trimmed(properties, METADATA_TTL_KEY);
        if (metadataTtlText != null) {
            metadataTtl = parseMetadataTtl(metadataTtlText, origin + ": " + METADATA_TTL_KEY);
        }
        List<Path> sourceDirectories = b.sourceDirectories();
        String sourceDirectoriesText = trimmed(properties, SOURCE_DIRECTORIES_KEY);
        if (sourceDirectoriesText != null) {
            sourceDirectories = java.util.Arrays.stream(sourceDirectoriesText.split(","))
                    .map(String::trim).filter(t -> !t.isEmpty())
                    .map(t -> pathOf(t, baseDir, null)).toList();
        }
        Timeouts t = base.timeouts();
        Timeouts timeouts = new Timeouts(
                duration(properties, STATEMENT_TIMEOUT_KEY, origin, t.statement(), true),
                duration(properties, RESULT_IDLE_TIMEOUT_KEY, origin, t.resultIdle(), false),
                duration(properties, JDBC_IDLE_TIMEOUT_KEY, origin, t.jdbcConnectionIdle(), false),
                duration(properties, SESSION_IDLE_TIMEOUT_KEY, origin, t.sessionIdle(), false));
        return new GatewayConfig(dataDir, host != null ? host : base.host(), port, flightPort, cert, key,
                warehouse, online, connectors, base.clock(), metadataTtl,
                new Security(adminUser, adminPassword, ttl, jdbcCert, jdbcKey, sourceDirectories), timeouts,
                AdmissionSettings.fromProperties(properties, base.admission(), origin),
                HttpSettings.fromProperties(properties, base.http(), origin),
                RegistrySettings.fromProperties(properties, base.registry(), origin));
    }

    /** A duration key's value, or {@code fallback}; {@code 0} only where {@code zeroAllowed} (no limit). */
    private static Duration duration(Properties properties, String key, String origin, Duration fallback,
            boolean zeroAllowed) {
        String text = trimmed(properties, key);
        if (text == null) {
            return fallback;
        }
        if (text.equals("0")) {
            if (zeroAllowed) {
                return Duration.ZERO;
            }
            throw new IllegalArgumentException(origin + ": " + key + " must be a positive duration, not '0'");
        }
        Duration d = ConnectorConfig.parseDuration(text, origin + ": " + key);
        if (d.isNegative() || (d.isZero() && !zeroAllowed)) {
            throw new IllegalArgumentException(origin + ": " + key + " must be a positive duration, not '" + text + "'");
        }
        return d;
    }

    private static Path pathOf(String text, Path baseDir, Path fallback) {
        if (text == null) {
            return fallback;
        }
        Path p = Path.of(text);
        return p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p).normalize();
    }

    /** Parses a TCP port (0..65535); {@code what} names the setting in the error message. */
    public static int parsePort(String text, String what) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(what + " must be a port number 0..65535, not '" + text.trim() + "'");
    }

    /**
     * Parses a metadata TTL: {@code 0} (no caching) or a duration ({@code 500ms}, {@code 30s},
     * {@code 10m}, {@code PT30S}); {@code what} names the setting in the error message.
     */
    public static Duration parseMetadataTtl(String text, String what) {
        if (text.trim().equals("0")) {
            return Duration.ZERO;
        }
        Duration ttl = ConnectorConfig.parseDuration(text, what);
        if (ttl.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, not '" + text.trim() + "'");
        }
        return ttl;
    }

    /** The keys of connector {@code name} (none set: an empty configuration). */
    public ConnectorConfig connector(String name) {
        return connectors.getOrDefault(name, ConnectorConfig.empty(name));
    }

    /** Same gateway with another clock (tests pin "now" to check online TTLs exactly). */
    public GatewayConfig withClock(Clock c) {
        return new GatewayConfig(dataDir, host, jdbcPort, flightPort, flightTlsCert, flightTlsKey, warehouse, online,
                connectors, c, metadataTtl, security, timeouts, admission, http, registry);
    }

    /**
     * Same gateway with warehouse connector {@code name} and its keys ({@code asof.<name>.} taken
     * off, e.g. {@code url} for {@code asof.trino.url}).
     */
    public GatewayConfig withWarehouse(String name, Map<String, String> properties) {
        return new GatewayConfig(dataDir, host, jdbcPort, flightPort, flightTlsCert, flightTlsKey, Optional.of(name),
                online, with(name, properties), clock, metadataTtl, security, timeouts, admission, http, registry);
    }

    /** Same gateway with online store {@code name} and its keys (prefix taken off, e.g. {@code hosts}). */
    public GatewayConfig withOnlineStore(String name, Map<String, String> properties) {
        return new GatewayConfig(dataDir, host, jdbcPort, flightPort, flightTlsCert, flightTlsKey, warehouse,
                Optional.of(name), with(name, properties), clock, metadataTtl, security, timeouts, admission, http, registry);
    }

    private Map<String, ConnectorConfig> with(String name, Map<String, String> properties) {
        Map<String, ConnectorConfig> out = new TreeMap<>(connectors);
        out.put(name, new ConnectorConfig(name, properties, "configuration"));
        return out;
    }

    /** Same gateway with another metadata TTL (a duration; zero turns the metadata cache off). */
    public GatewayConfig withMetadataTtl(Duration ttl) {
        return new GatewayConfig(dataDir, host, jdbcPort, flightPort, flightTlsCert, flightTlsKey, warehouse, online,
                connectors, clock, ttl, security, timeouts, admission, http, registry);
    }

    public GatewayConfig withDataDir(Path dir) {
        return new GatewayConfig(dir, host, jdbcPort, flightPort, flightTlsCert, flightTlsKey, warehouse, online,
                connectors, clock, metadataTtl, security, timeouts, admission, http, registry);
    }

    public GatewayConfig withHost(String h) {
        return new GatewayConfig(dataDir, h, jdbcPort, flightPort, flightTlsCert, flightTlsKey, warehouse, online,
                connectors, clock, metadataTtl, security, timeouts, admission, http, registry);
    }

    public GatewayConfig withJdbcPort(int port) {
        return new GatewayConfig(dataDir, host, port, flightPort, flightTlsCert, flightTlsKey, warehouse, online,
                connectors, clock, metadataTtl, security, timeouts, admission, http, registry);
    }

    public GatewayConfig withFlightPort(int port) {
        return new GatewayConfig(dataDir, host, jdbcPort, port, flightTlsCert, flightTlsKey, warehouse, online,
                connectors, clock, metadataTtl, security, timeouts, admission, http, registry);
    }

    /** Flight SQL over TLS with this PEM certificate chain and PKCS#8 key; nulls turn TLS off. */
    public GatewayConfig withFlightTls(Path cert, Path key) {
        return new GatewayConfig(dataDir, host, jdbcPort, flightPort, cert, key, warehouse, online, connectors, clock,
                metadataTtl, security, timeouts, admission, http, registry);
    }

    /**
     * Same gateway whose first admin is {@code user} with {@code password} (created at start when
     * absent; {@value #ADMIN_PASSWORD_ENV} still wins over {@code password}).
     */
    public GatewayConfig withAdmin(String user, String password) {
        return withSecurity(new Security(Optional.of(user), Optional.of(new Secret(password)), security.flightTokenTtl(),
                security.jdbcTlsCert(), security.jdbcTlsKey(), security.sourceDirectories()));
    }

    /** Same gateway with these security settings. */
    public GatewayConfig withSecurity(Security s) {
        return new GatewayConfig(dataDir, host, jdbcPort, flightPort, flightTlsCert, flightTlsKey, warehouse, online,
                connectors, clock, metadataTtl, s, timeouts, admission, http, registry);
    }

    /** Same gateway whose Flight SQL bearer tokens live for {@code ttl}. */
    public GatewayConfig withFlightTokenTtl(Duration ttl) {
        return withSecurity(new Security(security.adminUser(), security.adminPassword(), ttl, security.jdbcTlsCert(),
                security.jdbcTlsKey(), security.sourceDirectories()));
    }

    /** JDBC over TLS (HTTPS) with this PEM certificate chain and PKCS#8 key; nulls turn TLS off. */
    public GatewayConfig withJdbcTls(Path cert, Path key) {
        return withSecurity(new Security(security.adminUser(), security.adminPassword(), security.flightTokenTtl(),
                cert, key, security.sourceDirectories()));
    }

    /**
     * Same gateway whose file sources may also be read from {@code directories} (and their
     * subdirectories), besides the data directory.
     */
    public GatewayConfig withSourceDirectories(List<Path> directories) {
        return withSecurity(new Security(security.adminUser(), security.adminPassword(), security.flightTokenTtl(),
                security.jdbcTlsCert(), security.jdbcTlsKey(), directories));
    }

    /** Same gateway with these time limits. */
    public GatewayConfig withTimeouts(Timeouts t) {
        return new GatewayConfig(dataDir, host, jdbcPort, flightPort, flightTlsCert, flightTlsKey, warehouse, online,
                connectors, clock, metadataTtl, security, t, admission, http, registry);
    }

    /** Same gateway with these HTTP (health, metrics) settings. */
    public GatewayConfig withHttp(HttpSettings h) {
        return new GatewayConfig(dataDir, host, jdbcPort, flightPort, flightTlsCert, flightTlsKey, warehouse, online,
                connectors, clock, metadataTtl, security, timeouts, admission, h, registry);
    }

    /** Same gateway with these admission limits. */
    public GatewayConfig withAdmission(AdmissionSettings a) {
        return new GatewayConfig(dataDir, host, jdbcPort, flightPort, flightTlsCert, flightTlsKey, warehouse, online,
                connectors, clock, metadataTtl, security, timeouts, a, http, registry);
    }

    /** Same gateway with its registry in the database {@code r} names. */
    public GatewayConfig withRegistry(RegistrySettings r) {
        return new GatewayConfig(dataDir, host, jdbcPort, flightPort, flightTlsCert, flightTlsKey, warehouse, online,
                connectors, clock, metadataTtl, security, timeouts, admission, http, r);
    }

    private static String trimmed(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            return null;
        }
        return v.trim();
    }
}
