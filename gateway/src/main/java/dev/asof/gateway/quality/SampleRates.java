package dev.asof.gateway.quality;

import java.util.Arrays;
import java.util.Map;

/**
 * The log sample fraction per view definition id, immutable: read on every online lookup without
 * allocating (a binary search over primitive arrays), replaced as a whole when a setting changes.
 */
final class SampleRates {
    static final SampleRates NONE = new SampleRates(new long[0], new double[0]);

    private final long[] ids;
    private final double[] rates;

    private SampleRates(long[] ids, double[] rates) {
        this.ids = ids;
        this.rates = rates;
    }

    /** Rates above 0 of {@code fractions}, by view id. */
    static SampleRates of(Map<Long, Double> fractions) {
        long[] ids = fractions.entrySet().stream().filter(e -> e.getValue() > 0).mapToLong(Map.Entry::getKey)
                .sorted().toArray();
        double[] rates = new double[ids.length];
        for (int i = 0; i < ids.length; i++) {
            rates[i] = fractions.get(ids[i]);
        }
        return new SampleRates(ids, rates);
    }

    /** The fraction of the view's lookups logged; 0 when not set. */
    double rate(long viewId) {
        int i = Arrays.binarySearch(ids, viewId);
        return i < 0 ? 0 : rates[i];
    }

    /** These rates with {@code viewId}'s set to {@code fraction} (0 removes it). */
    SampleRates with(long viewId, double fraction) {
        Map<Long, Double> all = new java.util.HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            all.put(ids[i], rates[i]);
        }
        all.put(viewId, fraction);
        return of(all);
    }
}
