package dev.asof.planner.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TileGridTest {
    private static final long MINUTE = 60_000_000L;
    private static final long HOUR = 60 * MINUTE;

    @Test
    void windowStartIsFlooredToTheHop() {
        TileGrid g = TileGrid.of(Optional.of(Duration.ofMinutes(5)));
        assertThat(g.hopMicros()).isEqualTo(5 * MINUTE);
        // T = 10:07, W = 1 h: T - W = 09:07, floored to 09:05.
        long t = 10 * HOUR + 7 * MINUTE;
        assertThat(g.windowStart(t, HOUR)).isEqualTo(9 * HOUR + 5 * MINUTE);
        // On a tile boundary the start is exactly T - W.
        assertThat(g.windowStart(10 * HOUR, HOUR)).isEqualTo(9 * HOUR);
        // One microsecond before the boundary: the previous tile.
        assertThat(g.windowStart(10 * HOUR - 1, HOUR)).isEqualTo(8 * HOUR + 55 * MINUTE);
    }

    @Test
    void negativeTimesFloorTowardsMinusInfinity() {
        TileGrid g = new TileGrid(10);
        assertThat(g.tile(-1)).isEqualTo(-1);
        assertThat(g.tileStart(-1)).isEqualTo(-10);
        assertThat(g.tileStart(-10)).isEqualTo(-10);
        assertThat(g.tileStart(-11)).isEqualTo(-20);
        assertThat(g.windowStart(5, 20)).isEqualTo(-20);
    }

    @Test
    void exactGridIsTheSqlFrame() {
        assertThat(TileGrid.of(Optional.empty())).isEqualTo(TileGrid.EXACT);
        long t = 1_000_000;
        // [T - W, T]: both ends included.
        assertThat(TileGrid.EXACT.inWindow(t - 100, t - 100, t, 100, false)).isTrue();
        assertThat(TileGrid.EXACT.inWindow(t - 101, t - 101, t, 100, false)).isFalse();
        assertThat(TileGrid.EXACT.inWindow(t, t, t, 100, false)).isTrue();
        assertThat(TileGrid.EXACT.inWindow(t, t, t, 100, true)).isFalse();
    }

    @Test
    void createdTimeGatesVisibility() {
        TileGrid g = new TileGrid(10);
        assertThat(g.inWindow(95, 101, 100, 50, false)).isFalse();
        assertThat(g.inWindow(95, 100, 100, 50, false)).isTrue();
        assertThat(g.inWindow(95, 100, 100, 50, true)).isFalse();
        assertThat(g.inWindow(95, 99, 100, 50, true)).isTrue();
    }

    @Test
    void divides() {
        TileGrid g = new TileGrid(5 * MINUTE);
        assertThat(g.divides(HOUR)).isTrue();
        assertThat(g.divides(7 * MINUTE)).isFalse();
        assertThat(g.divides(0)).isFalse();
        assertThat(TileGrid.EXACT.divides(7)).isTrue();
    }

    /** A row is in the window exactly for T in [max(e, c), expiry) (inclusive form). */
    @Test
    void expiryAgreesWithInWindow() {
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            long hop = 1 + r.nextInt(20);
            TileGrid g = new TileGrid(hop);
            long w = hop * (1 + r.nextInt(5));
            long e = r.nextInt(400) - 200;
            long c = e + (r.nextBoolean() ? 0 : r.nextInt(60));
            long t = r.nextInt(600) - 250;
            boolean expected = Math.max(e, c) <= t && t < g.expiry(e, w);
            assertThat(g.inWindow(e, c, t, w, false)).as("e=%d c=%d t=%d w=%d g=%d", e, c, t, w, hop).isEqualTo(expected);
            boolean expectedExclusive = Math.max(e, c) < t && t < g.expiry(e, w);
            assertThat(g.inWindow(e, c, t, w, true)).isEqualTo(expectedExclusive);
        }
    }

    @Test
    void intervalsPrintInTheirLargestExactUnit() {
        assertThat(WindowAggregate.interval(Duration.ofDays(7))).isEqualTo("INTERVAL '7' DAY");
        assertThat(WindowAggregate.interval(Duration.ofMinutes(90))).isEqualTo("INTERVAL '90' MINUTE");
        assertThat(WindowAggregate.interval(Duration.ofHours(36))).isEqualTo("INTERVAL '36' HOUR");
        assertThat(WindowAggregate.interval(Duration.ofMillis(1500))).isEqualTo("INTERVAL '1.500' SECOND");
    }
}
