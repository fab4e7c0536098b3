package dev.asof.gateway.auth;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows down password guessing: once {@link Limits#freeFailures} logins in a row failed for one
 * user name from one address, further attempts for that pair are refused without even checking
 * the password, for a delay that doubles with each further failure (from
 * {@link Limits#firstDelay} up to {@link Limits#maxDelay}). A success resets the pair. Unknown
 * user names are counted like known ones, so throttling reveals nothing about which names exist.
 *
 * <p>Refusing (rather than sleeping) keeps request threads free. Memory is bounded: at most
 * {@link Limits#maxTracked} pairs are tracked; beyond that, pairs without a failure for
 * {@link Limits#maxDelay} are forgotten first.
 */
final class LoginThrottle {
    /**
     * How hard to throttle.
     *
     * @param freeFailures failures in a row after which attempts are delayed
     * @param firstDelay the delay after the first failure beyond the free ones
     * @param maxDelay the longest delay (also how long a pair's failures are remembered)
     * @param maxTracked the most (user, address) pairs remembered
     */
    record Limits(int freeFailures, Duration firstDelay, Duration maxDelay, int maxTracked) {
        Limits {
            requireNonNull(firstDelay, "firstDelay");
            requireNonNull(maxDelay, "maxDelay");
            if (freeFailures < 0 || firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0 || maxTracked < 1) {
                throw new IllegalArgumentException("invalid throttle limits");
            }
        }

        /** 5 free failures, then 1 s doubling up to 5 min; 100,000 pairs. */
        static Limits defaults() {
            return new Limits(5, Duration.ofSeconds(1), Duration.ofMinutes(5), 100_000);
        }
    }

    private record Key(String user, String address) {}

    /** Failures in a row and until when attempts are refused (System.nanoTime units). */
    private record State(int failures, long blockedUntil, long lastFailure) {}

    private final Limits limits;
    private final LongSupplier nanoTime;
    private final Map<Key, State> failures = new ConcurrentHashMap<>();

    LoginThrottle(Limits limits, LongSupplier nanoTime) {
        this.limits = requireNonNull(limits, "limits");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    }

    /** How long attempts for this pair are still refused; empty when one may be made now. */
    Optional<Duration> blocked(String user, String address) {
        State s = failures.get(new Key(user, address));
        if (s == null) {
            return Optional.empty();
        }
        long left = s.blockedUntil() - nanoTime.getAsLong();
        return left > 0 ? Optional.of(Duration.ofNanos(left)) : Optional.empty();
    }

    /** Counts a failed attempt. */
    void failed(String user, String address) {
        long now = nanoTime.getAsLong();
        if (failures.size() >= limits.maxTracked()) {
            prune(now);
        }
        failures.compute(new Key(user, address), (k, s) -> {
            int n = s == null || now - s.lastFailure() > limits.maxDelay().toNanos() ? 1 : s.failures() + 1;
            long delay = 0;
            if (n >= limits.freeFailures()) {
                int doublings = Math.min(n - limits.freeFailures(), 30);
                delay = Math.min(limits.firstDelay().toNanos() << doublings, limits.maxDelay().toNanos());
                if (delay < 0) {
                    delay = limits.maxDelay().toNanos();
                }
            }
            return new State(n, now + delay, now);
        });
    }

    /** Forgets the pair's failures after a successful login. */
    void succeeded(String user, String address) {
        failures.remove(new Key(user, address));
    }

    private void prune(long now) {
        failures.values().removeIf(s -> now - s.lastFailure() > limits.maxDelay().toNanos());
        if (failures.size() >= limits.maxTracked()) {
            // Still full (an attack from many addresses): forget everything rather than grow.
            failures.clear();
        }
    }
}
