package dev.asof.conformance;

import dev.asof.planner.window.WindowAccumulator;
import dev.asof.planner.window.WindowAggregate;
import dev.asof.planner.window.WindowFunction;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * Brute-force reference for windowed feature views (DESIGN.md "Semantics" 1, 3, 4, 7), straight
 * from the definitions: for a probe (key, T) it filters the source rows one by one and aggregates
 * what is left. Only APPROX_COUNT_DISTINCT is computed with asof's own sketch
 * ({@code HyperLogLog}), because that class <em>is</em> its definition: the warehouse must return
 * the number the online path computes.
 *
 * <p>Source rows {@code (customer_id, event_ts, loaded_at, amount DOUBLE, merchant VARCHAR, qty
 * BIGINT)}; times are microseconds from {@link #BASE} (UTC).
 */
final class WindowOracle {
    static final LocalDateTime BASE = LocalDateTime.of(2025, 1, 1, 0, 0);
    static final long SECOND = 1_000_000L;
    static final long MINUTE = 60 * SECOND;
    static final long HOUR = 60 * MINUTE;

    /** A source row; any field may be null. */
    record Event(Long key, Long e, Long c, Double amount, String merchant, Long qty) {
        /** A NULL created time counts as the event time. */
        long cEff() {
            return c != null ? c : e;
        }

        Object column(String name) {
            return switch (name) {
                case "amount" -> amount;
                case "merchant" -> merchant;
                case "qty" -> qty;
                default -> throw new IllegalArgumentException(name);
            };
        }

        List<Object> row() {
            return Arrays.asList(key, at(e), at(c), amount, merchant, qty);
        }
    }

    /** A spine row; key and time may be null. */
    record Spine(long id, Long key, Long t) {
        List<Object> row() {
            return Arrays.asList(id, key, at(t));
        }
    }

    /** One windowed feature: {@code function(column) OVER (RANGE window PRECEDING)}; column null for COUNT(*). */
    record Feature(String name, WindowFunction function, String column, long window) {
        String sql() {
            String call = switch (function) {
                case COUNT_ROWS -> "COUNT(*)";
                case COUNT_DISTINCT -> "COUNT(DISTINCT " + column + ")";
                default -> function.sqlName() + "(" + column + ")";
            };
            return call + " OVER (RANGE " + interval(window) + " PRECEDING) AS " + name;
        }
    }

    /** Which rule variant to apply: the real one, or a deliberately wrong one (self-test only). */
    enum Variant { CORRECT, START_ONE_TILE_LATE, START_EXCLUSIVE, IGNORE_CREATED_TIME, NO_HOP }

    private WindowOracle() {}

    /** start(T) = floor((T - W) / g) * g. */
    static long windowStart(long t, long window, long hop) {
        return Math.floorDiv(t - window, hop) * hop;
    }

    /** The rows of {@code key}'s window at {@code t}. */
    static List<Event> window(List<Event> events, long key, long t, long window, long hop, boolean exclusive,
            boolean createdTime, Variant variant) {
        long g = variant == Variant.NO_HOP ? 1 : hop;
        long start = windowStart(t, window, g) + (variant == Variant.START_ONE_TILE_LATE ? g : 0);
        List<Event> rows = new ArrayList<>();
        for (Event r : events) {
            if (r.key() == null || r.e() == null || r.key() != key) {
                continue;
            }
            long c = createdTime && variant != Variant.IGNORE_CREATED_TIME ? r.cEff() : r.e();
            boolean visible = exclusive ? r.e() < t && c < t : r.e() <= t && c <= t;
            boolean inWindow = variant == Variant.START_EXCLUSIVE ? start < r.e() : start <= r.e();
            if (visible && inWindow) {
                // without a declared created time the column means nothing (LAST orders by e alone)
                rows.add(createdTime ? r : new Event(r.key(), r.e(), null, r.amount(), r.merchant(), r.qty()));
            }
        }
        return rows;
    }

    /** The feature's value over {@code rows}: a count (0 when empty) or a value (NULL when empty). */
    static Object aggregate(Feature f, List<Event> rows) {
        List<Object> values = new ArrayList<>();
        for (Event r : rows) {
            Object v = f.column() == null ? null : r.column(f.column());
            if (v != null) {
                values.add(v);
            }
        }
        switch (f.function()) {
            case COUNT_ROWS:
                return (long) rows.size();
            case COUNT:
                return (long) values.size();
            case COUNT_DISTINCT:
                return (long) new HashSet<>(values).size();
            case APPROX_COUNT_DISTINCT: {
                WindowAccumulator sketch = WindowAccumulator.create(WindowFunction.APPROX_COUNT_DISTINCT);
                values.forEach(v -> sketch.add(v, 0, 0));
                return sketch.result();
            }
            default:
                break;
        }
        if (f.function() == WindowFunction.LAST) {
            Comparator<Event> latest = Comparator.comparingLong((Event r) -> r.e()).thenComparingLong(Event::cEff)
                    .thenComparing(r -> (Comparable<Object>) comparable(r.column(f.column())),
                            Comparator.nullsFirst(Comparator.naturalOrder()));
            return rows.stream().max(latest).map(r -> r.column(f.column())).orElse(null);
        }
        if (values.isEmpty()) {
            return null;
        }
        return switch (f.function()) {
            case SUM -> values.get(0) instanceof Long ? (Object) values.stream().mapToLong(v -> (Long) v).sum()
                    : (Object) values.stream().mapToDouble(v -> (Double) v).sum();
            case AVG -> values.stream().mapToDouble(v -> ((Number) v).doubleValue()).sum() / values.size();
            case MIN -> values.stream().map(WindowOracle::comparable).min(Comparator.naturalOrder()).orElseThrow();
            case MAX -> values.stream().map(WindowOracle::comparable).max(Comparator.naturalOrder()).orElseThrow();
            case VAR_SAMP, STDDEV_SAMP -> {
                if (values.size() < 2) {
                    yield null;
                }
                double mean = values.stream().mapToDouble(v -> ((Number) v).doubleValue()).sum() / values.size();
                double m2 = values.stream().mapToDouble(v -> ((Number) v).doubleValue() - mean).map(d -> d * d).sum();
                double variance = m2 / (values.size() - 1);
                yield f.function() == WindowFunction.STDDEV_SAMP ? Math.sqrt(variance) : variance;
            }
            default -> throw new IllegalStateException(f.function().name());
        };
    }

    @SuppressWarnings("unchecked")
    private static Comparable<Object> comparable(Object v) {
        return (Comparable<Object>) v;
    }

    /**
     * Expected PIT LEFT JOIN rows {@code (id, feature...)}, one per spine row: a spine row with a
     * NULL key or time gets NULL everywhere (no window to evaluate); any other gets its windows'
     * values, COUNT 0 when empty.
     */
    static List<List<Object>> leftJoin(List<Event> events, List<Spine> spine, List<Feature> features, long hop,
            boolean exclusive, boolean createdTime, Variant variant) {
        List<List<Object>> out = new ArrayList<>();
        for (Spine s : spine) {
            List<Object> row = new ArrayList<>();
            row.add(s.id());
            for (Feature f : features) {
                row.add(s.key() == null || s.t() == null ? null
                        : aggregate(f, window(events, s.key(), s.t(), f.window(), hop, exclusive, createdTime, variant)));
            }
            out.add(row);
        }
        return out;
    }

    /** Keys the view has at {@code t}: at least one row in the longest window. */
    static List<Long> keysAt(List<Event> events, long t, List<Feature> features, long hop, boolean createdTime) {
        long longest = features.stream().mapToLong(Feature::window).max().orElseThrow();
        Set<Long> keys = new java.util.TreeSet<>();
        for (Event r : events) {
            if (r.key() != null && !window(events, r.key(), t, longest, hop, false, createdTime, Variant.CORRECT).isEmpty()) {
                keys.add(r.key());
            }
        }
        return List.copyOf(keys);
    }

    /** Positions where two results differ beyond 1e-9 relative (self-test of the generator). */
    static long differences(List<List<Object>> a, List<List<Object>> b) {
        long n = 0;
        for (int i = 0; i < a.size(); i++) {
            for (int j = 0; j < a.get(i).size(); j++) {
                if (!close(a.get(i).get(j), b.get(i).get(j))) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Equal, or both doubles within 1e-9 relative (1e-12 absolute near 0). */
    static boolean close(Object a, Object b) {
        if (a instanceof Double x && b instanceof Double y) {
            return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y)) || Math.abs(x - y) <= 1e-12;
        }
        return Objects.equals(a, b);
    }

    // ---------------------------------------------------------------- generator

    static final int KEYS = 8;

    /**
     * Random rows over 8 hours for keys 1..8, built to hit every boundary: event times on
     * {@code grid} (the hop, or a minute for exact windows) and one microsecond either side; created times NULL, equal, a little
     * later (inside the tile), later than the tile and later than the longest window; NULL values,
     * keys and event times; rows tied on (key, e, c) with different values.
     */
    static List<Event> events(Random r, int count, long grid) {
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Double amount = r.nextInt(10) == 0 ? null : (r.nextInt(600) - 200) / 4.0; // exact in binary
            String merchant = r.nextInt(10) == 0 ? null : "m" + r.nextInt(15);
            Long qty = r.nextInt(10) == 0 ? null : (long) (r.nextInt(56) - 5);
            if (i % 25 == 24) {
                Event twin = out.get(r.nextInt(out.size())); // tied on (key, e, c)
                out.add(new Event(twin.key(), twin.e(), twin.c(), amount, merchant, qty));
                continue;
            }
            Long key = r.nextInt(100) == 0 ? null : (long) (1 + r.nextInt(KEYS));
            Long e = r.nextInt(100) == 0 ? null : time(r, grid, 8 * HOUR);
            Long c;
            int p = r.nextInt(20);
            if (e == null || p < 8) {
                c = null;
            } else if (p < 11) {
                c = e;
            } else if (p < 14) {
                c = e + 1 + below(r, 10 * MINUTE); // a little later
            } else if (p < 18) {
                c = e + below(r, 2 * HOUR); // late: after its tile closed
            } else if (p < 19) {
                c = e + 3 * HOUR + below(r, HOUR); // later than any window
            } else {
                c = e - below(r, HOUR); // known before it happened: counts from e
            }
            out.add(new Event(key, e, c, amount, merchant, qty));
        }
        return out;
    }

    /** A time in [0, span): on the grid, one microsecond either side, a whole second, or any microsecond. */
    static long time(Random r, long grid, long span) {
        long tile = below(r, span / grid) * grid;
        return switch (r.nextInt(6)) {
            case 0, 1 -> tile;
            case 2 -> tile + 1;
            case 3 -> Math.max(0, tile - 1);
            case 4 -> (long) r.nextInt((int) (span / SECOND)) * SECOND;
            default -> below(r, span);
        };
    }

    /** Uniform in [0, bound). */
    static long below(Random r, long bound) {
        return (long) (r.nextDouble() * bound);
    }

    /**
     * Spine rows for keys 1..10 (9 and 10 never seen): on event and created times, on the grid
     * and one microsecond either side, where start(T) equals an event time (the row
     * is just in) and one tile later (just out); some NULL keys and times.
     */
    static List<Spine> spine(Random r, int count, List<Event> events, List<Feature> features, long hop, long grid) {
        List<Spine> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            Event ev = events.get(r.nextInt(events.size()));
            Long key = r.nextInt(50) == 0 ? null : (long) (1 + r.nextInt(KEYS + 2));
            long window = features.get(r.nextInt(features.size())).window();
            Long t;
            if (ev.e() != null && ev.key() != null && r.nextInt(2) == 0) {
                key = ev.key();
                long tileOfE = Math.floorDiv(ev.e(), hop) * hop;
                t = switch (r.nextInt(8)) {
                    case 0 -> ev.e();
                    case 1 -> ev.cEff();
                    case 2 -> ev.cEff() - 1;
                    case 3 -> tileOfE + window; // start(T) = tile of e: in
                    case 4 -> tileOfE + window + hop - 1; // still in
                    case 5 -> tileOfE + window + hop; // just out
                    case 6 -> ev.e() + window;
                    default -> ev.e() + window + 1;
                };
            } else if (r.nextInt(25) == 0) {
                t = null;
            } else {
                t = time(r, grid, 9 * HOUR);
            }
            out.add(new Spine(i, key, t));
        }
        return out;
    }

    /** An interval literal for microseconds, in its largest exact unit (Calcite limits leading digits). */
    static String interval(long micros) {
        return WindowAggregate.interval(java.time.Duration.ofNanos(micros * 1000));
    }

    static LocalDateTime at(Long micros) {
        return micros == null ? null : BASE.plusNanos(micros * 1000);
    }
}
