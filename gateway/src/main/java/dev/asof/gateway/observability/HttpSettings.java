package dev.asof.gateway.observability;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.GatewayConfig;
import dev.asof.planner.plan.Secret;
import dev.asof.spi.config.ConnectorConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The HTTP endpoint's keys ({@code asof.http.*}): health and Prometheus metrics, on the JDBC
 * endpoint's host.
 *
 * @param enabled {@value #ENABLED_KEY}: {@code false} serves no HTTP endpoint at all
 * @param port {@value #PORT_KEY}: TCP port (default {@value #DEFAULT_PORT}; 0 picks a free port)
 * @param metricsToken {@value #METRICS_TOKEN_KEY}: the bearer token a scraper sends
 *     ({@code Authorization: Bearer <token>}) to read {@code /metrics}; admins may also read it with
 *     their user name and password ({@code Authorization: Basic}). Empty: admins only
 * @param probeTimeout {@value #PROBE_TIMEOUT_KEY}: how long {@code /health/ready} waits for each
 *     part (registry, warehouse, online store) before it counts as down (default 2 s)
 */
public record HttpSettings(boolean enabled, int port, Optional<Secret> metricsToken, Duration probeTimeout) {
    public static final String ENABLED_KEY = "asof.http.enabled";
    public static final String PORT_KEY = "asof.http.port";
    public static final String METRICS_TOKEN_KEY = "asof.http.metrics-token";
    public static final String PROBE_TIMEOUT_KEY = "asof.http.probe-timeout";
    /** Every HTTP key. */
    public static final Set<String> KEYS = Set.of(ENABLED_KEY, PORT_KEY, METRICS_TOKEN_KEY, PROBE_TIMEOUT_KEY);
    public static final int DEFAULT_PORT = 8080;
    public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(2);

    public HttpSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(PORT_KEY + " out of range: " + port);
        }
        requireNonNull(metricsToken, "metricsToken");
        requireNonNull(probeTimeout, "probeTimeout");
        if (probeTimeout.isNegative() || probeTimeout.isZero()) {
            throw new IllegalArgumentException(PROBE_TIMEOUT_KEY + " must be positive");
        }
    }

    /** Served on port {@value #DEFAULT_PORT}, no scrape token (admins only), probes of 2 s. */
    public static HttpSettings defaults() {
        return new HttpSettings(true, DEFAULT_PORT, Optional.empty(), DEFAULT_PROBE_TIMEOUT);
    }

    /** Same settings on another port (0: a free one). */
    public HttpSettings withPort(int p) {
        return new HttpSettings(enabled, p, metricsToken, probeTimeout);
    }

    /** Same settings with this scrape token. */
    public HttpSettings withMetricsToken(String token) {
        return new HttpSettings(enabled, port, Optional.of(new Secret(token)), probeTimeout);
    }

    /** Same settings, served or not. */
    public HttpSettings withEnabled(boolean e) {
        return new HttpSettings(e, port, metricsToken, probeTimeout);
    }

    /** Applies the {@code asof.http.*} keys of {@code properties} over {@code base}; unknown ones are refused. */
    public static HttpSettings fromProperties(Properties properties, HttpSettings base, String origin) {
        Set<String> unknown = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("asof.http.") && !KEYS.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(origin + ": unknown key(s) " + unknown + "; the HTTP keys are "
                    + new TreeSet<>(KEYS));
        }
        boolean enabled = base.enabled();
        String text = trimmed(properties, ENABLED_KEY);
        if (text != null) {
            String t = text.toLowerCase(Locale.ROOT);
            if (!t.equals("true") && !t.equals("false")) {
                throw new IllegalArgumentException(origin + ": " + ENABLED_KEY + " must be true or false, not '" + text
                        + "'");
            }
            enabled = t.equals("true");
        }
        int port = base.port();
        text = trimmed(properties, PORT_KEY);
        if (text != null) {
            port = GatewayConfig.parsePort(text, origin + ": " + PORT_KEY);
        }
        Optional<Secret> token = base.metricsToken();
        // Not trimmed inside: the token is compared byte for byte.
        String tokenText = properties.getProperty(METRICS_TOKEN_KEY);
        if (tokenText != null && !tokenText.isBlank()) {
            token = Optional.of(new Secret(tokenText.strip()));
        }
        Duration probeTimeout = base.probeTimeout();
        text = trimmed(properties, PROBE_TIMEOUT_KEY);
        if (text != null) {
            probeTimeout = ConnectorConfig.parseDuration(text, origin + ": " + PROBE_TIMEOUT_KEY);
            if (probeTimeout.isNegative() || probeTimeout.isZero()) {
                throw new IllegalArgumentException(origin + ": " + PROBE_TIMEOUT_KEY + " must be positive, not '"
                        + text + "'");
            }
        }
        return new HttpSettings(enabled, port, token, probeTimeout);
    }

    private static String trimmed(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
