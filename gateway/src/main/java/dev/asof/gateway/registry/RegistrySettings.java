package dev.asof.gateway.registry;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.plan.Secret;
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
 */
public record RegistrySettings(Optional<String> url, Optional<String> user, Optional<Secret> password, int poolSize) {
    public static final String URL_KEY = "asof.registry.url";
    public static final String USER_KEY = "asof.registry.user";
    public static final String PASSWORD_KEY = "asof.registry.password";
    public static final String POOL_SIZE_KEY = "asof.registry.pool-size";
    /** Environment variable with the registry password; wins over {@value #PASSWORD_KEY}. */
    public static final String PASSWORD_ENV = "ASOF_REGISTRY_PASSWORD";
    public static final int DEFAULT_POOL_SIZE = 4;
    /** Every registry key. */
    public static final Set<String> KEYS = Set.of(URL_KEY, USER_KEY, PASSWORD_KEY, POOL_SIZE_KEY);

    public RegistrySettings {
        requireNonNull(url, "url");
        requireNonNull(user, "user");
        requireNonNull(password, "password");
        if (poolSize < 1) {
            throw new IllegalArgumentException(POOL_SIZE_KEY + " must be at least 1, not " + poolSize);
        }
        url.ifPresent(RegistryDatabase.Vendor::of);
    }

    /** The embedded H2 file under the data directory. */
    public static RegistrySettings embedded() {
        return new RegistrySettings(Optional.empty(), Optional.empty(), Optional.empty(), DEFAULT_POOL_SIZE);
    }

    /** A shared registry at {@code url}. */
    public static RegistrySettings shared(String url, String user, Secret password) {
        return new RegistrySettings(Optional.of(url), Optional.ofNullable(user), Optional.ofNullable(password),
                DEFAULT_POOL_SIZE);
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
        try {
            return new RegistrySettings(url, user, password, poolSize);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage());
        }
    }

    /** These settings with the password from {@value #PASSWORD_ENV} in {@code environment}, when set. */
    public RegistrySettings withEnvironment(Map<String, String> environment) {
        String fromEnv = environment.get(PASSWORD_ENV);
        return fromEnv == null || fromEnv.isEmpty() ? this
                : new RegistrySettings(url, user, Optional.of(new Secret(fromEnv)), poolSize);
    }

    private static String trimmed(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    @Override
    public String toString() {
        return "RegistrySettings[url=" + url.orElse("(embedded)") + ", user=" + user.orElse("") + ", poolSize="
                + poolSize + "]";
    }
}
