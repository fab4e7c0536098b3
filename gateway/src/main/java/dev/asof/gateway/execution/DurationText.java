package dev.asof.gateway.execution;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Durations as people write them in listings: {@code 180 days}, {@code 5 minutes},
 * {@code 1 hour 30 minutes}, {@code 1 second 500 milliseconds}; the largest units first, zero
 * units left out. ({@link Duration#toString()} gives {@code PT4320H}.)
 */
final class DurationText {
    private static final long[] UNIT_MILLIS = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
    private static final String[] UNIT_NAMES = {"day", "hour", "minute", "second", "millisecond"};

    private DurationText() {}

    /** {@code d} in words; a zero duration is {@code 0 seconds}. */
    static String of(Duration d) {
        long rest = d.toMillis();
        if (rest == 0) {
            return "0 seconds";
        }
        List<String> parts = new ArrayList<>();
        String sign = rest < 0 ? "-" : "";
        rest = Math.abs(rest);
        for (int i = 0; i < UNIT_MILLIS.length; i++) {
            long n = rest / UNIT_MILLIS[i];
            rest %= UNIT_MILLIS[i];
            if (n > 0) {
                parts.add(n + " " + UNIT_NAMES[i] + (n == 1 ? "" : "s"));
            }
        }
        return sign + String.join(" ", parts);
    }
}
