package dev.asof.planner.catalog;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What makes a source a push source: its rows arrive through asof (JDBC INSERT, Flight SQL
 * ingest) rather than being read from a table someone else fills. asof keeps them in a warehouse
 * table of its own, with two columns it manages: {@value #CREATED_TIME} (the gateway's arrival
 * instant, a UTC {@code TIMESTAMP} with microseconds, which is the source's CREATED TIME) and
 * {@value #SEQUENCE} (the row's write-ahead log sequence number, which makes appending exactly
 * once). {@value #CREATED_TIME} is one of the source's columns; {@value #SEQUENCE} is only in the
 * table.
 *
 * @param idempotencyKey a declared column: a row whose value there was already accepted is
 *     acknowledged and not stored again (first arrival wins)
 */
public record Push(Optional<String> idempotencyKey) {
    /** The created-time column asof fills with the arrival instant. */
    public static final String CREATED_TIME = "_created";
    /** The write-ahead log sequence number column of the warehouse table. */
    public static final String SEQUENCE = "_seq";

    public Push {
        requireNonNull(idempotencyKey, "idempotencyKey");
    }
}
