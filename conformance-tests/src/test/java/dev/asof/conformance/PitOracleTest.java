package dev.asof.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.conformance.PitOracle.Event;
import dev.asof.conformance.PitOracle.Spine;
import dev.asof.conformance.PitOracle.Variant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checks the oracle itself (no gateway needed): it follows the rules on small hand-computed
 * cases, and the randomized data set actually exercises every rule, i.e. each deliberately wrong
 * variant of the rules gives a different answer on some spine rows.
 */
class PitOracleTest {

    @Test
    void handComputedCases() {
        List<Event> ev = List.of(
                new Event(1L, 10L, 10L, "a", 1.0),
                new Event(1L, 20L, 30L, "late", 2.0),   // visible from 30
                new Event(1L, 25L, null, "b", 3.0),     // c NULL = 25
                new Event(2L, 5L, 5L, "m", 1.0),
                new Event(2L, 5L, 5L, "m", 2.0),        // tie: score 2.0 wins
                new Event(2L, 5L, 5L, null, 9.0),       // tie: NULL segment lowest, loses
                new Event(null, 1L, 1L, "nk", 0.0),     // NULL key never counts
                new Event(3L, null, 1L, "ne", 0.0));    // NULL event time never counts
        // at 24: row (20,30) not yet created -> "a"
        assertThat(PitOracle.latest(ev, 1L, 24L, null, false, Variant.CORRECT).segment()).isEqualTo("a");
        // at 25 inclusive: (25,25) visible -> "b"; exclusive: (10,10) -> "a"
        assertThat(PitOracle.latest(ev, 1L, 25L, null, false, Variant.CORRECT).segment()).isEqualTo("b");
        assertThat(PitOracle.latest(ev, 1L, 25L, null, true, Variant.CORRECT).segment()).isEqualTo("a");
        // at 40: (25,25) beats (20,30) because e is compared first
        assertThat(PitOracle.latest(ev, 1L, 40L, null, false, Variant.CORRECT).segment()).isEqualTo("b");
        // TTL 15: at 40, e=25 = 40-15 still valid; at 41 expired
        assertThat(PitOracle.latest(ev, 1L, 40L, 15L, false, Variant.CORRECT)).isNotNull();
        assertThat(PitOracle.latest(ev, 1L, 41L, 15L, false, Variant.CORRECT)).isNull();
        assertThat(PitOracle.latest(ev, 2L, 6L, null, false, Variant.CORRECT).score()).isEqualTo(2.0);
        assertThat(PitOracle.latest(ev, 3L, 6L, null, false, Variant.CORRECT)).isNull();
        assertThat(PitOracle.latest(ev, null, 6L, null, false, Variant.CORRECT)).isNull();
    }

    @Test
    void randomizedDataExercisesEveryRule() {
        Random r = new Random(PitOracle.SEED);
        List<Event> events = PitOracle.events(r);
        List<Spine> spine = PitOracle.spine(r, events);
        assertThat(events).hasSize(PitOracle.EVENTS);
        assertThat(spine).hasSize(PitOracle.SPINE);
        var correct = PitOracle.leftJoin(events, spine, PitOracle.TTL_HOURS, false, Variant.CORRECT);
        for (Variant wrong : List.of(Variant.IGNORE_CREATED_TIME, Variant.IGNORE_TTL,
                Variant.TIE_FIRST_ROW, Variant.NULL_HIGHEST)) {
            var other = PitOracle.leftJoin(events, spine, PitOracle.TTL_HOURS, false, wrong);
            assertThat(PitOracle.differences(correct, other)).as(wrong.name()).isGreaterThan(0);
        }
        var exclusive = PitOracle.leftJoin(events, spine, PitOracle.TTL_HOURS, true, Variant.CORRECT);
        assertThat(PitOracle.differences(correct, exclusive)).as("exclusive").isGreaterThan(0);
        // both matched and unmatched spine rows
        assertThat(correct.stream().filter(x -> x.get(2) != null || x.get(3) != null).count()).isGreaterThan(100);
        assertThat(correct.stream().filter(x -> x.get(2) == null && x.get(3) == null).count()).isGreaterThan(20);
    }
}
