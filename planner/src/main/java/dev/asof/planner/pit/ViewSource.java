package dev.asof.planner.pit;

import static dev.asof.planner.sql.Nodes.POS;
import static java.util.Objects.requireNonNull;

import dev.asof.planner.catalog.Entity;
import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.catalog.SourceLocation;
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.planner.sql.Expressions;
import dev.asof.planner.sql.Nodes;
import dev.asof.planner.validate.SqlTypes;
import dev.asof.spi.ColumnMetadata;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

/**
 * A feature view with its entity and source, and the pieces of SQL every view relation needs:
 * the source relation, key expressions in the key types, the probe-key semi-join.
 */
record ViewSource(EngineDialect dialect, FeatureView view, Entity entity, Source source) {
    /** Column of a probe query holding the probe time. */
    static final String PROBE_TIME = "__t";

    ViewSource {
        requireNonNull(dialect, "dialect");
        requireNonNull(view, "view");
        requireNonNull(entity, "entity");
        requireNonNull(source, "source");
    }

    /** Aliases of the key columns in probe queries: {@code __k0 .. __kn}. */
    List<String> keyAliases() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < entity.keys().size(); i++) {
            keys.add("__k" + i);
        }
        return keys;
    }

    /** The source's expression for the i-th entity key, as the view defines it (uncast). */
    SqlNode rawKey(int i) {
        return Expressions.parse(keyFeature(entity.keys().get(i).name()).expression());
    }

    /** The source's expression for the i-th entity key, in the key's type. */
    SqlNode key(int i) {
        return Nodes.cast(rawKey(i), SqlTypes.sqlTypeName(entity.keys().get(i).jdbcType()));
    }

    /** The source's expression for one entity key column, in the key's type. */
    SqlNode sourceKey(String keyColumn) {
        for (int i = 0; i < entity.keys().size(); i++) {
            if (entity.keys().get(i).name().equalsIgnoreCase(keyColumn)) {
                return key(i);
            }
        }
        throw new IllegalArgumentException("not a key of " + entity.name() + ": " + keyColumn);
    }

    /** Type of a source column as the warehouse reported it ({@code TIMESTAMP} if unknown). */
    JDBCType columnType(String column) {
        return source.column(column).map(ColumnMetadata::jdbcType).orElse(JDBCType.TIMESTAMP);
    }

    /**
     * The types of the times a plan compares: the source's event and created times and
     * {@code spineType}, the type of the times it compares them with ({@link EngineDialect#instant(SqlNode,
     * JDBCType, Set)}).
     */
    Set<JDBCType> timeTypes(JDBCType spineType) {
        Set<JDBCType> types = EnumSet.of(spineType, columnType(source.eventTime()));
        source.createdTime().ifPresent(c -> types.add(columnType(c)));
        return types;
    }

    /** The source's event time as an instant, in a plan comparing times of the types {@code together}. */
    SqlNode eventInstant(Set<JDBCType> together) {
        return dialect.instant(Nodes.id(source.eventTime()), columnType(source.eventTime()), together);
    }

    /**
     * The instant a source row becomes visible: its event time, or its created time when that is
     * later.
     */
    SqlNode visibleInstant() {
        return visibleInstant(Set.of());
    }

    /** {@link #visibleInstant()} in a plan comparing times of the types {@code together}. */
    SqlNode visibleInstant(Set<JDBCType> together) {
        SqlNode e = eventInstant(together);
        return createdInstant(together).<SqlNode>map(c -> SqlLibraryOperators.GREATEST.createCall(POS, e, c)).orElse(e);
    }

    /** The source's created time as an instant, NULL counting as the event time; empty when it has none. */
    Optional<SqlNode> createdInstant() {
        return createdInstant(Set.of());
    }

    /** {@link #createdInstant()} in a plan comparing times of the types {@code together}. */
    Optional<SqlNode> createdInstant(Set<JDBCType> together) {
        if (source.createdTime().isEmpty()) {
            return Optional.empty();
        }
        String c = source.createdTime().get();
        // A NULL created time counts as the event time: known as soon as it happened.
        return Optional.of(SqlStdOperatorTable.COALESCE.createCall(POS,
                dialect.instant(Nodes.id(c), columnType(c), together), eventInstant(together)));
    }

    SqlNode relation() {
        return Nodes.relation(source.location(), dialect);
    }

    /**
     * Probe query for "every key that has a source row", all at the same time {@code t}.
     *
     * @param keyFilters conditions over {@link #sourceKey} expressions that probe keys must meet
     */
    SqlNode allKeysAt(SqlNode t, List<SqlNode> keyFilters) {
        List<String> keys = keyAliases();
        List<SqlNode> items = new ArrayList<>();
        List<SqlNode> where = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            items.add(Nodes.as(key(i), keys.get(i)));
            where.add(Nodes.isNotNull(rawKey(i)));
        }
        items.add(Nodes.as(t, PROBE_TIME));
        where.addAll(keyFilters);
        return Nodes.select(items, Nodes.as(relation(), "__src"), Nodes.and(where), true);
    }

    /**
     * {@code EXISTS (SELECT 1 FROM probes WHERE keys match the source row's)}: a semi-join, so it
     * never multiplies rows. A selective spine (one customer) then reads a few source rows
     * instead of all of them.
     */
    SqlNode probeKeysExist(SqlNode probes) {
        List<String> keys = keyAliases();
        List<SqlNode> match = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            match.add(Nodes.eq(Nodes.id("__pk", keys.get(i)), key(i)));
        }
        SqlNode probeKeys = Nodes.select(List.of(Nodes.number(1)), Nodes.as(probes, "__pk"), Nodes.and(match), false);
        return SqlStdOperatorTable.EXISTS.createCall(POS, probeKeys);
    }

    /** Index of an entity key column, or -1. */
    int keyIndex(String column) {
        for (int i = 0; i < entity.keys().size(); i++) {
            if (entity.keys().get(i).name().equalsIgnoreCase(column)) {
                return i;
            }
        }
        return -1;
    }

    /** The view's non-key features, in definition order. */
    List<Feature> nonKeyFeatures() {
        return view.features().stream().filter(f -> keyIndex(f.name()) < 0).toList();
    }

    private Feature keyFeature(String key) {
        return view.features().stream()
                .filter(f -> f.name().equalsIgnoreCase(key))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("view " + view.name() + " lacks key " + key));
    }
}
