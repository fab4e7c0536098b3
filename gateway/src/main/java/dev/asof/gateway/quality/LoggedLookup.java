package dev.asof.gateway.quality;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.catalog.FeatureView;
import java.util.List;

/**
 * One sampled online lookup of one view and key, waiting to be written to the view's log table.
 *
 * @param values the view's columns as served: its key columns, then its features
 * @param lookupMicros the time of the lookup, microseconds since the epoch (UTC): the time the
 *     online path evaluated TTLs and windows at
 */
record LoggedLookup(FeatureView view, long viewId, List<Object> values, long lookupMicros) {
    LoggedLookup {
        requireNonNull(view, "view");
        requireNonNull(values, "values");
    }
}
