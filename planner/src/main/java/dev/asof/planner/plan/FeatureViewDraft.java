package dev.asof.planner.plan;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A feature view definition before its column types are known.
 *
 * @param columnNames output names, in definition order
 * @param expressions each column's expression over the source, canonical SQL
 */
public record FeatureViewDraft(String name, String entity, String source, List<String> columnNames,
        List<String> expressions, Optional<Duration> ttl, boolean online, String ddl) {
    public FeatureViewDraft {
        requireNonNull(name, "name");
        requireNonNull(entity, "entity");
        requireNonNull(source, "source");
        columnNames = List.copyOf(columnNames);
        expressions = List.copyOf(expressions);
        requireNonNull(ttl, "ttl");
        requireNonNull(ddl, "ddl");
    }
}
