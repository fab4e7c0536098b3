package dev.asof.gateway;

import static java.util.Objects.requireNonNull;

import dev.asof.connector.aerospike.AerospikeSettings;
import dev.asof.connector.trino.TrinoSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a gateway process is set up.
 *
 * @param dataDir directory that holds everything the embedded engines write (registry, DuckDB
 *     warehouse file); nothing is written outside it
 * @param host address the JDBC (Avatica) endpoint binds to
 * @param jdbcPort TCP port of the JDBC endpoint; 0 picks a free port
 * @param flightPort TCP port of the Arrow Flight SQL endpoint (same host), when the flight-server
 *     module is on the class path; 0 picks a free port
 * @param flightTlsCert PEM certificate chain for Flight SQL over TLS; null serves plaintext
 * @param flightTlsKey PEM private key (PKCS#8) for {@code flightTlsCert}; null exactly when it is null
 * @param trino the Trino cluster used as warehouse; empty for the embedded warehouse (DuckDB)
 * @param aerospike the Aerospike cluster used as online store; empty for the embedded store
 *     (RocksDB under {@code dataDir/online})
 * @param clock what "now" is: the time online lookups apply TTLs at and MATERIALIZE without TO
 *     computes views as of; the system clock (UTC) except in tests
 */
public record GatewayConfig(Path dataDir, String host, int jdbcPort, int flightPort, Path flightTlsCert,
        Path flightTlsKey, Optional<TrinoSettings> trino, Optional<AerospikeSettings> aerospike, Clock clock) {
    public static final int DEFAULT_JDBC_PORT = 8765;
    public static final int DEFAULT_FLIGHT_PORT = 8815;
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final Path DEFAULT_DATA_DIR = Path.of("data");

    /** Properties-file key of {@link #dataDir}; a relative path is resolved against the file's directory. */
    public static final String DATA_DIR_KEY = "asof.data-dir";
    /** Properties-file key of {@link #host}. */
    public static final String HOST_KEY = "asof.jdbc.host";
    /** Properties-file key of {@link #jdbcPort}. */
    public static final String PORT_KEY = "asof.jdbc.port";
    /** Properties-file key of the warehouse: {@code duckdb} (embedded, default) or {@code trino}. */
    public static final String WAREHOUSE_KEY = "asof.warehouse";
    /** {@code jdbc:trino://host:port}. */
    public static final String TRINO_URL_KEY = "asof.trino.url";
    public static final String TRINO_USER_KEY = "asof.trino.user";
    public static final String TRINO_CATALOG_KEY = "asof.trino.catalog";
    public static final String TRINO_SCHEMA_KEY = "asof.trino.schema";
    public static final String TRINO_POOL_SIZE_KEY = "asof.trino.pool-size";
    /** A duration: {@code 30s}, {@code 10m}, {@code 2h}, or ISO-8601 ({@code PT30S}). */
    public static final String TRINO_QUERY_TIMEOUT_KEY = "asof.trino.query-timeout";
    /** Prefix of Trino session properties: {@code asof.trino.session.query_max_memory=4GB}. */
    public static final String TRINO_SESSION_PREFIX = "asof.trino.session.";
    /** Properties-file key of {@link #flightPort}. */
    public static final String FLIGHT_PORT_KEY = "asof.flight.port";
    /** Properties-file key of {@link #flightTlsCert}; relative paths resolve against the file's directory. */
    public static final String FLIGHT_TLS_CERT_KEY = "asof.flight.tls.cert";
    /** Properties-file key of {@link #flightTlsKey}; relative paths resolve against the file's directory. */
    public static final String FLIGHT_TLS_KEY_KEY = "asof.flight.tls.key";
    private static final Set<String> KEYS = Set.of(DATA_DIR_KEY, HOST_KEY, PORT_KEY, FLIGHT_PORT_KEY,
            FLIGHT_TLS_CERT_KEY, FLIGHT_TLS_KEY_KEY, WAREHOUSE_KEY, TRINO_URL_KEY, TRINO_USER_KEY, TRINO_CATALOG_KEY,
            TRINO_SCHEMA_KEY, TRINO_POOL_SIZE_KEY, TRINO_QUERY_TIMEOUT_KEY);

    public GatewayConfig {
        requireNonNull(dataDir, "dataDir");
        requireNonNull(host, "host");
        requireNonNull(trino, "trino");
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
        requireNonNull(trino, "trino");
        requireNonNull(aerospike, "aerospike");
        requireNonNull(clock, "clock");
    }

    /** The embedded warehouse (DuckDB under {@code dataDir}); Flight SQL on the default port {@value #DEFAULT_FLIGHT_PORT}, without TLS. */
    public GatewayConfig(Path dataDir, String host, int jdbcPort) {
        this(dataDir, host, jdbcPort, DEFAULT_FLIGHT_PORT, null, null, Optional.empty(), Optional.empty(), Clock.systemUTC());
    }

    /** {@code ./data}, {@code 127.0.0.1}, port {@value #DEFAULT_JDBC_PORT}. */
    public static GatewayConfig defaults() {
        return new GatewayConfig(DEFAULT_DATA_DIR, DEFAULT_HOST, DEFAULT_JDBC_PORT);
    }

    /**
     * Reads a Java properties file ({@value #DATA_DIR_KEY}, {@value #HOST_KEY}, {@value #PORT_KEY});
     * keys it does not set keep their value from {@code base}. A relative data directory is resolved
     * against the directory that holds the file. Unknown {@code asof.*} keys are rejected, so a typo
     * does not pass silently.
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
     * Applies {@code properties} over {@code base}; relative data directories are resolved against
     * {@code baseDir} (when not null). {@code origin} names where the properties came from in errors.
     */
    public static GatewayConfig fromProperties(Properties properties, GatewayConfig base, Path baseDir, String origin) {
        Set<String> unknown = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("asof.") && !KEYS.contains(key) && !AerospikeConfig.KEYS.contains(key)
                    && !key.startsWith(TRINO_SESSION_PREFIX)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(origin + ": unknown key(s) " + unknown + "; known keys are "
                    + new TreeSet<>(java.util.stream.Stream.concat(KEYS.stream(), AerospikeConfig.KEYS.stream()).toList()));
        }
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
        return new GatewayConfig(dataDir, host != null ? host : base.host(), port, flightPort, cert, key,
                trino(properties, base, origin),
                AerospikeConfig.parse(properties, base.aerospike(), origin), base.clock());
    }

    private static Path pathOf(String text, Path baseDir, Path fallback) {
        if (text == null) {
            return fallback;
        }
        Path p = Path.of(text);
        return p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p).normalize();
    }


    private static Optional<TrinoSettings> trino(Properties p, GatewayConfig base, String origin) {
        String warehouse = trimmed(p, WAREHOUSE_KEY);
        boolean anyTrinoKey = p.stringPropertyNames().stream().anyMatch(k -> k.startsWith("asof.trino."));
        if (warehouse == null) {
            if (base.trino().isPresent() && !anyTrinoKey) {
                return base.trino();
            }
            warehouse = base.trino().isPresent() ? "trino" : "duckdb";
        }
        switch (warehouse.toLowerCase(Locale.ROOT)) {
            case "duckdb" -> {
                if (anyTrinoKey) {
                    throw new IllegalArgumentException(origin + ": asof.trino.* keys are set but " + WAREHOUSE_KEY
                            + " is duckdb; set " + WAREHOUSE_KEY + "=trino");
                }
                return Optional.empty();
            }
            case "trino" -> {
                // not handled below
            }
            default -> throw new IllegalArgumentException(origin + ": " + WAREHOUSE_KEY
                    + " must be duckdb or trino, not '" + warehouse + "'");
        }
        Optional<TrinoSettings> b = base.trino();
        String url = trimmed(p, TRINO_URL_KEY);
        if (url == null) {
            url = b.map(TrinoSettings::url).orElseThrow(() -> new IllegalArgumentException(
                    origin + ": " + WAREHOUSE_KEY + "=trino needs " + TRINO_URL_KEY + " (jdbc:trino://host:port)"));
        }
        String user = Optional.ofNullable(trimmed(p, TRINO_USER_KEY)).or(() -> b.map(TrinoSettings::user)).orElse("asof");
        Optional<String> catalog = Optional.ofNullable(trimmed(p, TRINO_CATALOG_KEY)).or(() -> b.flatMap(TrinoSettings::catalog));
        Optional<String> schema = Optional.ofNullable(trimmed(p, TRINO_SCHEMA_KEY)).or(() -> b.flatMap(TrinoSettings::schema));
        int poolSize = b.map(TrinoSettings::poolSize).orElse(8);
        String pool = trimmed(p, TRINO_POOL_SIZE_KEY);
        if (pool != null) {
            try {
                poolSize = Integer.parseInt(pool);
            } catch (NumberFormatException e) {
                poolSize = 0;
            }
            if (poolSize < 1) {
                throw new IllegalArgumentException(origin + ": " + TRINO_POOL_SIZE_KEY
                        + " must be a positive number, not '" + pool + "'");
            }
        }
        Optional<Duration> timeout = b.flatMap(TrinoSettings::queryTimeout);
        String t = trimmed(p, TRINO_QUERY_TIMEOUT_KEY);
        if (t != null) {
            timeout = Optional.of(parseDuration(t, origin + ": " + TRINO_QUERY_TIMEOUT_KEY));
        }
        Map<String, String> session = new HashMap<>(b.map(TrinoSettings::sessionProperties).orElse(Map.of()));
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(TRINO_SESSION_PREFIX)) {
                String name = key.substring(TRINO_SESSION_PREFIX.length());
                if (name.equalsIgnoreCase("time_zone")) {
                    throw new IllegalArgumentException(origin + ": " + key
                            + " cannot be set: asof runs Trino sessions in UTC (plain TIMESTAMP is UTC)");
                }
                session.put(name, p.getProperty(key).trim());
            }
        }
        try {
            return Optional.of(new TrinoSettings(url, user, catalog, schema, session, poolSize, timeout));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage());
        }
    }

    /** {@code 30s}, {@code 500ms}, {@code 10m}, {@code 2h}, {@code 1d} or ISO-8601 {@code PT30S}. */
    public static Duration parseDuration(String text, String what) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)").matcher(v);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
        } catch (DateTimeParseException | NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + " must be a duration such as 30s, 10m or PT30S, not '" + text.trim() + "'");
    }

    /** Same gateway with another clock (tests pin "now" to check online TTLs exactly). */
    public GatewayConfig withClock(Clock c) {
        return new GatewayConfig(dataDir, host, jdbcPort, flightPort, flightTlsCert, flightTlsKey, trino, aerospike, c);
    }

    /** Same gateway with Aerospike as online store. */
    public GatewayConfig withAerospike(AerospikeSettings settings) {
        return new GatewayConfig(dataDir, host, jdbcPort, flightPort, flightTlsCert, flightTlsKey, trino,
                Optional.of(settings), clock);
    }

    /** Same gateway with Trino as warehouse. */
    public GatewayConfig withTrino(TrinoSettings settings) {
        return new GatewayConfig(dataDir, host, jdbcPort, flightPort, flightTlsCert, flightTlsKey, Optional.of(settings), aerospike, clock);
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

    public GatewayConfig withDataDir(Path dir) {
        return new GatewayConfig(dir, host, jdbcPort, flightPort, flightTlsCert, flightTlsKey, trino, aerospike, clock);
    }

    public GatewayConfig withHost(String h) {
        return new GatewayConfig(dataDir, h, jdbcPort, flightPort, flightTlsCert, flightTlsKey, trino, aerospike, clock);
    }

    public GatewayConfig withJdbcPort(int port) {
        return new GatewayConfig(dataDir, host, port, flightPort, flightTlsCert, flightTlsKey, trino, aerospike, clock);
    }

    public GatewayConfig withFlightPort(int port) {
        return new GatewayConfig(dataDir, host, jdbcPort, port, flightTlsCert, flightTlsKey, trino, aerospike, clock);
    }

    /** Flight SQL over TLS with this PEM certificate chain and PKCS#8 key; nulls turn TLS off. */
    public GatewayConfig withFlightTls(Path cert, Path key) {
        return new GatewayConfig(dataDir, host, jdbcPort, flightPort, cert, key, trino, aerospike, clock);
    }

    private static String trimmed(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            return null;
        }
        return v.trim();
    }

    /** Embedded engines (DuckDB, file registry) under {@code dataDir}, on free loopback ports. */
    public static GatewayConfig embedded(Path dataDir) {
        return new GatewayConfig(dataDir, "127.0.0.1", 0, 0, null, null, Optional.empty(), Optional.empty(), Clock.systemUTC());
    }
}
