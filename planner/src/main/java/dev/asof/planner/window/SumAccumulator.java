package dev.asof.planner.window;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;

/**
 * {@code SUM(col)} or {@code AVG(col)} over the non-NULL values. Integer sums are exact
 * {@code long}s (overflow is an error, as in the warehouses), decimal sums exact
 * {@code BigDecimal}s, floating-point sums {@code double}s. AVG is {@code (double) sum / count}.
 */
public final class SumAccumulator implements WindowAccumulator {
    private final boolean average;
    private long count;
    private long longSum;
    private double doubleSum;
    private BigDecimal decimalSum;
    private boolean floating;

    SumAccumulator(boolean average) {
        this.average = average;
    }

    @Override
    public void add(Object value, long eventMicros, long createdMicros) {
        Object v = WindowAccumulator.normalize(value);
        if (v == null) {
            return;
        }
        count++;
        if (v instanceof Long l) {
            longSum = Math.addExact(longSum, l);
        } else if (v instanceof Double d) {
            floating = true;
            doubleSum += d;
        } else if (v instanceof BigDecimal d) {
            decimalSum = decimalSum == null ? d : decimalSum.add(d);
        } else {
            throw new IllegalArgumentException("SUM/AVG of a " + v.getClass().getSimpleName());
        }
    }

    @Override
    public void merge(WindowAccumulator other) {
        SumAccumulator o = (SumAccumulator) other;
        count += o.count;
        longSum = Math.addExact(longSum, o.longSum);
        doubleSum += o.doubleSum;
        floating |= o.floating;
        if (o.decimalSum != null) {
            decimalSum = decimalSum == null ? o.decimalSum : decimalSum.add(o.decimalSum);
        }
    }

    @Override
    public Object result() {
        if (count == 0) {
            return null;
        }
        if (average) {
            return sumAsDouble() / count;
        }
        if (decimalSum != null) {
            return decimalSum;
        }
        return floating ? (Object) doubleSum : (Object) longSum;
    }

    private double sumAsDouble() {
        if (decimalSum != null) {
            return decimalSum.doubleValue();
        }
        return floating ? doubleSum : (double) longSum;
    }

    @Override
    public List<Object> state() {
        return Arrays.asList(count, longSum, doubleSum, decimalSum, floating);
    }

    @Override
    public void restore(List<Object> state) {
        count = (Long) state.get(0);
        longSum = (Long) state.get(1);
        doubleSum = (Double) state.get(2);
        decimalSum = (BigDecimal) state.get(3);
        floating = (Boolean) state.get(4);
    }
}
