package dev.asof.gateway.online;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When the store may drop a record whose newest version stops being served at {@code end} (event
 * time plus TTL, or the end of the longest window); never for values without one. Lookups check
 * the TTL exactly, so store expiry only frees space.
 */
final class StoreExpiry {
    /**
     * How long after its end a record may stay in the store: keeps store expiry from ever running
     * ahead of the gateway's clock (whole-second store clocks, clock skew between hosts).
     */
    private static final Duration SLACK = Duration.ofHours(1);

    private final Clock clock;
    private final Clock systemClock = Clock.systemUTC();

    StoreExpiry(Clock clock) {
        this.clock = clock;
    }

    /**
     * Stores expire records by their own (system) clock, so the time left is measured on the
     * gateway's clock and then placed on the system clock; they are the same outside tests.
     */
    Optional<Instant> at(Optional<Instant> end) {
        return end.map(e -> systemClock.instant().plus(Duration.between(clock.instant(), e)).plus(SLACK));
    }
}
