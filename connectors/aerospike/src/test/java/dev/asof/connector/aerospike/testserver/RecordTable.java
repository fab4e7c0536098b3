package dev.asof.connector.aerospike.testserver;

import static dev.asof.connector.aerospike.testserver.AsMessage.INFO1_GET_ALL;
import static dev.asof.connector.aerospike.testserver.AsMessage.INFO1_NOBINDATA;
import static dev.asof.connector.aerospike.testserver.AsMessage.INFO1_READ;
import static dev.asof.connector.aerospike.testserver.AsMessage.INFO2_CREATE_ONLY;
import static dev.asof.connector.aerospike.testserver.AsMessage.INFO2_DELETE;
import static dev.asof.connector.aerospike.testserver.AsMessage.INFO2_GENERATION;
import static dev.asof.connector.aerospike.testserver.AsMessage.INFO2_GENERATION_GT;
import static dev.asof.connector.aerospike.testserver.AsMessage.INFO2_WRITE;
import static dev.asof.connector.aerospike.testserver.AsMessage.INFO3_CREATE_OR_REPLACE;
import static dev.asof.connector.aerospike.testserver.AsMessage.INFO3_REPLACE_ONLY;
import static dev.asof.connector.aerospike.testserver.AsMessage.INFO3_UPDATE_ONLY;
import static dev.asof.connector.aerospike.testserver.AsMessage.OP_DELETE;
import static dev.asof.connector.aerospike.testserver.AsMessage.OP_READ;
import static dev.asof.connector.aerospike.testserver.AsMessage.OP_TOUCH;
import static dev.asof.connector.aerospike.testserver.AsMessage.OP_WRITE;
import static dev.asof.connector.aerospike.testserver.AsMessage.PARTICLE_NULL;

import dev.asof.connector.aerospike.testserver.AsMessage.Bin;
import dev.asof.connector.aerospike.testserver.AsMessage.Command;
import dev.asof.connector.aerospike.testserver.AsMessage.Op;
import dev.asof.connector.aerospike.testserver.AsMessage.Particle;
import dev.asof.connector.aerospike.testserver.AsMessage.Result;
import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The records of all namespaces, keyed by namespace and digest, with Aerospike's single-record
 * semantics: generation counts writes, void time is seconds since 2010-01-01 (0 = never), and a
 * record past its void time no longer exists. Each command on one record is atomic.
 */
final class RecordTable {
    // Result codes, as the client's ResultCode names them.
    static final int OK = 0;
    static final int KEY_NOT_FOUND = 2;
    static final int GENERATION_ERROR = 3;
    static final int PARAMETER_ERROR = 4;
    static final int KEY_EXISTS = 5;
    static final int UNSUPPORTED_FEATURE = 16;
    static final int INVALID_NAMESPACE = 20;

    /** Aerospike counts time from 2010-01-01T00:00:00Z ("citrusleaf epoch"). */
    private static final long CITRUS_EPOCH_SECONDS = 1_262_304_000L;

    private record RecordId(String namespace, ByteBuffer digest) {}

    private record StoredRecord(Map<String, Particle> bins, int generation, long voidTime) {
        boolean expiredAt(long now) {
            // Like the server: alive through its void time's second, gone after it.
            return voidTime != 0 && voidTime < now;
        }
    }

    private final Set<String> namespaces;
    private final InstantSource clock;
    private final Map<RecordId, StoredRecord> records = new ConcurrentHashMap<>();

    RecordTable(Set<String> namespaces, InstantSource clock) {
        this.namespaces = Collections.unmodifiableSet(new LinkedHashSet<>(namespaces));
        this.clock = clock;
    }

    Set<String> namespaces() {
        return namespaces;
    }

    int liveCount() {
        long now = now();
        return (int) records.values().stream().filter(record -> !record.expiredAt(now)).count();
    }

    void clear() {
        records.clear();
    }

    Result execute(Command command) {
        if (command.unsupported() != null) {
            return Result.code(UNSUPPORTED_FEATURE);
        }
        if (command.namespace() == null || command.digest() == null || command.digest().length != 20) {
            return Result.code(PARAMETER_ERROR);
        }
        if (!namespaces.contains(command.namespace())) {
            return Result.code(INVALID_NAMESPACE);
        }
        RecordId id = new RecordId(command.namespace(), ByteBuffer.wrap(command.digest().clone()));
        if ((command.info2() & INFO2_WRITE) != 0) {
            return write(id, command);
        }
        if ((command.info1() & INFO1_READ) != 0) {
            return read(id, command);
        }
        return Result.code(PARAMETER_ERROR);
    }

    private Result read(RecordId id, Command command) {
        StoredRecord record = records.get(id);
        if (record == null || record.expiredAt(now())) {
            if (record != null) {
                records.remove(id, record);
            }
            return Result.code(KEY_NOT_FOUND);
        }
        if ((command.info1() & INFO1_NOBINDATA) != 0) {
            return new Result(OK, record.generation(), record.voidTime(), List.of());
        }
        List<Bin> bins = new ArrayList<>();
        if ((command.info1() & INFO1_GET_ALL) != 0 || command.ops().isEmpty()) {
            addAll(bins, record.bins());
        }
        else {
            for (Op op : command.ops()) {
                if (op.type() != OP_READ) {
                    return Result.code(UNSUPPORTED_FEATURE);
                }
                addRead(bins, record.bins(), op.binName());
            }
        }
        return new Result(OK, record.generation(), record.voidTime(), bins);
    }

    private Result write(RecordId id, Command command) {
        long now = now();
        Result[] result = new Result[1];
        // compute() makes the whole command atomic for this record.
        records.compute(id, (key, stored) -> {
            StoredRecord live = stored == null || stored.expiredAt(now) ? null : stored;
            if ((command.info2() & INFO2_DELETE) != 0) {
                result[0] = live == null ? Result.code(KEY_NOT_FOUND) : new Result(OK, live.generation(), live.voidTime(), List.of());
                return null;
            }
            int refusal = checkPreconditions(command, live);
            if (refusal != OK) {
                result[0] = Result.code(refusal);
                return live;
            }
            boolean replace = (command.info3() & (INFO3_CREATE_OR_REPLACE | INFO3_REPLACE_ONLY)) != 0;
            Map<String, Particle> bins = live == null || replace ? new LinkedHashMap<>() : new LinkedHashMap<>(live.bins());
            List<Bin> read = new ArrayList<>();
            for (Op op : command.ops()) {
                switch (op.type()) {
                    case OP_WRITE -> {
                        if (op.value().type() == PARTICLE_NULL) {
                            bins.remove(op.binName());
                        }
                        else {
                            bins.put(op.binName(), op.value());
                        }
                    }
                    case OP_READ -> addRead(read, bins, op.binName());
                    case OP_TOUCH -> {}
                    case OP_DELETE -> bins.clear();
                    default -> {
                        result[0] = Result.code(UNSUPPORTED_FEATURE);
                        return live;
                    }
                }
            }
            int generation = live == null ? 1 : live.generation() + 1;
            long voidTime = voidTime(command.ttl(), live, now);
            result[0] = new Result(OK, generation, voidTime, read);
            // A record without bins does not exist.
            return bins.isEmpty() ? null : new StoredRecord(Collections.unmodifiableMap(bins), generation, voidTime);
        });
        return result[0];
    }

    private static int checkPreconditions(Command command, StoredRecord live) {
        if ((command.info2() & INFO2_CREATE_ONLY) != 0 && live != null) {
            return KEY_EXISTS;
        }
        if ((command.info3() & (INFO3_UPDATE_ONLY | INFO3_REPLACE_ONLY)) != 0 && live == null) {
            return KEY_NOT_FOUND;
        }
        if ((command.info2() & INFO2_GENERATION) != 0 && live != null && live.generation() != command.generation()) {
            return GENERATION_ERROR;
        }
        if ((command.info2() & INFO2_GENERATION_GT) != 0 && live != null && command.generation() <= live.generation()) {
            return GENERATION_ERROR;
        }
        return OK;
    }

    private static long voidTime(int ttl, StoredRecord live, long now) {
        return switch (ttl) {
            case -1 -> 0; // never expire
            case -2 -> live == null ? 0 : live.voidTime(); // keep the record's expiry
            case 0 -> 0; // namespace default-ttl, which is 0 (never) here
            default -> now + Integer.toUnsignedLong(ttl);
        };
    }

    private static void addRead(List<Bin> out, Map<String, Particle> bins, String name) {
        if (name.isEmpty()) {
            addAll(out, bins);
        }
        else if (bins.containsKey(name)) {
            out.add(new Bin(name, bins.get(name)));
        }
    }

    private static void addAll(List<Bin> out, Map<String, Particle> bins) {
        bins.forEach((name, value) -> out.add(new Bin(name, value)));
    }

    private long now() {
        return clock.instant().getEpochSecond() - CITRUS_EPOCH_SECONDS;
    }
}
