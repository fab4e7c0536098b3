package dev.asof.planner.window;

import java.util.List;

/** {@code COUNT(*)} (every row) or {@code COUNT(col)} (rows whose argument is not NULL). */
public final class CountAccumulator implements WindowAccumulator {
    private final boolean rows;
    private long count;

    CountAccumulator(boolean rows) {
        this.rows = rows;
    }

    @Override
    public void add(Object value, long eventMicros, long createdMicros) {
        if (rows || value != null) {
            count++;
        }
    }

    @Override
    public void merge(WindowAccumulator other) {
        count += ((CountAccumulator) other).count;
    }

    @Override
    public Long result() {
        return count;
    }

    @Override
    public List<Object> state() {
        return List.of(count);
    }

    @Override
    public void restore(List<Object> state) {
        count = (Long) state.get(0);
    }
}
