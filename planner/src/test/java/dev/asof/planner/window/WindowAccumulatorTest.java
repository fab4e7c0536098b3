package dev.asof.planner.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WindowAccumulatorTest {
    private record Row(Object value, long e, long c) {}

    private static Object aggregate(WindowFunction f, List<Row> rows) {
        WindowAccumulator a = WindowAccumulator.create(f);
        rows.forEach(r -> a.add(r.value(), r.e(), r.c()));
        return a.result();
    }

    /** Splitting rows into parts, aggregating each and merging gives the result of the whole. */
    private static Object merged(WindowFunction f, List<Row> rows, int parts, Random r) {
        List<WindowAccumulator> states = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            states.add(WindowAccumulator.create(f));
        }
        rows.forEach(row -> states.get(r.nextInt(parts)).add(row.value(), row.e(), row.c()));
        WindowAccumulator total = WindowAccumulator.create(f);
        states.forEach(total::merge);
        return total.result();
    }

    @Test
    void emptyWindow() {
        for (WindowFunction f : WindowFunction.values()) {
            Object v = aggregate(f, List.of());
            if (f.countsRows()) {
                assertThat(v).as(f.name()).isEqualTo(0L);
            } else {
                assertThat(v).as(f.name()).isNull();
            }
        }
    }

    @Test
    void handComputed() {
        List<Row> rows = List.of(new Row(2L, 1, 1), new Row(null, 2, 2), new Row(4L, 3, 3), new Row(4L, 4, 4), new Row(10L, 5, 5));
        assertThat(aggregate(WindowFunction.COUNT_ROWS, rows)).isEqualTo(5L);
        assertThat(aggregate(WindowFunction.COUNT, rows)).isEqualTo(4L);
        assertThat(aggregate(WindowFunction.COUNT_DISTINCT, rows)).isEqualTo(3L);
        assertThat(aggregate(WindowFunction.SUM, rows)).isEqualTo(20L);
        assertThat(aggregate(WindowFunction.AVG, rows)).isEqualTo(5.0);
        assertThat(aggregate(WindowFunction.MIN, rows)).isEqualTo(2L);
        assertThat(aggregate(WindowFunction.MAX, rows)).isEqualTo(10L);
        // mean 5, squared deviations 9 + 1 + 1 + 25 = 36, / (4 - 1)
        assertThat((Double) aggregate(WindowFunction.VAR_SAMP, rows)).isCloseTo(12.0, within(1e-14));
        assertThat((Double) aggregate(WindowFunction.STDDEV_SAMP, rows)).isCloseTo(Math.sqrt(12), within(1e-15));
        assertThat(aggregate(WindowFunction.LAST, rows)).isEqualTo(10L);
        assertThat(aggregate(WindowFunction.APPROX_COUNT_DISTINCT, rows)).isEqualTo(3L);
    }

    @Test
    void varianceNeedsTwoValues() {
        assertThat(aggregate(WindowFunction.VAR_SAMP, List.of(new Row(3.5, 1, 1), new Row(null, 2, 2)))).isNull();
        assertThat(aggregate(WindowFunction.STDDEV_SAMP, List.of(new Row(3.5, 1, 1), new Row(3.5, 2, 2)))).isEqualTo(0.0);
    }

    @Test
    void lastIsTheLatestRowEvenWhenNull() {
        // Latest by event time, then created time; the latest row's NULL is the answer.
        assertThat(aggregate(WindowFunction.LAST, List.of(new Row("a", 5, 9), new Row(null, 6, 6)))).isNull();
        assertThat(aggregate(WindowFunction.LAST, List.of(new Row("b", 5, 9), new Row("a", 5, 8)))).isEqualTo("b");
        assertThat(aggregate(WindowFunction.LAST, List.of(new Row("a", 5, 9), new Row("b", 4, 20)))).isEqualTo("a");
        // Tied on (e, c): greatest value, NULL lowest.
        assertThat(aggregate(WindowFunction.LAST, List.of(new Row("b", 5, 5), new Row("c", 5, 5), new Row(null, 5, 5))))
                .isEqualTo("c");
        assertThat(aggregate(WindowFunction.LAST, List.of(new Row(null, 5, 5), new Row("a", 5, 5)))).isEqualTo("a");
    }

    @Test
    void sumsKeepTheirType() {
        assertThat(aggregate(WindowFunction.SUM, List.of(new Row(1, 0, 0), new Row((short) 2, 0, 0)))).isEqualTo(3L);
        assertThat(aggregate(WindowFunction.SUM, List.of(new Row(0.25, 0, 0), new Row(0.5f, 0, 0)))).isEqualTo(0.75);
        assertThat(aggregate(WindowFunction.SUM, List.of(new Row(new BigDecimal("1.10"), 0, 0), new Row(new BigDecimal("2.05"), 0, 0))))
                .isEqualTo(new BigDecimal("3.15"));
        assertThat(aggregate(WindowFunction.AVG, List.of(new Row(new BigDecimal("1.10"), 0, 0), new Row(new BigDecimal("2.00"), 0, 0))))
                .isEqualTo(1.55);
    }

    @Test
    void mergingPartsEqualsAggregatingTheWhole() {
        Random r = new Random(11);
        for (int round = 0; round < 300; round++) {
            List<Row> rows = new ArrayList<>();
            int n = r.nextInt(40);
            boolean strings = r.nextBoolean();
            for (int i = 0; i < n; i++) {
                Object v = r.nextInt(8) == 0 ? null
                        : strings ? "v" + r.nextInt(12) : (Object) (long) (r.nextInt(2000) - 1000);
                rows.add(new Row(v, r.nextInt(50), r.nextInt(50) + 50));
            }
            for (WindowFunction f : WindowFunction.values()) {
                boolean numeric = switch (f) {
                    case SUM, AVG, VAR_SAMP, STDDEV_SAMP -> true;
                    default -> false;
                };
                if (numeric && strings) {
                    continue;
                }
                Object whole = aggregate(f, rows);
                Object parts = merged(f, rows, 1 + r.nextInt(4), r);
                if (whole instanceof Double d) {
                    assertThat((Double) parts).as("%s %s", f, rows).isCloseTo(d, within(1e-9 * Math.max(1, Math.abs(d))));
                } else {
                    assertThat(parts).as("%s %s", f, rows).isEqualTo(whole);
                }
            }
        }
    }

    @Test
    void varianceStaysAccurateFarFromZero() {
        // Textbook Σx² - (Σx)²/n loses every digit here; Welford + Chan do not.
        List<Row> rows = Arrays.asList(new Row(1e9 + 4, 0, 0), new Row(1e9 + 7, 0, 0), new Row(1e9 + 13, 0, 0),
                new Row(1e9 + 16, 0, 0));
        assertThat((Double) aggregate(WindowFunction.VAR_SAMP, rows)).isCloseTo(30.0, within(1e-12));
        assertThat((Double) merged(WindowFunction.VAR_SAMP, rows, 3, new Random(1))).isCloseTo(30.0, within(1e-12));
    }
}
