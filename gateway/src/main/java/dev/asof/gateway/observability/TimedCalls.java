package dev.asof.gateway.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One kind of call to an engine, timed: a timer (with the latency buckets) and a counter of the
 * calls that failed, resolved once when the wrapper is made.
 */
record TimedCalls(Timer timer, Counter errors) {
    /** Meters {@code name}{@code .duration} and {@code name}{@code .errors} with {@code tags} (key, value pairs). */
    static TimedCalls register(MeterRegistry registry, String name, String description, String... tags) {
        return new TimedCalls(Timer.builder(name + ".duration").description(description).tags(tags)
                .serviceLevelObjectives(MetricBuckets.LATENCY).register(registry),
                Counter.builder(name + ".errors").description(description + " that failed").tags(tags)
                        .register(registry));
    }

    /** Runs {@code call}, timing it and counting it when it throws. */
    <T> T time(Supplier<T> call) {
        return time(call, () -> 0);
    }

    /**
     * Runs {@code call}, timing it less the nanoseconds {@code excluded} gives once it returned
     * (time the call spent in the caller's code), and counting it when it throws.
     */
    <T> T time(Supplier<T> call, LongSupplier excluded) {
        long start = System.nanoTime();
        try {
            return call.get();
        } catch (RuntimeException | Error e) {
            errors.increment();
            throw e;
        } finally {
            timer.record(Math.max(0, System.nanoTime() - start - excluded.getAsLong()), TimeUnit.NANOSECONDS);
        }
    }
}
