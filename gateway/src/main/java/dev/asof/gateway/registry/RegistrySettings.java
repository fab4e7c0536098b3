package dev.asof.gateway.registry;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.plan.Secret;
import dev.asof.spi.config.ConnectorConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where the registry lives. Unset, it is an embedded H2 file under the data directory, for one
 * gateway; several gateways share one registry on a database server named by {@value #URL_KEY}.
 *
 * @param url {@value #URL_KEY}: JDBC URL of a shared registry ({@code jdbc:postgresql://host:5432/asof});
 *     empty for the embedded H2 file
 * @param user {@value #USER_KEY}: the database user, for a shared registry
 * @param password {@value #PASSWORD_KEY}, or the environment variable {@value #PASSWORD_ENV}, which wins
 * @param poolSize {@value #POOL_SIZE_KEY}: connections the gateway keeps to the registry database
 *     (default {@value #DEFAULT_POOL_SIZE})
 * @param pollInterval {@value #POLL_INTERVAL_KEY}: how often a gateway on a shared registry checks
 *     whether another gateway changed it (default 250 ms), so a change is in force everywhere within
 *     about this long
 * @param lease {@value #LEASE_KEY}: how long a MATERIALIZE run stays held by its gateway without a
 *     renewal (renewed every third of it; default 30 s); a run whose gateway died is failed, and
 *     the view can be materialized again, once its lease has lapsed
 */
public record RegistrySettings(Optional<String> url, Optional<String> user, Optional<Secret> password, int poolSize,
        Duration pollInterval, Duration lease) {
    public static final String URL_KEY = "asof.registry.url";
    public static final String USER_KEY = "asof.registry.user";
    public static final String PASSWORD_KEY = "asof.registry.password";
    public static final String POOL_SIZE_KEY = "asof.registry.pool-size";
    public static final String POLL_INTERVAL_KEY = "asof.registry.poll-interval";
    public static final String LEASE_KEY = "asof.registry.lease";
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(250);
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    /** Environment variable with the registry password; wins over {@value #PASSWORD_KEY}. */
    public static final String PASSWORD_ENV = "ASOF_REGISTRY_PASSWORD";
    public static final int DEFAULT_POOL_SIZE = 4;
    /** Every registry key. */
    public static final Set<String> KEYS = Set.of(URL_KEY, USER_KEY, PASSWORD_KEY, POOL_SIZE_KEY, POLL_INTERVAL_KEY,
            LEASE_KEY);

    public RegistrySettings {
        requireNonNull(url, "url");
        requireNonNull(user, "user");
        requireNonNull(password, "password");
        if (poolSize < 1) {
            throw new IllegalArgumentException(POOL_SIZE_KEY + " must be at least 1, not " + poolSize);
        }
        url.ifPresent(RegistryDatabase.Vendor::of);
        requireNonNull(pollInterval, "pollInterval");
        requireNonNull(lease, "lease");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException(POLL_INTERVAL_KEY + " must be a positive duration");
        }
        if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(LEASE_KEY + " must be at least 1s, not " + lease);
        }
    }

    /** True when several gateways may share this registry (a database server, not the embedded file). */
    public boolean shared() {
        return url.isPresent();
    }

    /** The embedded H2 file under the data directory. */
    public static RegistrySettings embedded() {
        return new RegistrySettings(Optional.empty(), Optional.empty(), Optional.empty(), DEFAULT_POOL_SIZE,
                DEFAULT_POLL_INTERVAL, DEFAULT_LEASE);
    }

    /** A shared registry at {@code url}. */
    public static RegistrySettings shared(String url, String user, Secret password) {
        return new RegistrySettings(Optional.of(url), Optional.ofNullable(user), Optional.ofNullable(password),
                DEFAULT_POOL_SIZE, DEFAULT_POLL_INTERVAL, DEFAULT_LEASE);
    }

    /**
     * Applies the {@code asof.registry.*} keys of {@code properties} over {@code base}.
     *
     * @param origin names where the properties came from, in errors
     * @throws IllegalArgumentException naming the key and its bad value
     */
    public static RegistrySettings fromProperties(Properties properties, RegistrySettings base, String origin) {
        Set<String> unknown = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("asof.registry.") && !KEYS.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(origin + ": unknown key(s) " + unknown + "; the registry keys are "
                    + new TreeSet<>(KEYS));
        }
        Optional<String> url = Optional.ofNullable(trimmed(properties, URL_KEY)).or(base::url);
        Optional<String> user = Optional.ofNullable(trimmed(properties, USER_KEY)).or(base::user);
        // Not trimmed: spaces may be part of a password.
        String fromFile = properties.getProperty(PASSWORD_KEY);
        Optional<Secret> password = fromFile != null && !fromFile.isEmpty() ? Optional.of(new Secret(fromFile))
                : base.password();
        int poolSize = base.poolSize();
        String poolText = trimmed(properties, POOL_SIZE_KEY);
        if (poolText != null) {
            try {
                poolSize = Integer.parseInt(poolText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(origin + ": " + POOL_SIZE_KEY + " must be a whole number, not '"
                        + poolText + "'");
            }
        }
        Duration poll = duration(properties, POLL_INTERVAL_KEY, base.pollInterval(), origin);
        Duration lease = duration(properties, LEASE_KEY, base.lease(), origin);
        try {
            return new RegistrySettings(url, user, password, poolSize, poll, lease);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage());
        }
    }

    /** These settings with the password from {@value #PASSWORD_ENV} in {@code environment}, when set. */
    public RegistrySettings withEnvironment(Map<String, String> environment) {
        String fromEnv = environment.get(PASSWORD_ENV);
        return fromEnv == null || fromEnv.isEmpty() ? this
                : new RegistrySettings(url, user, Optional.of(new Secret(fromEnv)), poolSize, pollInterval, lease);
    }

    /** These settings with {@code lease} and {@code pollInterval}. */
    public RegistrySettings withLease(Duration lease, Duration pollInterval) {
        return new RegistrySettings(url, user, password, poolSize, pollInterval, lease);
    }

    private static Duration duration(Properties p, String key, Duration fallback, String origin) {
        String text = trimmed(p, key);
        return text == null ? fallback : ConnectorConfig.parseDuration(text, origin + ": " + key);
    }

    private static String trimmed(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    @Override
    public String toString() {
        return "RegistrySettings[url=" + url.orElse("(embedded)") + ", user=" + user.orElse("") + ", poolSize="
                + poolSize + ", pollInterval=" + pollInterval + ", lease=" + lease + "]";
    }
}
