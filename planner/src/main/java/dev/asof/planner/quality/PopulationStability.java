package dev.asof.planner.quality;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The population stability index (PSI) of a distribution against a baseline, over the same bins:
 * {@code PSI = sum over bins of (c - b) * ln(c / b)}, where {@code b} and {@code c} are the
 * baseline's and the current share of rows in the bin. A share of 0 is taken as
 * {@value #EMPTY_SHARE} so that a bin that empties or appears counts heavily instead of making the
 * index infinite. 0 means the same distribution; common readings: below 0.1 stable, 0.1 to 0.2 a
 * moderate shift, above 0.2 a significant one ({@link #DEFAULT_THRESHOLD}).
 */
public final class PopulationStability {
    /** The threshold above which a feature counts as drifted unless its view declares another. */
    public static final double DEFAULT_THRESHOLD = 0.2;

    /** The share an empty bin is given. */
    public static final double EMPTY_SHARE = 1e-4;

    private PopulationStability() {}

    /**
     * PSI of {@code current} against {@code baseline}, both counts of rows per bin (a bin missing
     * from a map has 0 rows). 0 when either has no rows at all.
     */
    public static <K> double index(Map<K, Long> baseline, Map<K, Long> current) {
        double baselineTotal = total(baseline);
        double currentTotal = total(current);
        if (baselineTotal == 0 || currentTotal == 0) {
            return 0;
        }
        Set<K> bins = new HashSet<>(baseline.keySet());
        bins.addAll(current.keySet());
        double psi = 0;
        for (K bin : bins) {
            double b = share(baseline.getOrDefault(bin, 0L), baselineTotal);
            double c = share(current.getOrDefault(bin, 0L), currentTotal);
            psi += (c - b) * Math.log(c / b);
        }
        return psi;
    }

    private static double share(long count, double total) {
        return count == 0 ? EMPTY_SHARE : count / total;
    }

    private static double total(Map<?, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
