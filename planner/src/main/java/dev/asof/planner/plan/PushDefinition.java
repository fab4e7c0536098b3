package dev.asof.planner.plan;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.ColumnMetadata;
import java.util.List;
import java.util.Optional;

/**
 * The declared shape of a push source ({@code CREATE SOURCE name (...) EVENT TIME col PUSH}),
 * checked by the planner: the gateway creates the source's warehouse table from it.
 *
 * @param columns the declared columns in order (names as written, types as the planner maps them)
 * @param idempotencyKey the declared column that de-duplicates rows, if any (name as declared)
 */
public record PushDefinition(List<ColumnMetadata> columns, Optional<String> idempotencyKey) {
    public PushDefinition {
        columns = List.copyOf(columns);
        requireNonNull(idempotencyKey, "idempotencyKey");
    }
}
