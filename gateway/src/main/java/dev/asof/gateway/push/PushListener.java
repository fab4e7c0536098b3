package dev.asof.gateway.push;

/** Told of every batch once it is durable, on the ingest thread; must not block for long. */
public interface PushListener {
    /**
     * Called once per batch after the write-ahead log synced it and before its writers are
     * acknowledged, in sequence order. Not called when the log is replayed at startup: state kept
     * elsewhere (online views) is rebuilt from the warehouse, which replay brings up to date first.
     */
    void onDurable(PushedBatch batch);
}
