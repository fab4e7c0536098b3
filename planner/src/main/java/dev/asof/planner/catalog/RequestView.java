package dev.asof.planner.catalog;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.ColumnMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A request-time view: features computed per lookup from one stored feature view's values and
 * values that come with the request. It stores nothing; a query that reads it reads
 * {@code view} with each feature's expression in place of its name.
 *
 * <p>At time T, for key k and request values r, its features are its expressions over the row of
 * {@code view} for k at T and r. The request values come from the query: {@code column = value}
 * conjuncts of its WHERE clause (an online lookup), or the columns of the same names of the spine
 * it is joined {@code AS OF} (an extract).
 *
 * @param entity the entity of {@code view}, whose keys this view is keyed by
 * @param view the stored feature view read
 * @param keys the entity's key columns, typed as {@code view} types them
 * @param request the request columns, with their declared types
 * @param features the computed columns: expressions over {@code view}'s columns and the request
 *     columns (canonical SQL), typed as the gateway evaluates them
 * @param online whether ONLINE was declared: its lookups were checked at CREATE to be evaluated
 *     in the gateway over the online store
 */
public record RequestView(
        String name,
        String entity,
        String view,
        List<ColumnMetadata> keys,
        List<ColumnMetadata> request,
        List<Feature> features,
        boolean online,
        String ddl)
        implements CatalogObject {
    public RequestView {
        requireNonNull(name, "name");
        requireNonNull(entity, "entity");
        requireNonNull(view, "view");
        keys = List.copyOf(keys);
        request = List.copyOf(request);
        features = List.copyOf(features);
        requireNonNull(ddl, "ddl");
    }

    /** The request column of that name, ignoring case. */
    public Optional<ColumnMetadata> requestColumn(String column) {
        return request.stream().filter(c -> c.name().equalsIgnoreCase(column)).findFirst();
    }

    /** The computed feature of that name, ignoring case. */
    public Optional<Feature> feature(String column) {
        return features.stream().filter(f -> f.name().equalsIgnoreCase(column)).findFirst();
    }

    /** Whether {@code column} is a key column. */
    public boolean isKey(String column) {
        return keys.stream().anyMatch(k -> k.name().equalsIgnoreCase(column));
    }

    /** The keys, then the request columns, then the features. */
    @Override
    public List<ColumnMetadata> columns() {
        List<ColumnMetadata> columns = new ArrayList<>(keys);
        columns.addAll(request);
        features.forEach(f -> columns.add(f.type()));
        return columns;
    }

    @Override
    public String tableType() {
        return "FEATURE VIEW";
    }
}
