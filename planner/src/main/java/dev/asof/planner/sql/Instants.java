package dev.asof.planner.sql;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The range of instants asof computes with, and how the infinite times of DuckDB order.
 *
 * <p>Finite instants are supported from {@code 0001-01-01 00:00:00} to
 * {@code 9999-12-31 23:59:59.999999} UTC (the SQL standard's TIMESTAMP range, which every client
 * renders): a time outside it, in a source or a spine, fails the statement with SQLSTATE 22008
 * naming the column. DuckDB's {@code -infinity} and {@code infinity} are ordered
 * {@code -∞ < every finite instant < +∞}: in epoch microseconds they are
 * {@link #MINUS_INFINITY_MICROS} and {@link #PLUS_INFINITY_MICROS}, far enough outside the
 * finite range that a window or TTL subtracted from them (at most 2^62 µs, saturated) orders
 * the same way and never overflows a BIGINT, and far enough inside it that {@code 2u + 1} fits.
 */
public final class Instants {
    /** 0001-01-01T00:00:00Z in epoch microseconds. */
    public static final long MIN_MICROS = micros(LocalDateTime.of(1, 1, 1, 0, 0));
    /** 9999-12-31T23:59:59.999999Z in epoch microseconds. */
    public static final long MAX_MICROS = micros(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000));
    /** DuckDB's {@code infinity}: 2^61 µs. */
    public static final long PLUS_INFINITY_MICROS = 1L << 61;
    /** DuckDB's {@code -infinity}: -2^61 µs. */
    public static final long MINUS_INFINITY_MICROS = -(1L << 61);
    /** The largest duration (TTL, window) arithmetic uses; longer ones saturate to it. */
    public static final long MAX_DURATION_MICROS = 1L << 62;

    private Instants() {}

    /** The error text for a time outside the range, in {@code what} (e.g. "column 'ts'"); starts with a marker connectors classify. */
    public static String outOfRangeMessage(String what) {
        return "asof 22008: a time in " + what + " is outside the supported range 0001-01-01 to 9999-12-31"
                + " (only the infinite times of DuckDB may lie beyond it)";
    }

    /** {@code duration} in microseconds, saturated at {@link #MAX_DURATION_MICROS}. */
    public static long saturatedMicros(Duration duration) {
        if (duration.getSeconds() >= MAX_DURATION_MICROS / 1_000_000L) {
            return MAX_DURATION_MICROS;
        }
        return Math.min(MAX_DURATION_MICROS, duration.getSeconds() * 1_000_000L + duration.getNano() / 1_000L);
    }

    private static long micros(LocalDateTime t) {
        var i = t.toInstant(ZoneOffset.UTC);
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000L;
    }
}
