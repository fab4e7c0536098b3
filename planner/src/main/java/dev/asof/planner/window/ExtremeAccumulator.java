package dev.asof.planner.window;

import java.util.Arrays;
import java.util.List;

/** {@code MIN(col)} or {@code MAX(col)} over the non-NULL values. */
public final class ExtremeAccumulator implements WindowAccumulator {
    private final boolean max;
    private Comparable<Object> best;

    ExtremeAccumulator(boolean max) {
        this.max = max;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void add(Object value, long eventMicros, long createdMicros) {
        Object v = WindowAccumulator.normalize(value);
        if (v == null) {
            return;
        }
        Comparable<Object> c = (Comparable<Object>) v;
        if (best == null || (max ? c.compareTo(best) > 0 : c.compareTo(best) < 0)) {
            best = c;
        }
    }

    @Override
    public void merge(WindowAccumulator other) {
        Comparable<Object> o = ((ExtremeAccumulator) other).best;
        if (o != null) {
            add(o, 0, 0);
        }
    }

    @Override
    public Object result() {
        return best;
    }

    @Override
    public List<Object> state() {
        return Arrays.asList((Object) best);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void restore(List<Object> state) {
        best = (Comparable<Object>) state.get(0);
    }
}
