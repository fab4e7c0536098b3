package dev.asof.gateway.observability;

import dev.asof.spi.online.ForwardingOnlineStore;
import dev.asof.spi.online.OnlineRecord;
import dev.asof.spi.online.OnlineStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Times every online store call: {@value #DURATION}{@code {store, operation}} (operation
 * {@code get}, {@code put} or {@code delete}; a call is one round trip of a batch) and counts
 * failed ones in {@value #ERRORS}. The meters are resolved once, here.
 */
public final class MeteredOnlineStore extends ForwardingOnlineStore {
    public static final String DURATION = "asof.online.store.duration";
    public static final String ERRORS = "asof.online.store.errors";

    private final Timer get;
    private final Timer put;
    private final Timer delete;
    private final Counter getErrors;
    private final Counter putErrors;
    private final Counter deleteErrors;

    public MeteredOnlineStore(OnlineStore delegate, MeterRegistry registry) {
        super(delegate);
        String store = delegate.storeName();
        this.get = timer(registry, store, "get");
        this.put = timer(registry, store, "put");
        this.delete = timer(registry, store, "delete");
        this.getErrors = errors(registry, store, "get");
        this.putErrors = errors(registry, store, "put");
        this.deleteErrors = errors(registry, store, "delete");
    }

    private static Timer timer(MeterRegistry registry, String store, String operation) {
        return Timer.builder(DURATION).description("Online store calls (one batched round trip each)")
                .tag("store", store).tag("operation", operation)
                .serviceLevelObjectives(MetricBuckets.LATENCY).register(registry);
    }

    private static Counter errors(MeterRegistry registry, String store, String operation) {
        return Counter.builder(ERRORS).description("Online store calls that failed or timed out")
                .tag("store", store).tag("operation", operation).register(registry);
    }

    @Override
    public List<byte[]> getAll(List<byte[]> keys) {
        long start = System.nanoTime();
        try {
            return super.getAll(keys);
        } catch (RuntimeException e) {
            getErrors.increment();
            throw e;
        } finally {
            get.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void putAll(List<OnlineRecord> records) {
        long start = System.nanoTime();
        try {
            super.putAll(records);
        } catch (RuntimeException e) {
            putErrors.increment();
            throw e;
        } finally {
            put.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void deleteAll(List<byte[]> keys) {
        long start = System.nanoTime();
        try {
            super.deleteAll(keys);
        } catch (RuntimeException e) {
            deleteErrors.increment();
            throw e;
        } finally {
            delete.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }
}
