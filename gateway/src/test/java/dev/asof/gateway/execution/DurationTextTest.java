package dev.asof.gateway.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Issue 14: SHOW FEATURE VIEWS prints TTLs and HOPs as people write them, not as {@code PT4320H}. */
class DurationTextTest {
    @Test
    void largestUnitsFirstWithoutZeros() {
        assertThat(DurationText.of(Duration.ofDays(180))).isEqualTo("180 days");
        assertThat(DurationText.of(Duration.ofMinutes(5))).isEqualTo("5 minutes");
        assertThat(DurationText.of(Duration.ofDays(1))).isEqualTo("1 day");
        assertThat(DurationText.of(Duration.ofMinutes(90))).isEqualTo("1 hour 30 minutes");
        assertThat(DurationText.of(Duration.ofDays(1).plusSeconds(1))).isEqualTo("1 day 1 second");
        assertThat(DurationText.of(Duration.ofMillis(1_500))).isEqualTo("1 second 500 milliseconds");
        assertThat(DurationText.of(Duration.ZERO)).isEqualTo("0 seconds");
    }
}
