package dev.asof.planner.plan;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.window.WindowAggregate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A feature view definition before its column types are known.
 *
 * @param columnNames output names, in definition order
 * @param expressions each column's expression over the source, canonical SQL; for a windowed
 *     aggregate its argument ({@code CAST(1 AS BIGINT)} for {@code COUNT(*)}), which is what the
 *     warehouse is asked to type
 * @param aggregates per column, the windowed aggregate it computes, if any
 * @param hop the HOP of a windowed view
 */
public record FeatureViewDraft(String name, String entity, String source, List<String> columnNames,
        List<String> expressions, List<Optional<WindowAggregate>> aggregates, Optional<Duration> ttl,
        Optional<Duration> hop, boolean online, String ddl) {
    public FeatureViewDraft {
        requireNonNull(name, "name");
        requireNonNull(entity, "entity");
        requireNonNull(source, "source");
        columnNames = List.copyOf(columnNames);
        expressions = List.copyOf(expressions);
        aggregates = List.copyOf(aggregates);
        requireNonNull(ttl, "ttl");
        requireNonNull(hop, "hop");
        requireNonNull(ddl, "ddl");
        if (aggregates.size() != columnNames.size() || expressions.size() != columnNames.size()) {
            throw new IllegalArgumentException("one expression and one aggregate slot per column");
        }
    }
}
