package dev.asof.planner.parser;

/** What a grant allows, as GRANT and REVOKE name it. */
public enum Privilege {
    /** Read a feature view, a source or a warehouse table: in queries, lookups, EXPLAIN, DESCRIBE and listings. */
    SELECT,
    /** Run MATERIALIZE on a feature view. */
    MATERIALIZE,
    /** Push rows into a push source: {@code INSERT INTO source}, Flight SQL ingest. */
    INSERT,
    /** Create, alter and drop definitions (entities, sources over tables, feature views). */
    CREATE,
    /** Everything, including users, roles and grants (the user's admin flag). */
    ADMIN;

    /** Whether the privilege is on one object ({@code ON ...}) rather than global. */
    public boolean onObject() {
        return this == SELECT || this == MATERIALIZE || this == INSERT;
    }
}
