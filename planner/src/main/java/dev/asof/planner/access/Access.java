package dev.asof.planner.access;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.TableName;
import java.util.List;
import java.util.Set;

/**
 * What a statement reads, as the planner resolved it on the parsed tree: the gateway decides from
 * this alone whether a user may run it.
 *
 * @param planned false for a statement asof does not plan (sent to the warehouse as written, e.g.
 *     COPY, ATTACH, DDL on warehouse tables): only admins may run those
 * @param objects registry objects the statement names directly (feature views, sources), by their
 *     registry names; a view's own source is read with the view's rights and is not listed
 * @param tables warehouse tables the statement names, fully qualified as the warehouse lists them
 *     (or as written, when they do not resolve)
 * @param outside what the statement reaches outside registry objects and warehouse tables: table
 *     functions and functions the planner does not know (files, network, settings, other
 *     databases); each entry names the function or construct, for the error message
 */
public record Access(boolean planned, Set<String> objects, Set<TableName> tables, List<String> outside) {
    private static final Access UNPLANNED = new Access(false, Set.of(), Set.of(), List.of());
    private static final Access NOTHING = new Access(true, Set.of(), Set.of(), List.of());

    public Access {
        requireNonNull(objects, "objects");
        requireNonNull(tables, "tables");
        requireNonNull(outside, "outside");
        objects = Set.copyOf(objects);
        tables = Set.copyOf(tables);
        outside = List.copyOf(outside);
    }

    /** A statement asof does not plan: admins only. */
    public static Access unplanned() {
        return UNPLANNED;
    }

    /** A statement that reads nothing (e.g. {@code SELECT 1}). */
    public static Access nothing() {
        return NOTHING;
    }
}
