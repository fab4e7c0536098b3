package dev.asof.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The login throttle on a hand-driven clock. */
class LoginThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LoginThrottle throttle = new LoginThrottle(
            new LoginThrottle.Limits(3, Duration.ofSeconds(1), Duration.ofSeconds(8), 100), now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void delaysDoubleAfterTheFreeFailuresAndASuccessResets() {
        throttle.failed("alice", "10.0.0.1");
        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.blocked("alice", "10.0.0.1")).isEmpty();
        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.blocked("alice", "10.0.0.1")).contains(Duration.ofSeconds(1));
        // Other names and other addresses are not affected.
        assertThat(throttle.blocked("bob", "10.0.0.1")).isEmpty();
        assertThat(throttle.blocked("alice", "10.0.0.2")).isEmpty();
        advance(Duration.ofMillis(1_001));
        assertThat(throttle.blocked("alice", "10.0.0.1")).isEmpty();
        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.blocked("alice", "10.0.0.1")).contains(Duration.ofSeconds(2));
        for (int i = 0; i < 10; i++) {
            advance(Duration.ofSeconds(9));
            throttle.failed("alice", "10.0.0.1");
        }
        // Failures further apart than the longest delay start counting again.
        assertThat(throttle.blocked("alice", "10.0.0.1")).isEmpty();
        throttle.failed("alice", "10.0.0.1");
        throttle.failed("alice", "10.0.0.1");
        throttle.failed("alice", "10.0.0.1");
        throttle.failed("alice", "10.0.0.1");
        throttle.failed("alice", "10.0.0.1");
        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.blocked("alice", "10.0.0.1")).contains(Duration.ofSeconds(8)); // capped
        throttle.succeeded("alice", "10.0.0.1");
        assertThat(throttle.blocked("alice", "10.0.0.1")).isEqualTo(Optional.empty());
    }

    @Test
    void memoryStaysBounded() {
        for (int i = 0; i < 1_000; i++) {
            throttle.failed("user" + i, "10.0.0.1");
        }
        assertThat(throttle.blocked("user999", "10.0.0.1")).isEmpty(); // one failure: not blocked
        for (int i = 0; i < 3; i++) {
            throttle.failed("user999", "10.0.0.1");
        }
        assertThat(throttle.blocked("user999", "10.0.0.1")).isPresent();
    }
}
