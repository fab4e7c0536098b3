package dev.asof.planner.quality;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A monitoring statement on one feature view, as the planner understood it: a change of its
 * served-feature logging or drift threshold, a skew check of its logged lookups, statistics of its
 * values, or a drift report. All times are instants (a {@code TIMESTAMP} literal is read as UTC).
 */
public sealed interface QualityStatement {
    /** The feature view concerned, as named in the registry. */
    String view();

    /** Whether the statement changes the view's monitoring settings (else it only reads). */
    default boolean changesSettings() {
        return false;
    }

    /**
     * {@code ALTER FEATURE VIEW v SET LOG SAMPLE fraction}, or the {@code LOG SAMPLE} clause of
     * CREATE FEATURE VIEW.
     *
     * @param fraction share of the view's online lookups that are logged, 0 (off) to 1 (all)
     */
    record SetLogSample(String view, double fraction) implements QualityStatement {
        public SetLogSample {
            requireNonNull(view, "view");
            if (!(fraction >= 0 && fraction <= 1)) {
                throw new IllegalArgumentException("fraction outside [0, 1]: " + fraction);
            }
        }

        @Override
        public boolean changesSettings() {
            return true;
        }
    }

    /**
     * {@code ALTER FEATURE VIEW v SET DRIFT THRESHOLD psi}.
     *
     * @param threshold a feature whose population stability index is above this has drifted; positive
     */
    record SetDriftThreshold(String view, double threshold) implements QualityStatement {
        public SetDriftThreshold {
            requireNonNull(view, "view");
            if (!(threshold > 0) || Double.isInfinite(threshold)) {
                throw new IllegalArgumentException("threshold not positive: " + threshold);
            }
        }

        @Override
        public boolean changesSettings() {
            return true;
        }
    }

    /**
     * {@code VALIDATE FEATURE VIEW v [FROM t1] [TO t2]}: lookups logged at {@code from <= time < to}.
     */
    record Validate(String view, Optional<Instant> from, Optional<Instant> to) implements QualityStatement {
        public Validate {
            requireNonNull(view, "view");
            requireNonNull(from, "from");
            requireNonNull(to, "to");
        }
    }

    /** {@code ANALYZE FEATURE VIEW v [AS OF t]}; empty: now. */
    record Analyze(String view, Optional<Instant> asOf) implements QualityStatement {
        public Analyze {
            requireNonNull(view, "view");
            requireNonNull(asOf, "asOf");
        }
    }

    /**
     * {@code ANALYZE FEATURE VIEW v DRIFT FROM baseline [TO current]}: the view's values at
     * {@code current} (empty: now) against those at {@code baseline}.
     */
    record Drift(String view, Instant baseline, Optional<Instant> current) implements QualityStatement {
        public Drift {
            requireNonNull(view, "view");
            requireNonNull(baseline, "baseline");
            requireNonNull(current, "current");
        }
    }
}
