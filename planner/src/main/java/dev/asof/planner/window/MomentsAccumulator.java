package dev.asof.planner.window;

import java.util.List;

/**
 * {@code VAR_SAMP(col)} or {@code STDDEV_SAMP(col)} over the non-NULL values, NULL with fewer than
 * two. The state is (n, mean, M2), M2 being the sum of squared deviations from the mean: Welford's
 * update per row and Chan et al.'s merge of two states, which stay accurate where the textbook
 * {@code (Σx² - (Σx)²/n)} cancels catastrophically. The warehouse plan merges its parts with the
 * same formula.
 */
public final class MomentsAccumulator implements WindowAccumulator {
    private final boolean stddev;
    private long n;
    private double mean;
    private double m2;

    MomentsAccumulator(boolean stddev) {
        this.stddev = stddev;
    }

    @Override
    public void add(Object value, long eventMicros, long createdMicros) {
        if (value == null) {
            return;
        }
        double x = WindowAccumulator.toDouble(WindowAccumulator.normalize(value));
        n++;
        double delta = x - mean;
        mean += delta / n;
        m2 += delta * (x - mean);
    }

    @Override
    public void merge(WindowAccumulator other) {
        MomentsAccumulator o = (MomentsAccumulator) other;
        if (o.n == 0) {
            return;
        }
        if (n == 0) {
            n = o.n;
            mean = o.mean;
            m2 = o.m2;
            return;
        }
        long total = n + o.n;
        double delta = o.mean - mean;
        mean += delta * o.n / total;
        m2 += o.m2 + delta * delta * n * o.n / total;
        n = total;
    }

    @Override
    public Double result() {
        if (n < 2) {
            return null;
        }
        double variance = m2 / (n - 1);
        return stddev ? Math.sqrt(variance) : variance;
    }

    @Override
    public List<Object> state() {
        return List.of(n, mean, m2);
    }

    @Override
    public void restore(List<Object> state) {
        n = (Long) state.get(0);
        mean = (Double) state.get(1);
        m2 = (Double) state.get(2);
    }
}
