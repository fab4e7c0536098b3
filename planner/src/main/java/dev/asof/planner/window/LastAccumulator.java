package dev.asof.planner.window;

import java.util.Arrays;
import java.util.List;

/**
 * {@code LAST(col)}: the argument of the window's latest row, the row with the greatest event time,
 * then created time; among rows tied on both, the greatest value wins, NULL lowest (the tie rule
 * of latest-value views). The value may be NULL: the latest row's NULL is the answer, it does not
 * let an older value through.
 */
public final class LastAccumulator implements WindowAccumulator {
    private boolean present;
    private long event;
    private long created;
    private Object value;

    LastAccumulator() {}

    @Override
    public void add(Object value, long eventMicros, long createdMicros) {
        Object v = WindowAccumulator.normalize(value);
        if (!present || compare(eventMicros, createdMicros, v) > 0) {
            present = true;
            event = eventMicros;
            created = createdMicros;
            this.value = v;
        }
    }

    @Override
    public void merge(WindowAccumulator other) {
        LastAccumulator o = (LastAccumulator) other;
        if (o.present) {
            add(o.value, o.event, o.created);
        }
    }

    @Override
    public Object result() {
        return value;
    }

    @SuppressWarnings("unchecked")
    private int compare(long e, long c, Object v) {
        int byTime = e != event ? Long.compare(e, event) : Long.compare(c, created);
        if (byTime != 0) {
            return byTime;
        }
        if (v == null || value == null) {
            return v == null ? (value == null ? 0 : -1) : 1;
        }
        return ((Comparable<Object>) v).compareTo(value);
    }

    @Override
    public List<Object> state() {
        return Arrays.asList(present, event, created, value);
    }

    @Override
    public void restore(List<Object> state) {
        present = (Boolean) state.get(0);
        event = (Long) state.get(1);
        created = (Long) state.get(2);
        value = state.get(3);
    }
}
