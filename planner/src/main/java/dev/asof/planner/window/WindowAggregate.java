package dev.asof.planner.window;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * What a windowed feature computes: {@code function(argument)} over the rows of the last
 * {@code window} (see {@link TileGrid} for exactly which rows).
 *
 * @param argument the argument over the source's columns as canonical SQL (double-quoted
 *     identifiers), empty for {@code COUNT(*)}
 * @param window the window length W, positive, whole milliseconds
 */
public record WindowAggregate(WindowFunction function, Optional<String> argument, Duration window) {
    public WindowAggregate {
        requireNonNull(function, "function");
        requireNonNull(argument, "argument");
        requireNonNull(window, "window");
        if (argument.isPresent() != function.hasArgument()) {
            throw new IllegalArgumentException(function + (function.hasArgument() ? " needs" : " takes no") + " argument");
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
    }

    /** The window in microseconds. */
    public long windowMicros() {
        return TileGrid.micros(window);
    }

    /** The call as asof prints it, e.g. {@code SUM("amount") OVER (RANGE INTERVAL '7' DAY PRECEDING)}. */
    public String sql() {
        String call = switch (function) {
            case COUNT_ROWS -> "COUNT(*)";
            case COUNT_DISTINCT -> "COUNT(DISTINCT " + argument.orElseThrow() + ")";
            default -> function.sqlName() + "(" + argument.orElseThrow() + ")";
        };
        return call + " OVER (RANGE " + interval(window) + " PRECEDING)";
    }

    /** A positive duration as an interval literal in its largest exact unit, e.g. {@code INTERVAL '90' MINUTE}. */
    public static String interval(Duration d) {
        long millis = d.toMillis();
        if (millis % 86_400_000L == 0) {
            return "INTERVAL '" + millis / 86_400_000L + "' DAY";
        }
        if (millis % 3_600_000L == 0) {
            return "INTERVAL '" + millis / 3_600_000L + "' HOUR";
        }
        if (millis % 60_000L == 0) {
            return "INTERVAL '" + millis / 60_000L + "' MINUTE";
        }
        if (millis % 1_000L == 0) {
            return "INTERVAL '" + millis / 1_000L + "' SECOND";
        }
        return "INTERVAL '" + millis / 1_000L + "." + String.format(java.util.Locale.ROOT, "%03d", millis % 1_000L) + "' SECOND";
    }
}
