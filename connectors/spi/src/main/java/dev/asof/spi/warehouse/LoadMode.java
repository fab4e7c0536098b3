package dev.asof.spi.warehouse;

/** What {@link WarehouseConnector#bulkLoad} does when the target table exists or not. */
public enum LoadMode {
    /** Create the table; fail if it exists. */
    CREATE,
    /** Append to the existing table; fail if it does not exist. */
    APPEND,
    /** Create the table, or append when it exists. */
    CREATE_OR_APPEND,
    /** Replace the table (drop and create) or create it. */
    REPLACE
}
