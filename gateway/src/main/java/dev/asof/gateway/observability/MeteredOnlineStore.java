package dev.asof.gateway.observability;

import dev.asof.spi.online.ConditionalWrite;
import dev.asof.spi.online.ForwardingOnlineStore;
import dev.asof.spi.online.OnlineRecord;
import dev.asof.spi.online.OnlineStore;
import dev.asof.spi.online.VersionedValue;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * Times every online store call: {@value #DURATION}{@code {store, operation}} (operation
 * {@code get}, {@code put} or {@code delete}; a call is one round trip of a batch) and counts
 * failed ones in {@value #ERRORS}. The meters are resolved once, here.
 */
public final class MeteredOnlineStore extends ForwardingOnlineStore {
    private static final String NAME = "asof.online.store";
    public static final String DURATION = NAME + ".duration";
    public static final String ERRORS = NAME + ".errors";
    private static final String DESCRIPTION = "Online store calls (one batched round trip each)";

    private final TimedCalls get;
    private final TimedCalls put;
    private final TimedCalls delete;

    public MeteredOnlineStore(OnlineStore delegate, MeterRegistry registry) {
        super(delegate);
        String store = delegate.storeName();
        this.get = TimedCalls.register(registry, NAME, DESCRIPTION, "store", store, "operation", "get");
        this.put = TimedCalls.register(registry, NAME, DESCRIPTION, "store", store, "operation", "put");
        this.delete = TimedCalls.register(registry, NAME, DESCRIPTION, "store", store, "operation", "delete");
    }

    @Override
    public List<byte[]> getAll(List<byte[]> keys) {
        return get.time(() -> super.getAll(keys));
    }

    @Override
    public <T> List<T> readAll(List<byte[]> keys, ValueReader<T> reader) {
        // The store's time only: what the caller's reader spends decoding values is not the store's.
        long[] inReader = new long[1];
        return get.time(() -> super.readAll(keys, (index, value) -> {
            long start = System.nanoTime();
            try {
                return reader.read(index, value);
            } finally {
                inReader[0] += System.nanoTime() - start;
            }
        }), () -> inReader[0]);
    }

    @Override
    public void putAll(List<OnlineRecord> records) {
        put.time(() -> {
            super.putAll(records);
            return null;
        });
    }

    @Override
    public List<VersionedValue> getAllVersioned(List<byte[]> keys) {
        return get.time(() -> super.getAllVersioned(keys));
    }

    @Override
    public boolean[] putAllIfUnchanged(List<ConditionalWrite> writes) {
        return put.time(() -> super.putAllIfUnchanged(writes));
    }

    @Override
    public void deleteAll(List<byte[]> keys) {
        delete.time(() -> {
            super.deleteAll(keys);
            return null;
        });
    }
}
