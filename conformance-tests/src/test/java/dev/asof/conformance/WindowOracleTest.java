package dev.asof.conformance;

import static dev.asof.conformance.WindowOracle.HOUR;
import static dev.asof.conformance.WindowOracle.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.conformance.WindowOracle.Event;
import dev.asof.conformance.WindowOracle.Feature;
import dev.asof.conformance.WindowOracle.Spine;
import dev.asof.conformance.WindowOracle.Variant;
import dev.asof.planner.window.WindowFunction;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checks the window oracle itself (no gateway): hand-computed cases, and that the randomized data
 * of {@link WindowSemanticsSuite} tells every deliberately wrong variant of the rules apart.
 */
class WindowOracleTest {
    @Test
    void handComputedCases() {
        long hop = 15 * MINUTE;
        List<Event> ev = List.of(
                new Event(1L, 9 * HOUR, null, 1.0, "a", 1L),
                new Event(1L, 9 * HOUR + 40 * MINUTE, 10 * HOUR + 5 * MINUTE, 2.0, "b", 2L),
                new Event(1L, 10 * HOUR, null, 4.0, "c", null),
                new Event(null, 10 * HOUR, null, 8.0, "n", 3L));
        // start(10:04) = floor(09:04 / 15 min) * 15 min = 09:00: a in, b not yet visible, c in
        assertThat(WindowOracle.window(ev, 1, 10 * HOUR + 4 * MINUTE, HOUR, hop, false, true, Variant.CORRECT))
                .extracting(Event::merchant).containsExactly("a", "c");
        // 10:15: start 09:15, a out; b visible since 10:05; c in
        assertThat(WindowOracle.window(ev, 1, 10 * HOUR + 15 * MINUTE, HOUR, hop, false, true, Variant.CORRECT))
                .extracting(Event::merchant).containsExactly("b", "c");
        // 10:00 exclusive: c (at T) out; inclusive: in
        assertThat(WindowOracle.window(ev, 1, 10 * HOUR, HOUR, hop, true, true, Variant.CORRECT)).hasSize(1);
        assertThat(WindowOracle.window(ev, 1, 10 * HOUR, HOUR, hop, false, true, Variant.CORRECT)).hasSize(2);
        Feature sum = new Feature("s", WindowFunction.SUM, "amount", HOUR);
        Feature count = new Feature("c", WindowFunction.COUNT, "qty", HOUR);
        Feature last = new Feature("l", WindowFunction.LAST, "qty", HOUR);
        List<Event> w = WindowOracle.window(ev, 1, 10 * HOUR + 15 * MINUTE, HOUR, hop, false, true, Variant.CORRECT);
        assertThat(WindowOracle.aggregate(sum, w)).isEqualTo(6.0);
        assertThat(WindowOracle.aggregate(count, w)).isEqualTo(1L);
        assertThat(WindowOracle.aggregate(last, w)).isNull(); // the latest row (c) has no qty
        assertThat(WindowOracle.aggregate(sum, List.of())).isNull();
        assertThat(WindowOracle.aggregate(count, List.of())).isEqualTo(0L);
    }

    private static void exercisesEveryRule(long seed, List<Feature> features, long hop, long grid) {
        Random r = new Random(seed);
        List<Event> events = WindowOracle.events(r, 1200, grid);
        List<Spine> spine = WindowOracle.spine(r, 400, events, features, hop, grid);
        var correct = WindowOracle.leftJoin(events, spine, features, hop, false, true, Variant.CORRECT);
        List<Variant> wrong = hop == 1
                ? List.of(Variant.START_EXCLUSIVE, Variant.IGNORE_CREATED_TIME)
                : List.of(Variant.START_ONE_TILE_LATE, Variant.START_EXCLUSIVE, Variant.IGNORE_CREATED_TIME, Variant.NO_HOP);
        for (Variant v : wrong) {
            var other = WindowOracle.leftJoin(events, spine, features, hop, false, true, v);
            assertThat(WindowOracle.differences(correct, other)).as(v.name()).isGreaterThan(10);
        }
        var exclusive = WindowOracle.leftJoin(events, spine, features, hop, true, true, Variant.CORRECT);
        assertThat(WindowOracle.differences(correct, exclusive)).as("exclusive").isGreaterThan(10);
        long nonEmpty = correct.stream().filter(x -> x.get(1) != null && (Long) x.get(1) > 0).count();
        assertThat(nonEmpty).as("spine rows with a non-empty first window").isBetween(100L, 380L);
    }

    @Test
    void randomizedDataExercisesEveryRule() {
        exercisesEveryRule(WindowSemanticsSuite.SEED, WindowSemanticsSuite.HOPPED, WindowSemanticsSuite.HOP,
                WindowSemanticsSuite.HOP);
        exercisesEveryRule(WindowSemanticsSuite.SEED + 1, WindowSemanticsSuite.EXACT, 1, MINUTE);
    }
}
