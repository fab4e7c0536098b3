package dev.asof.planner.catalog;

import dev.asof.spi.ColumnMetadata;
import java.util.List;

/** A definition kept in the registry: an entity, a source, a feature view or a request-time view. */
public sealed interface CatalogObject permits Entity, Source, FeatureView, RequestView {
    /** Name as the user wrote it at CREATE; lookups ignore case. */
    String name();

    /** The canonical CREATE statement, as DESCRIBE and SHOW print it. */
    String ddl();

    /** Columns as JDBC metadata and DESCRIBE show them. */
    List<ColumnMetadata> columns();

    /** {@code ENTITY}, {@code SOURCE} or {@code FEATURE VIEW}: the JDBC table type. */
    String tableType();
}
