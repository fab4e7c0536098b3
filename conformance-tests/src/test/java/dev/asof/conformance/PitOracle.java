package dev.asof.conformance;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Brute-force reference for DESIGN.md "Semantics" rules 1-4 (latest value, no windows), over a
 * view {@code SELECT customer_id, segment, score} on a source with EVENT TIME and CREATED TIME.
 * Times are whole hours from {@link #BASE} (UTC).
 */
final class PitOracle {
    static final LocalDateTime BASE = LocalDateTime.of(2025, 1, 1, 0, 0);

    /** A source row; any field may be null. */
    record Event(Long key, Long e, Long c, String segment, Double score) {
        /** Rule 1: a NULL created time counts as equal to the event time. */
        long cEff() {
            return c != null ? c : e;
        }
    }

    /** A spine row; key and time may be null; ids may repeat (duplicate spine rows). */
    record Spine(long id, Long key, Long t) {}

    /** Which rule variant to apply: the real one, or a deliberately wrong one (self-test only). */
    enum Variant { CORRECT, IGNORE_CREATED_TIME, IGNORE_TTL, TIE_FIRST_ROW, NULL_HIGHEST }

    static final Comparator<String> NULL_LOW_STR = Comparator.nullsFirst(Comparator.naturalOrder());
    static final Comparator<Double> NULL_LOW_DBL = Comparator.nullsFirst(Comparator.naturalOrder());

    /** Rule 2 + rule 4 order: (e, c), then features in view order, NULL lowest. */
    static final Comparator<Event> LATEST = Comparator.comparingLong((Event r) -> r.e())
            .thenComparingLong(Event::cEff)
            .thenComparing(Event::segment, NULL_LOW_STR)
            .thenComparing(Event::score, NULL_LOW_DBL);

    private PitOracle() {}

    /**
     * The winning row for {@code key} at {@code t}, or null. {@code ttlHours} null means no TTL;
     * {@code exclusive} is the AS OF ... EXCLUSIVE form.
     */
    static Event latest(List<Event> events, Long key, Long t, Long ttlHours, boolean exclusive,
            Variant variant) {
        if (key == null || t == null) {
            return null; // rule 3: spine rows with NULL key or time get NULL features
        }
        Comparator<Event> order = switch (variant) {
            case TIE_FIRST_ROW -> Comparator.comparingLong((Event r) -> r.e()).thenComparingLong(Event::cEff);
            case NULL_HIGHEST -> Comparator.comparingLong((Event r) -> r.e())
                    .thenComparingLong(Event::cEff)
                    .thenComparing(Event::segment, Comparator.nullsLast(Comparator.<String>naturalOrder()))
                    .thenComparing(Event::score, Comparator.nullsLast(Comparator.<Double>naturalOrder()));
            default -> LATEST;
        };
        Event best = null;
        for (Event r : events) {
            if (r.key() == null || r.e() == null || !r.key().equals(key)) {
                continue; // rule 2: NULL key / NULL event time never count
            }
            long c = variant == Variant.IGNORE_CREATED_TIME ? r.e() : r.cEff();
            boolean visible = exclusive ? r.e() < t && c < t : r.e() <= t && c <= t;
            if (visible && (best == null || order.compare(r, best) > 0)) {
                best = r; // strict '>' keeps the first of equals: that is TIE_FIRST_ROW
            }
        }
        if (best != null && ttlHours != null && variant != Variant.IGNORE_TTL
                && best.e() < t - ttlHours) {
            return null; // rule 2: e = t - ttl exactly is still valid
        }
        return best;
    }

    /** Expected PIT LEFT JOIN rows: (id, customer_id, segment, score), one per spine row. */
    static List<List<Object>> leftJoin(List<Event> events, List<Spine> spine, Long ttlHours,
            boolean exclusive, Variant variant) {
        List<List<Object>> out = new ArrayList<>();
        for (Spine s : spine) {
            Event r = latest(events, s.key(), s.t(), ttlHours, exclusive, variant);
            out.add(Arrays.asList(s.id(), s.key(), r == null ? null : r.segment(),
                    r == null ? null : r.score()));
        }
        return out;
    }

    /** Number of positions where two expected results differ (self-test of the generator). */
    static long differences(List<List<Object>> a, List<List<Object>> b) {
        long n = 0;
        for (int i = 0; i < a.size(); i++) {
            if (!Objects.equals(a.get(i), b.get(i))) {
                n++;
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- generator

    static final int KEYS = 50;
    static final int EVENTS = 2000;
    static final int SPINE = 300;
    static final long TTL_HOURS = 7 * 24;
    static final long SEED = 20250101L;

    /** ~2k events over 50 keys in a 60-day hour grid: late rows, ties, NULLs. */
    static List<Event> events(Random r) {
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            String seg = r.nextInt(10) == 0 ? null : String.valueOf((char) ('a' + r.nextInt(6)));
            Double score = r.nextInt(10) == 0 ? null : r.nextInt(400) / 4.0; // exact in binary
            if (i % 20 == 19) {
                // a row tied on (key, e, c) with an earlier row, different features (rule 4)
                Event twin = out.get(r.nextInt(out.size()));
                out.add(new Event(twin.key(), twin.e(), twin.c(), seg, score));
                continue;
            }
            Long key = r.nextInt(100) == 0 ? null : (long) (1 + r.nextInt(KEYS));
            // hour grid: many rows of different keys share a time
            Long e = r.nextInt(100) == 0 ? null : (long) r.nextInt(60 * 24);
            Long c;
            int p = r.nextInt(10);
            if (e == null) {
                c = (long) r.nextInt(60 * 24);
            } else if (p < 2) {
                c = e + 1 + r.nextInt(72); // late row: known up to 3 days after its event time
            } else if (p < 3) {
                c = null; // counts as e
            } else {
                c = e;
            }
            out.add(new Event(key, e, c, seg, score));
        }
        return out;
    }

    /** ~300 spine rows; some duplicated, some NULL, many at exact event / TTL boundary times. */
    static List<Spine> spine(Random r, List<Event> events) {
        List<Spine> out = new ArrayList<>();
        for (int i = 1; i <= SPINE; i++) {
            if (i > 1 && r.nextInt(20) == 0) {
                out.add(out.get(r.nextInt(out.size()))); // exact duplicate spine row
                continue;
            }
            Long key = r.nextInt(50) == 0 ? null : (long) (1 + r.nextInt(KEYS + 5)); // 51..55 unknown
            Long t;
            int p = r.nextInt(10);
            Event ev = events.get(r.nextInt(events.size()));
            if (p < 3 && ev.e() != null && ev.key() != null) {
                key = ev.key();
                // exactly at an event time, a created time, or the TTL boundary of an event
                t = switch (r.nextInt(4)) {
                    case 0 -> ev.e();
                    case 1 -> ev.cEff();
                    case 2 -> ev.e() + TTL_HOURS;
                    default -> ev.e() + TTL_HOURS + 1;
                };
            } else if (p < 4) {
                t = r.nextInt(5) == 0 ? null : (long) r.nextInt(60 * 24 + 400) - 48;
            } else {
                t = (long) r.nextInt(60 * 24 + 400) - 48; // from 2 days before to ~2 weeks after
            }
            out.add(new Spine(i, key, t));
        }
        return out;
    }

    static LocalDateTime at(Long hours) {
        return hours == null ? null : BASE.plusHours(hours);
    }
}
