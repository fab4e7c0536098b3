package dev.asof.planner.window;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code COUNT(DISTINCT col)}: the exact number of distinct non-NULL values. */
public final class DistinctAccumulator implements WindowAccumulator {
    private final Set<Object> values = new HashSet<>();

    DistinctAccumulator() {}

    @Override
    public void add(Object value, long eventMicros, long createdMicros) {
        if (value != null) {
            values.add(WindowAccumulator.normalize(value));
        }
    }

    @Override
    public void merge(WindowAccumulator other) {
        values.addAll(((DistinctAccumulator) other).values);
    }

    @Override
    public Long result() {
        return (long) values.size();
    }

    @Override
    public List<Object> state() {
        return new ArrayList<>(values);
    }

    @Override
    public void restore(List<Object> state) {
        values.clear();
        values.addAll(state);
    }
}
