package dev.asof.planner.catalog;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.ColumnMetadata;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Latest-value features of an entity, computed from a source. The view at time T holds one row
 * per entity key whose latest visible source row (greatest event time, then created time) exists
 * and is no older than {@code ttl}.
 *
 * @param entity name of the entity whose keys the view is keyed by
 * @param source name of the source it reads
 * @param features the key columns first, in entity order, then the features, in definition order
 * @param ttl how long a value stays valid after its event time; empty means forever
 * @param online whether the view is materialized to the online store
 */
public record FeatureView(
        String name,
        String entity,
        String source,
        List<Feature> features,
        Optional<Duration> ttl,
        boolean online,
        String ddl)
        implements CatalogObject {
    public FeatureView {
        requireNonNull(name, "name");
        requireNonNull(entity, "entity");
        requireNonNull(source, "source");
        features = List.copyOf(features);
        requireNonNull(ttl, "ttl");
        requireNonNull(ddl, "ddl");
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
