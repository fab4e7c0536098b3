package dev.asof.connector.aerospike;

import static java.util.Objects.requireNonNull;

import com.aerospike.client.AerospikeClient;
import com.aerospike.client.AerospikeException;
import com.aerospike.client.BatchDelete;
import com.aerospike.client.BatchRecord;
import com.aerospike.client.BatchWrite;
import com.aerospike.client.Bin;
import com.aerospike.client.Host;
import com.aerospike.client.Key;
import com.aerospike.client.Operation;
import com.aerospike.client.Record;
import com.aerospike.client.ResultCode;
import com.aerospike.client.policy.BatchDeletePolicy;
import com.aerospike.client.policy.BatchPolicy;
import com.aerospike.client.policy.BatchWritePolicy;
import com.aerospike.client.policy.ClientPolicy;
import com.aerospike.client.policy.GenerationPolicy;
import com.aerospike.client.policy.RecordExistsAction;
import dev.asof.connector.aerospike.AerospikeSettings.SeedHost;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.online.ConditionalWrite;
import dev.asof.spi.online.OnlineRecord;
import dev.asof.spi.online.OnlineStore;
import dev.asof.spi.online.VersionedValue;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * {@link OnlineStore} on an Aerospike cluster, through the official Java client: one Aerospike
 * record per key ({@code new Key(namespace, set, keyBytes)}, so the server sees only the key's
 * digest), the value in one bytes bin.
 *
 * <ul>
 *   <li>{@link #getAll} is one batch read per chunk of {@code maxRecordsPerBatch} keys: one round
 *       trip to each node that owns some of the keys, all nodes in parallel.
 *   <li>{@link #putAll} is one batch write per chunk (whole-record replace), also one round trip
 *       per node. The TTL is the time to {@code expiresAt} in whole seconds, rounded up; a record
 *       that has already expired is deleted in the same batch instead; no expiry is TTL -1 (never).
 *       Expiries more than ten years away (Aerospike's largest TTL) are written without a TTL.
 *       Positive TTLs need the namespace to allow them (a non-zero {@code nsup-period}); a server
 *       that refuses them fails the write with a message saying so.
 *   <li>{@link #deleteAll} is one batch delete per chunk.
 *   <li>{@link #getAllVersioned} reads the records' generations with their values;
 *       {@link #putAllIfUnchanged} writes each record with a generation check (or create-only
 *       where there was none), one batch per chunk, retried as other writes. A record refused
 *       after an attempt that may have been applied (the client's "in doubt") fails the call:
 *       reporting it as changed by another writer would make its caller apply its change twice.
 *       Generations count in 16 bits on the server, so a record rewritten 65,536 times between a
 *       read and the write would pass the check: far beyond one read-modify-write.
 * </ul>
 *
 * <p>Opening never fails because the cluster is down: the client is created without waiting for
 * a node ({@code failIfNotConnected=false}), each call then fails with a
 * {@link ConnectorException} until a seed answers, and the client keeps tending its seeds every
 * {@code tendInterval}, so calls succeed again after the cluster comes back, without reopening
 * the store. The first calls after a node restarts may still fail once on connections the node
 * closed. Failures never set {@link ConnectorException#cancelled()}: a timeout here is the store's,
 * and its message says so.
 */
public final class AerospikeOnlineStore implements OnlineStore {
    /** Aerospike's largest TTL (ten years); later expiries are written without one. */
    static final long MAX_TTL_SECONDS = 315_360_000L;
    /** Keeps one batch request well below the server's message limits when values are large. */
    private static final long MAX_BATCH_BYTES = 8L << 20;

    private final AerospikeSettings settings;
    private final AerospikeClient client;
    private final InstantSource clock;
    private final BatchPolicy readPolicy;
    private final BatchPolicy writePolicy;
    private final BatchDeletePolicy deletePolicy;
    private final BatchWritePolicy writeNeverExpiring;
    private volatile boolean closed;

    private AerospikeOnlineStore(AerospikeSettings settings, AerospikeClient client, InstantSource clock) {
        this.settings = settings;
        this.client = client;
        this.clock = clock;
        this.readPolicy = batchPolicy(settings);
        // Retrying a batch write is safe: every write replaces the whole record with the same bytes.
        this.writePolicy = batchPolicy(settings);
        this.deletePolicy = new BatchDeletePolicy();
        this.writeNeverExpiring = writeExpiringIn(-1);
    }

    /**
     * Creates the client for the cluster. Does not wait for the cluster: see the class comment.
     *
     * @throws ConnectorException only if the client cannot be created at all
     */
    public static AerospikeOnlineStore open(AerospikeSettings settings) {
        return open(settings, InstantSource.system());
    }

    /** As {@link #open(AerospikeSettings)}, with the clock that turns expiries into TTLs (tests). */
    static AerospikeOnlineStore open(AerospikeSettings settings, InstantSource clock) {
        requireNonNull(settings, "settings");
        requireNonNull(clock, "clock");
        ClientPolicy policy = new ClientPolicy();
        policy.failIfNotConnected = false;
        policy.timeout = millis(settings.connectTimeout());
        policy.tendInterval = millis(settings.tendInterval());
        policy.maxConnsPerNode = settings.maxConnectionsPerNode();
        policy.minConnsPerNode = 0;
        Host[] hosts = settings.seeds().stream().map(seed -> new Host(seed.host(), seed.port())).toArray(Host[]::new);
        try {
            return new AerospikeOnlineStore(settings, new AerospikeClient(policy, hosts), clock);
        }
        catch (AerospikeException e) {
            throw new ConnectorException("aerospike: cannot create a client for " + seeds(settings) + ": " + e.getBaseMessage(), e);
        }
    }

    @Override
    public String storeName() {
        return "aerospike";
    }

    public AerospikeSettings settings() {
        return settings;
    }

    /** Whether the client currently knows a live node (for health checks; calls may still fail). */
    public boolean isConnected() {
        return !closed && client.isConnected();
    }

    @Override
    public List<byte[]> getAll(List<byte[]> keys) {
        return read(keys, (record, value) -> value);
    }

    /** Reads {@code keys} in batches of at most the configured size; {@code as} makes each answer. */
    private <T> List<T> read(List<byte[]> keys, BiFunction<Record, byte[], T> as) {
        requireNonNull(keys, "keys");
        checkOpen("reading");
        List<T> values = new ArrayList<>(keys.size());
        for (int start = 0; start < keys.size(); start += settings.maxRecordsPerBatch()) {
            List<byte[]> chunk = keys.subList(start, Math.min(keys.size(), start + settings.maxRecordsPerBatch()));
            Key[] batch = chunk.stream().map(this::key).toArray(Key[]::new);
            String what = "reading " + batch.length + " record(s) from " + settings.location();
            Record[] records;
            try {
                records = client.get(readPolicy, batch, settings.binName());
            }
            catch (AerospikeException e) {
                throw failure(what, e);
            }
            for (Record record : records) {
                values.add(as.apply(record, value(record, what)));
            }
        }
        return values;
    }

    @Override
    public void putAll(List<OnlineRecord> records) {
        requireNonNull(records, "records");
        checkOpen("writing");
        // The last occurrence of a key wins, as the SPI says; a batch with the same key twice
        // would leave the order to the server.
        Map<ByteBuffer, OnlineRecord> latest = new LinkedHashMap<>();
        for (OnlineRecord record : records) {
            latest.put(ByteBuffer.wrap(record.key()), record);
        }
        Instant now = clock.instant();
        Map<Long, BatchWritePolicy> policiesByTtl = new HashMap<>();
        List<BatchRecord> batch = new ArrayList<>();
        long batchBytes = 0;
        for (OnlineRecord record : latest.values()) {
            Key key = key(record.key());
            long ttl = ttlSeconds(record.expiresAt(), now);
            if (ttl == 0) {
                batch.add(new BatchDelete(deletePolicy, key));
            }
            else {
                BatchWritePolicy policy = ttl < 0 ? writeNeverExpiring : policiesByTtl.computeIfAbsent(ttl, AerospikeOnlineStore::writeExpiringIn);
                batch.add(new BatchWrite(policy, key, new Operation[] {Operation.put(new Bin(settings.binName(), record.value()))}));
            }
            batchBytes += record.key().length + record.value().length;
            if (batch.size() >= settings.maxRecordsPerBatch() || batchBytes >= MAX_BATCH_BYTES) {
                operate(batch, "writing");
                batch = new ArrayList<>();
                batchBytes = 0;
            }
        }
        operate(batch, "writing");
    }

    @Override
    public List<VersionedValue> getAllVersioned(List<byte[]> keys) {
        return read(keys, (record, value) ->
                value == null ? VersionedValue.absent() : new VersionedValue(value, record.generation));
    }

    @Override
    public boolean[] putAllIfUnchanged(List<ConditionalWrite> writes) {
        requireNonNull(writes, "writes");
        checkOpen("writing");
        boolean[] written = new boolean[writes.size()];
        Instant now = clock.instant();
        List<BatchRecord> batch = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        long batchBytes = 0;
        for (int i = 0; i < writes.size(); i++) {
            ConditionalWrite write = writes.get(i);
            OnlineRecord record = write.record();
            long ttl = ttlSeconds(record.expiresAt(), now);
            boolean absent = write.expectedVersion() == VersionedValue.ABSENT;
            if (ttl == 0 && absent) {
                written[i] = true; // already as asked: no record
                continue;
            }
            Key key = key(record.key());
            if (ttl == 0) {
                BatchDeletePolicy policy = new BatchDeletePolicy();
                policy.generationPolicy = GenerationPolicy.EXPECT_GEN_EQUAL;
                policy.generation = Math.toIntExact(write.expectedVersion());
                batch.add(new BatchDelete(policy, key));
            }
            else {
                BatchWritePolicy policy = writeExpiringIn(ttl);
                if (absent) {
                    policy.recordExistsAction = RecordExistsAction.CREATE_ONLY;
                }
                else {
                    // Replace only: a record that vanished since it was read (expired) is read again.
                    policy.recordExistsAction = RecordExistsAction.REPLACE_ONLY;
                    policy.generationPolicy = GenerationPolicy.EXPECT_GEN_EQUAL;
                    policy.generation = Math.toIntExact(write.expectedVersion());
                }
                batch.add(new BatchWrite(policy, key, new Operation[] {Operation.put(new Bin(settings.binName(), record.value()))}));
            }
            positions.add(i);
            batchBytes += record.key().length + record.value().length;
            if (batch.size() >= settings.maxRecordsPerBatch() || batchBytes >= MAX_BATCH_BYTES) {
                operateConditional(batch, positions, written);
                batch = new ArrayList<>();
                positions = new ArrayList<>();
                batchBytes = 0;
            }
        }
        operateConditional(batch, positions, written);
        return written;
    }

    private void operateConditional(List<BatchRecord> batch, List<Integer> positions, boolean[] written) {
        if (batch.isEmpty()) {
            return;
        }
        String what = "writing " + batch.size() + " record(s) conditionally to " + settings.location();
        try {
            client.operate(writePolicy, batch);
        }
        catch (AerospikeException e) {
            throw failure(what, e);
        }
        Map<Integer, Long> errors = new HashMap<>();
        int inDoubt = 0;
        for (int j = 0; j < batch.size(); j++) {
            BatchRecord record = batch.get(j);
            if (record.resultCode != ResultCode.OK && record.inDoubt) {
                inDoubt++; // refused by the server, maybe because an earlier attempt of ours was applied
                continue;
            }
            switch (record.resultCode) {
                case ResultCode.OK -> written[positions.get(j)] = true;
                // Changed, created or deleted since it was read: the caller reads it again.
                case ResultCode.GENERATION_ERROR, ResultCode.KEY_EXISTS_ERROR, ResultCode.KEY_NOT_FOUND_ERROR ->
                        written[positions.get(j)] = false;
                default -> errors.merge(record.resultCode, 1L, Long::sum);
            }
        }
        if (inDoubt > 0) {
            throw new ConnectorException("aerospike: %s: %s record(s) may or may not have been written (an attempt timed out)"
                    .formatted(what, inDoubt), null);
        }
        if (!errors.isEmpty()) {
            String detail = errors.entrySet().stream()
                    .map(entry -> "%s x error %s (%s)".formatted(entry.getValue(), entry.getKey(), ResultCode.getResultString(entry.getKey())))
                    .collect(Collectors.joining(", "));
            throw new ConnectorException("aerospike: %s failed: %s".formatted(what, detail), null);
        }
    }

    @Override
    public void deleteAll(List<byte[]> keys) {
        requireNonNull(keys, "keys");
        checkOpen("deleting");
        for (int start = 0; start < keys.size(); start += settings.maxRecordsPerBatch()) {
            List<BatchRecord> batch = new ArrayList<>();
            for (byte[] key : keys.subList(start, Math.min(keys.size(), start + settings.maxRecordsPerBatch()))) {
                batch.add(new BatchDelete(deletePolicy, key(key)));
            }
            operate(batch, "deleting");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        client.close();
    }

    @Override
    public String toString() {
        return "aerospike:" + seeds(settings) + "/" + settings.location();
    }

    /**
     * The TTL for a record expiring at {@code expiresAt}: -1 for never, 0 for already expired
     * (delete it), else the seconds to the expiry rounded up, so the server never drops a record
     * before it.
     */
    static long ttlSeconds(Optional<Instant> expiresAt, Instant now) {
        if (expiresAt.isEmpty()) {
            return -1;
        }
        if (!expiresAt.get().isAfter(now)) {
            return 0;
        }
        Duration left = Duration.between(now, expiresAt.get());
        long seconds = left.getSeconds() + (left.getNano() > 0 ? 1 : 0);
        return seconds > MAX_TTL_SECONDS ? -1 : seconds;
    }

    private void operate(List<BatchRecord> batch, String verb) {
        if (batch.isEmpty()) {
            return;
        }
        String what = verb + " " + batch.size() + " record(s) " + (verb.equals("writing") ? "to " : "in ") + settings.location();
        boolean allOk;
        try {
            allOk = client.operate(writePolicy, batch);
        }
        catch (AerospikeException e) {
            throw failure(what, e);
        }
        if (allOk) {
            return;
        }
        // Per-record results: deleting a missing record is fine, anything else fails the call.
        List<BatchRecord> failed = batch.stream()
                .filter(record -> record.resultCode != ResultCode.OK
                        && !(record instanceof BatchDelete && record.resultCode == ResultCode.KEY_NOT_FOUND_ERROR))
                .toList();
        if (failed.isEmpty()) {
            return;
        }
        Map<Integer, Long> counts = failed.stream().collect(Collectors.groupingBy(record -> record.resultCode, Collectors.counting()));
        String errors = counts.entrySet().stream()
                .map(entry -> "%s x error %s (%s)".formatted(entry.getValue(), entry.getKey(), ResultCode.getResultString(entry.getKey())))
                .collect(Collectors.joining(", "));
        String hint = counts.containsKey(ResultCode.FAIL_FORBIDDEN)
                ? "; a forbidden TTL means namespace " + settings.namespace() + " needs a non-zero nsup-period"
                : "";
        throw new ConnectorException("aerospike: %s failed for %s of them: %s%s".formatted(what, failed.size(), errors, hint), null);
    }

    private byte[] value(Record record, String what) {
        if (record == null || record.bins == null) {
            return null;
        }
        Object value = record.bins.get(settings.binName());
        if (value == null || value instanceof byte[]) {
            return (byte[]) value;
        }
        throw new ConnectorException("aerospike: %s: bin '%s' holds a %s, not bytes; is another application writing to this set?"
                .formatted(what, settings.binName(), value.getClass().getSimpleName()), null);
    }

    private Key key(byte[] key) {
        return new Key(settings.namespace(), settings.set(), requireNonNull(key, "key"));
    }

    private void checkOpen(String verb) {
        if (closed) {
            throw new ConnectorException("aerospike: store for %s at %s is closed (%s)".formatted(settings.location(), seeds(settings), verb), null);
        }
    }

    /** One message that says what failed, in the store's terms rather than the client's codes. */
    private ConnectorException failure(String what, AerospikeException e) {
        AerospikeException cause = e;
        // Batch reads wrap the failure that stopped them.
        while ((cause instanceof AerospikeException.BatchRecords || cause instanceof AerospikeException.BatchRecordArray)
                && cause.getCause() instanceof AerospikeException inner) {
            cause = inner;
        }
        String message;
        if (closed) {
            message = "store was closed while %s".formatted(what);
        }
        else if (cause.getResultCode() == ResultCode.TIMEOUT) {
            message = "timeout after %s ms (%s retries) %s".formatted(millis(settings.totalTimeout()), settings.maxRetries(), what);
        }
        else if (cause instanceof AerospikeException.Connection
                || cause instanceof AerospikeException.InvalidNode
                || cause instanceof AerospikeException.Backoff
                || cause.getResultCode() == ResultCode.SERVER_NOT_AVAILABLE
                || (cause instanceof AerospikeException.InvalidNamespace && client.getNodes().length == 0)) {
            message = "cluster at %s is not reachable %s (%s)".formatted(seeds(settings), what, detail(cause));
        }
        else if (cause instanceof AerospikeException.InvalidNamespace) {
            message = "namespace '%s' does not exist on the cluster at %s (%s)".formatted(settings.namespace(), seeds(settings), what);
        }
        else {
            message = "error %s (%s) %s: %s".formatted(cause.getResultCode(), ResultCode.getResultString(cause.getResultCode()), what, detail(cause));
        }
        return new ConnectorException("aerospike: " + message, e);
    }

    /** The client's message, with the socket error under it ("Connection failed: Connection refused"). */
    private static String detail(AerospikeException e) {
        String base = e.getBaseMessage();
        Throwable cause = e.getCause();
        return cause != null && cause.getMessage() != null && !(cause instanceof AerospikeException) ? base + ": " + cause.getMessage() : base;
    }

    private static BatchPolicy batchPolicy(AerospikeSettings settings) {
        BatchPolicy policy = new BatchPolicy();
        // Commands connect within their own timeouts (0 = use socket/total timeout).
        policy.connectTimeout = 0;
        policy.socketTimeout = millis(settings.socketTimeout());
        policy.totalTimeout = millis(settings.totalTimeout());
        policy.maxRetries = settings.maxRetries();
        policy.sleepBetweenRetries = 0;
        // 0 = one thread per node in parallel; a batch for one node runs in the calling thread.
        policy.maxConcurrentThreads = 0;
        return policy;
    }

    private static BatchWritePolicy writeExpiringIn(long ttlSeconds) {
        BatchWritePolicy policy = new BatchWritePolicy();
        policy.recordExistsAction = RecordExistsAction.REPLACE;
        policy.expiration = (int) ttlSeconds;
        return policy;
    }

    private static String seeds(AerospikeSettings settings) {
        return settings.seeds().stream().map(SeedHost::toString).collect(Collectors.joining(","));
    }

    private static int millis(Duration duration) {
        return Math.toIntExact(duration.toMillis());
    }
}
