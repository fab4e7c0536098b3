package dev.asof.spi.online;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An {@link OnlineStore} that passes every call to another one; subclasses override what they
 * observe or change (metrics, fault injection in tests).
 */
public abstract class ForwardingOnlineStore implements OnlineStore {
    private final OnlineStore delegate;

    protected ForwardingOnlineStore(OnlineStore delegate) {
        this.delegate = requireNonNull(delegate, "delegate");
    }

    protected OnlineStore delegate() {
        return delegate;
    }

    @Override
    public String storeName() {
        return delegate.storeName();
    }

    @Override
    public List<byte[]> getAll(List<byte[]> keys) {
        return delegate.getAll(keys);
    }

    @Override
    public <T> List<T> readAll(List<byte[]> keys, ValueReader<T> reader) {
        return delegate.readAll(keys, reader);
    }

    @Override
    public boolean readsInProcess() {
        return delegate.readsInProcess();
    }

    @Override
    public void putAll(List<OnlineRecord> records) {
        delegate.putAll(records);
    }

    @Override
    public List<VersionedValue> getAllVersioned(List<byte[]> keys) {
        return delegate.getAllVersioned(keys);
    }

    @Override
    public boolean[] putAllIfUnchanged(List<ConditionalWrite> writes) {
        return delegate.putAllIfUnchanged(writes);
    }

    @Override
    public void deleteAll(List<byte[]> keys) {
        delegate.deleteAll(keys);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
