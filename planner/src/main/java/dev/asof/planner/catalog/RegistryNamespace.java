package dev.asof.planner.catalog;

import java.util.List;
import java.util.Optional;

/**
 * Where registry objects (entities, sources, feature views) live for clients that browse by
 * catalog and schema: catalog {@value #CATALOG}, schema {@value #SCHEMA}, one schema for every
 * kind (names are unique across kinds; a listing's table type tells them apart). Queries name an
 * object either bare ({@code customer_profile}) or qualified ({@code registry.features.customer_profile}),
 * which is what a BI tool generates from the listing; a warehouse catalog called {@value #CATALOG}
 * is therefore shadowed for the schema {@value #SCHEMA}.
 */
public final class RegistryNamespace {
    /** The catalog that holds registry objects in metadata listings. */
    public static final String CATALOG = "registry";
    /** The schema that holds registry objects in metadata listings. */
    public static final String SCHEMA = "features";

    private RegistryNamespace() {}

    /** Whether {@code catalog} and {@code schema} are the registry's (ignoring case). */
    public static boolean isRegistry(String catalog, String schema) {
        return CATALOG.equalsIgnoreCase(catalog) && SCHEMA.equalsIgnoreCase(schema);
    }

    /**
     * The names after the registry's catalog and schema when {@code names} starts with them and
     * the next name is an object of {@code catalog}; else empty. {@code [registry, features,
     * customer_profile, segment]} gives {@code [customer_profile, segment]}.
     */
    public static Optional<List<String>> unqualified(List<String> names, Catalog catalog) {
        if (names.size() < 3 || !isRegistry(names.get(0), names.get(1)) || catalog.object(names.get(2)).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(List.copyOf(names.subList(2, names.size())));
    }
}
