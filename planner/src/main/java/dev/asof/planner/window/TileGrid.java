package dev.asof.planner.window;

import java.time.Duration;
import java.util.Optional;

/**
 * The hop grid of a windowed feature view, and the rule for which source rows are in a window.
 * All times are instants in microseconds since the epoch (a plain TIMESTAMP read as UTC).
 *
 * <p>A source row has event time {@code e} and created time {@code c} (a NULL created time counts
 * as {@code e}). It is <em>visible</em> at T when {@code e <= T} and {@code c <= T} ({@code <}
 * for the exclusive form). With hop {@code g} and window {@code W} (a positive multiple of
 * {@code g}), the window at T starts at {@code start(T) = floor((T - W) / g) * g} and holds the
 * rows visible at T with {@code start(T) <= e}: every visible row of the last W, and up to
 * {@code g} older (the tail moves in steps of g). Without a hop, {@code g} is 1 µs and the window
 * is the SQL frame {@code [T - W, T]}.
 *
 * <p>Tiles are the half-open intervals {@code [i*g, (i+1)*g)}; both the warehouse plan and the
 * online store aggregate per tile, so they share this arithmetic.
 *
 * @param hopMicros the hop {@code g} in microseconds, positive; 1 for a view without HOP
 */
public record TileGrid(long hopMicros) {
    /** The grid of a view without HOP: every microsecond is a tile, windows are exact. */
    public static final TileGrid EXACT = new TileGrid(1);

    public TileGrid {
        if (hopMicros <= 0) {
            throw new IllegalArgumentException("hop must be positive: " + hopMicros);
        }
    }

    /** The grid of a view's HOP, or {@link #EXACT} without one. */
    public static TileGrid of(Optional<Duration> hop) {
        return hop.map(h -> new TileGrid(micros(h))).orElse(EXACT);
    }

    /** A duration in whole microseconds. */
    public static long micros(Duration d) {
        return Math.addExact(Math.multiplyExact(d.getSeconds(), 1_000_000L), d.getNano() / 1_000L);
    }

    /** Index of the tile holding {@code micros}: {@code floor(micros / g)}. */
    public long tile(long micros) {
        return Math.floorDiv(micros, hopMicros);
    }

    /** Start of the tile holding {@code micros}: {@code floor(micros / g) * g}. */
    public long tileStart(long micros) {
        return Math.floorDiv(micros, hopMicros) * hopMicros;
    }

    /** {@code start(T) = floor((T - W) / g) * g}: the earliest event time in the window at T. */
    public long windowStart(long t, long windowMicros) {
        return tileStart(t - windowMicros);
    }

    /** Whether {@code windowMicros} is a positive multiple of the hop, as every window must be. */
    public boolean divides(long windowMicros) {
        return windowMicros > 0 && windowMicros % hopMicros == 0;
    }

    /** Rule 1: visible at T. {@code created} is the effective created time ({@code e} when NULL). */
    public static boolean visible(long event, long created, long t, boolean exclusive) {
        return exclusive ? event < t && created < t : event <= t && created <= t;
    }

    /** Whether a row is in the window of length {@code windowMicros} at {@code t}. */
    public boolean inWindow(long event, long created, long t, long windowMicros, boolean exclusive) {
        return visible(event, created, t, exclusive) && windowStart(t, windowMicros) <= event;
    }

    /**
     * The first T at which a row with this event time is no longer in the window:
     * {@code tileStart(e) + W + g}. A row is in the window exactly for T in
     * {@code [max(e, c), expiry)} ({@code (max(e, c), expiry)} in the exclusive form).
     */
    public long expiry(long event, long windowMicros) {
        return tileStart(event) + windowMicros + hopMicros;
    }
}
