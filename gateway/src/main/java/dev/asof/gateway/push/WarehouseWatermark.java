package dev.asof.gateway.push;

import java.time.Instant;

/**
 * How far a push source's durable rows have reached the warehouse. Rebuilding an online view
 * from the warehouse as of T is exact only once every row with created time at or before T is
 * in the warehouse table, so the rebuild waits until {@link #appendedThrough} reaches T.
 */
@FunctionalInterface
public interface WarehouseWatermark {
    /** Rows appended before the listener is told of them: every durable row is in the warehouse. */
    WarehouseWatermark SYNCHRONOUS = source -> Instant.MAX;

    /**
     * An instant T such that every durable row of {@code source} whose created time is at or
     * before T is in the warehouse (UTC, microsecond precision).
     */
    Instant appendedThrough(String source);
}
