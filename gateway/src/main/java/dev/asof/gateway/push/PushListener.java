package dev.asof.gateway.push;

/** Told of every batch once it is durable, on the ingest thread; must not block for long. */
public interface PushListener {
    void onDurable(PushedBatch batch);
}
