package dev.asof.spi.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One connector's configuration: the gateway's {@code asof.<name>.*} properties with the prefix
 * taken off ({@code asof.trino.pool-size} arrives as {@code pool-size}). The gateway never
 * interprets these keys; the connector reads, checks and documents its own. Error messages name
 * the full key and where the configuration came from.
 */
public final class ConnectorConfig {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final String name;
    private final Map<String, String> properties;
    private final String origin;

    /**
     * @param name the connector's name, which is also its key prefix ({@code asof.<name>.})
     * @param properties keys without the prefix, to values
     * @param origin where the properties came from (a file name), for error messages
     */
    public ConnectorConfig(String name, Map<String, String> properties, String origin) {
        this.name = requireNonNull(name, "name");
        this.properties = Map.copyOf(new TreeMap<>(requireNonNull(properties, "properties")));
        this.origin = requireNonNull(origin, "origin");
    }

    /** A configuration with no keys set. */
    public static ConnectorConfig empty(String name) {
        return new ConnectorConfig(name, Map.of(), "defaults");
    }

    public String name() {
        return name;
    }

    /** Where the keys came from (a file name), for error messages. */
    public String origin() {
        return origin;
    }

    /** Every key (without prefix) and its value, as given. */
    public Map<String, String> properties() {
        return properties;
    }

    /** The full key as a user writes it: {@code asof.<name>.<key>}. */
    public String fullKey(String key) {
        return "asof." + name + "." + key;
    }

    /** The trimmed value of {@code key}; empty when unset or blank. */
    public Optional<String> value(String key) {
        String v = properties.get(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    /** The value of {@code key}, which must be set; {@code hint} says what a value looks like. */
    public String required(String key, String hint) {
        return value(key).orElseThrow(() -> invalid(key, "is required (" + hint + ")"));
    }

    /** A duration ({@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}, ISO-8601 {@code PT30S}). */
    public Optional<Duration> duration(String key) {
        return value(key).map(v -> parseDuration(v, origin + ": " + fullKey(key)));
    }

    /** A whole number of at least {@code min}; {@code fallback} when unset. */
    public int intValue(String key, int fallback, int min) {
        Optional<String> v = value(key);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.get());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(key, "must be a whole number of at least " + min + ", not '" + v.get() + "'");
    }

    /** The keys under {@code prefix} (e.g. {@code session.}), with that prefix taken off too. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new TreeMap<>();
        properties.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
                out.put(k.substring(prefix.length()), v.trim());
            }
        });
        return out;
    }

    /**
     * Rejects keys the connector does not know, so that a typo does not pass silently.
     *
     * @param keys the exact keys the connector reads
     * @param prefixes key prefixes whose sub-keys are free-form (e.g. {@code session.})
     */
    public void checkKnown(Set<String> keys, Set<String> prefixes) {
        Set<String> unknown = new TreeSet<>();
        for (String k : properties.keySet()) {
            if (!keys.contains(k) && prefixes.stream().noneMatch(k::startsWith)) {
                unknown.add(fullKey(k));
            }
        }
        if (!unknown.isEmpty()) {
            Set<String> known = new TreeSet<>();
            keys.forEach(k -> known.add(fullKey(k)));
            prefixes.forEach(p -> known.add(fullKey(p) + "*"));
            throw new IllegalArgumentException(origin + ": unknown key(s) " + unknown + "; " + name + " knows " + known);
        }
    }

    /** An error about {@code key}'s value, naming the origin and the full key. */
    public IllegalArgumentException invalid(String key, String message) {
        return new IllegalArgumentException(origin + ": " + fullKey(key) + " " + message);
    }

    /** An error about the connector's configuration as a whole, naming the origin. */
    public IllegalArgumentException invalid(String message) {
        return new IllegalArgumentException(origin + ": " + message);
    }

    /**
     * Parses {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d} or ISO-8601
     * ({@code PT30S}); {@code what} names the setting in the error message.
     */
    public static Duration parseDuration(String text, String what) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            Matcher m = DURATION.matcher(v);
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

    @Override
    public String toString() {
        return "asof." + name + ".* " + properties.keySet();
    }
}
