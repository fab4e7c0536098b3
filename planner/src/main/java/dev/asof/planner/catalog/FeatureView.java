package dev.asof.planner.catalog;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.window.TileGrid;
import dev.asof.spi.ColumnMetadata;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Features of an entity computed from a source, of one of two kinds:
 *
 * <ul>
 *   <li><b>latest values</b>: the view at time T holds one row per entity key whose latest visible
 *       source row (greatest event time, then created time) exists and is no older than
 *       {@code ttl};
 *   <li><b>windowed aggregates</b> (every non-key feature has an {@link Feature#aggregate()}):
 *       each feature aggregates the key's rows in its window at T, on the grid of {@code hop}
 *       ({@link TileGrid}); the view at T holds the keys with at least one row in its longest
 *       window.
 * </ul>
 *
 * @param entity name of the entity whose keys the view is keyed by
 * @param source name of the source it reads
 * @param features the key columns first, in entity order, then the features, in definition order
 * @param ttl how long a latest value stays valid after its event time; empty means forever (always
 *     empty for windowed views)
 * @param hop the step in which windows move (windowed views only); empty means exact windows
 * @param online whether the view is materialized to the online store
 */
public record FeatureView(
        String name,
        String entity,
        String source,
        List<Feature> features,
        Optional<Duration> ttl,
        Optional<Duration> hop,
        boolean online,
        String ddl)
        implements CatalogObject {
    public FeatureView {
        requireNonNull(name, "name");
        requireNonNull(entity, "entity");
        requireNonNull(source, "source");
        features = List.copyOf(features);
        requireNonNull(ttl, "ttl");
        requireNonNull(hop, "hop");
        requireNonNull(ddl, "ddl");
    }

    /** A latest-value view. */
    public FeatureView(String name, String entity, String source, List<Feature> features, Optional<Duration> ttl,
            boolean online, String ddl) {
        this(name, entity, source, features, ttl, Optional.empty(), online, ddl);
    }

    /** Whether the view's features are windowed aggregates rather than latest values. */
    public boolean windowed() {
        // A loop, not a stream: asked for every record an online lookup reads.
        for (Feature f : features) {
            if (f.aggregate().isPresent()) {
                return true;
            }
        }
        return false;
    }

    /** The hop grid of a windowed view ({@link TileGrid#EXACT} without HOP). */
    public TileGrid grid() {
        return TileGrid.of(hop);
    }

    @Override
    public List<ColumnMetadata> columns() {
        return features.stream().map(Feature::type).toList();
    }

    @Override
    public String tableType() {
        return "FEATURE VIEW";
    }
}
