package dev.asof.gateway.admission;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.config.ConnectorConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The admission keys as configured; a limit that is not set is sized from the warehouse's pool when
 * the gateway starts ({@link #limitsFor(int)}).
 *
 * @param maxRunning {@value #MAX_RUNNING_KEY}: warehouse statements running or open at once in all
 * @param maxPerUser {@value #MAX_PER_USER_KEY}: the same for one user, over all their connections
 * @param maxPerConnection {@value #MAX_PER_CONNECTION_KEY}: the same for one JDBC connection or
 *     Flight SQL session
 * @param maxQueued {@value #MAX_QUEUED_KEY}: statements that may wait for admission at once
 * @param queueTimeout {@value #QUEUE_TIMEOUT_KEY}: how long a statement waits for admission at most
 *     (zero: it fails at once when a limit is reached)
 */
public record AdmissionSettings(OptionalInt maxRunning, OptionalInt maxPerUser, OptionalInt maxPerConnection,
        OptionalInt maxQueued, Optional<Duration> queueTimeout) {
    public static final String MAX_RUNNING_KEY = "asof.admission.max-running";
    public static final String MAX_PER_USER_KEY = "asof.admission.max-per-user";
    public static final String MAX_PER_CONNECTION_KEY = "asof.admission.max-per-connection";
    public static final String MAX_QUEUED_KEY = "asof.admission.max-queued";
    public static final String QUEUE_TIMEOUT_KEY = "asof.admission.queue-timeout";
    /** Every admission key. */
    public static final Set<String> KEYS = Set.of(MAX_RUNNING_KEY, MAX_PER_USER_KEY, MAX_PER_CONNECTION_KEY,
            MAX_QUEUED_KEY, QUEUE_TIMEOUT_KEY);
    /** Default of {@link #maxQueued}. */
    public static final int DEFAULT_MAX_QUEUED = 1_000;
    /** Default of {@link #queueTimeout}: as long as a connection pool waits for a connection by default. */
    public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofSeconds(30);

    public AdmissionSettings {
        requireNonNull(maxRunning, "maxRunning");
        requireNonNull(maxPerUser, "maxPerUser");
        requireNonNull(maxPerConnection, "maxPerConnection");
        requireNonNull(maxQueued, "maxQueued");
        requireNonNull(queueTimeout, "queueTimeout");
        positive(maxRunning, MAX_RUNNING_KEY);
        positive(maxPerUser, MAX_PER_USER_KEY);
        positive(maxPerConnection, MAX_PER_CONNECTION_KEY);
        if (maxQueued.isPresent() && maxQueued.getAsInt() < 0) {
            throw new IllegalArgumentException(MAX_QUEUED_KEY + " must not be negative, not " + maxQueued.getAsInt());
        }
        if (queueTimeout.isPresent() && queueTimeout.get().isNegative()) {
            throw new IllegalArgumentException(QUEUE_TIMEOUT_KEY + " must not be negative");
        }
    }

    /** Nothing set: every limit sized from the pool. */
    public static AdmissionSettings defaults() {
        return new AdmissionSettings(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(),
                Optional.empty());
    }

    /**
     * The limits for a warehouse that runs {@code poolSize} statements at once:
     * <ul>
     *   <li>running in all: the pool size minus one (at least 1), so that one pooled connection
     *       stays free for planning (describing tables and queries) and metadata;
     *   <li>per user and per connection: half the pool, rounded up, at most the running limit, so
     *       that one client or one user never holds every connection;
     *   <li>{@value #DEFAULT_MAX_QUEUED} waiting, each for at most 30 s.
     * </ul>
     * A limit set explicitly is kept as it is.
     */
    public AdmissionLimits limitsFor(int poolSize) {
        if (poolSize < 1) {
            throw new IllegalArgumentException("pool size must be positive, not " + poolSize);
        }
        int running = maxRunning.orElse(Math.max(1, poolSize - 1));
        int share = Math.min(running, (poolSize + 1) / 2);
        return new AdmissionLimits(running, maxPerUser.orElse(share), maxPerConnection.orElse(share),
                maxQueued.orElse(DEFAULT_MAX_QUEUED), queueTimeout.orElse(DEFAULT_QUEUE_TIMEOUT));
    }

    /**
     * Applies the {@code asof.admission.*} keys of {@code properties} over {@code base}.
     *
     * @param origin names where the properties came from, in errors
     * @throws IllegalArgumentException naming the key and its bad value
     */
    public static AdmissionSettings fromProperties(Properties properties, AdmissionSettings base, String origin) {
        Set<String> unknown = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("asof.admission.") && !KEYS.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(origin + ": unknown key(s) " + unknown + "; the admission keys are "
                    + new TreeSet<>(KEYS));
        }
        Optional<Duration> timeout = base.queueTimeout();
        String text = trimmed(properties, QUEUE_TIMEOUT_KEY);
        if (text != null) {
            timeout = Optional.of(text.equals("0") ? Duration.ZERO
                    : ConnectorConfig.parseDuration(text, origin + ": " + QUEUE_TIMEOUT_KEY));
        }
        try {
            return new AdmissionSettings(count(properties, MAX_RUNNING_KEY, base.maxRunning(), origin),
                    count(properties, MAX_PER_USER_KEY, base.maxPerUser(), origin),
                    count(properties, MAX_PER_CONNECTION_KEY, base.maxPerConnection(), origin),
                    count(properties, MAX_QUEUED_KEY, base.maxQueued(), origin), timeout);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage());
        }
    }

    private static OptionalInt count(Properties p, String key, OptionalInt fallback, String origin) {
        String text = trimmed(p, key);
        if (text == null) {
            return fallback;
        }
        try {
            return OptionalInt.of(Integer.parseInt(text));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not '" + text + "'");
        }
    }

    private static void positive(OptionalInt value, String key) {
        if (value.isPresent() && value.getAsInt() < 1) {
            throw new IllegalArgumentException(key + " must be at least 1, not " + value.getAsInt());
        }
    }

    private static String trimmed(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
