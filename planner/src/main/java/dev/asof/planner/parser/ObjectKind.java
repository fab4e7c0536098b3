package dev.asof.planner.parser;

/** The kinds of object kept in the asof registry, as named by DROP and SHOW. */
public enum ObjectKind {
    /** {@code CREATE ENTITY}: the key that feature values are attached to. */
    ENTITY("ENTITY", "ENTITIES"),
    /** {@code CREATE SOURCE}: a warehouse table or file with event-time metadata. */
    SOURCE("SOURCE", "SOURCES"),
    /** {@code CREATE FEATURE VIEW}: features computed from a source, keyed by an entity. */
    FEATURE_VIEW("FEATURE VIEW", "FEATURE VIEWS");

    private final String keyword;
    private final String pluralKeyword;

    ObjectKind(String keyword, String pluralKeyword) {
        this.keyword = keyword;
        this.pluralKeyword = pluralKeyword;
    }

    /** The words naming one object in SQL, e.g. {@code FEATURE VIEW}. */
    public String keyword() {
        return keyword;
    }

    /** The words naming all objects of this kind in SQL, e.g. {@code FEATURE VIEWS}. */
    public String pluralKeyword() {
        return pluralKeyword;
    }
}
