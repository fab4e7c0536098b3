package dev.asof.connector.aerospike.testserver;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The AS_MSG wire format (proto type 3): a 22-byte header, fields, then operations. Requests and
 * responses share it; batch requests carry their rows inside one field.
 *
 * <pre>
 * header: size(1)=22 info1(1) info2(1) info3(1) info4(1) result(1) generation(4)
 *         ttl-or-void-time(4) timeout-or-batch-index(4) field-count(2) op-count(2)
 * field:  length(4, includes type) type(1) data
 * op:     length(4, from op type on) op(1) particle-type(1) flags(1) name-length(1) name value
 * </pre>
 */
final class AsMessage {
    // info1
    static final int INFO1_READ = 1;
    static final int INFO1_GET_ALL = 1 << 1;
    static final int INFO1_BATCH = 1 << 3;
    static final int INFO1_NOBINDATA = 1 << 5;
    // info2
    static final int INFO2_WRITE = 1;
    static final int INFO2_DELETE = 1 << 1;
    static final int INFO2_GENERATION = 1 << 2;
    static final int INFO2_GENERATION_GT = 1 << 3;
    static final int INFO2_CREATE_ONLY = 1 << 5;
    // info3
    static final int INFO3_LAST = 1;
    static final int INFO3_UPDATE_ONLY = 1 << 3;
    static final int INFO3_CREATE_OR_REPLACE = 1 << 4;
    static final int INFO3_REPLACE_ONLY = 1 << 5;

    // field types
    static final int FIELD_NAMESPACE = 0;
    static final int FIELD_SET = 1;
    static final int FIELD_USER_KEY = 2;
    static final int FIELD_DIGEST = 4;
    static final int FIELD_BATCH_INDEX = 41;

    // operation types
    static final int OP_READ = 1;
    static final int OP_WRITE = 2;
    static final int OP_TOUCH = 11;
    static final int OP_DELETE = 14;

    static final int PARTICLE_NULL = 0;

    // batch row flags
    static final int BATCH_REPEAT = 0x1;
    static final int BATCH_INFO = 0x2;
    static final int BATCH_GEN = 0x4;
    static final int BATCH_TTL = 0x8;
    static final int BATCH_INFO4 = 0x10;

    static final int HEADER_SIZE = 22;

    private AsMessage() {}

    /** A bin value as the client sent it: particle type and bytes, never interpreted here. */
    record Particle(int type, byte[] bytes) {}

    record Op(int type, String binName, Particle value) {}

    /**
     * One record command: a whole single-record message, or one row of a batch.
     *
     * @param ttl seconds; -1 never expire, -2 keep the current expiry, 0 the namespace default
     * @param unsupported why the server cannot run this command, or null
     */
    record Command(int info1, int info2, int info3, int generation, int ttl, String namespace, byte[] digest,
            List<Op> ops, String unsupported) {
        Command withDigest(byte[] digest) {
            return new Command(info1, info2, info3, generation, ttl, namespace, digest, ops, unsupported);
        }
    }

    /** A returned bin. */
    record Bin(String name, Particle value) {}

    /** What a command answers: result code, record header and the bins read. */
    record Result(int code, int generation, long voidTime, List<Bin> bins) {
        static Result code(int code) {
            return new Result(code, 0, 0, List.of());
        }
    }

    /** A batch request: each row with its position in the client's key list. */
    record BatchRow(int index, Command command) {}

    static boolean isBatch(ByteBuffer body) {
        return (body.get(1) & INFO1_BATCH) != 0;
    }

    static Command parseCommand(ByteBuffer body) {
        int headerSize = body.get(0) & 0xff;
        int info1 = body.get(1) & 0xff;
        int info2 = body.get(2) & 0xff;
        int info3 = body.get(3) & 0xff;
        int info4 = body.get(4) & 0xff;
        int generation = body.getInt(6);
        int ttl = body.getInt(10);
        int fieldCount = body.getShort(18) & 0xffff;
        int opCount = body.getShort(20) & 0xffff;
        body.position(headerSize);
        return parseFieldsAndOps(body, info1, info2, info3, info4, generation, ttl, fieldCount, opCount);
    }

    /** Rows of a batch request (field 41): each row a full command or a repeat of the previous one. */
    static List<BatchRow> parseBatch(ByteBuffer body) {
        int headerSize = body.get(0) & 0xff;
        int fieldCount = body.getShort(18) & 0xffff;
        body.position(headerSize);
        ByteBuffer rows = null;
        String unsupported = null;
        for (int i = 0; i < fieldCount; i++) {
            int length = body.getInt();
            int type = body.get() & 0xff;
            ByteBuffer data = body.slice(body.position(), length - 1);
            body.position(body.position() + length - 1);
            if (type == FIELD_BATCH_INDEX) {
                rows = data;
            }
            else {
                unsupported = "batch field type " + type;
            }
        }
        if (rows == null) {
            throw new IllegalArgumentException("batch request without a batch-index field");
        }
        int count = rows.getInt();
        rows.get(); // batch flags (inline processing hints): nothing to do here
        List<BatchRow> result = new ArrayList<>(count);
        Command previous = null;
        for (int i = 0; i < count; i++) {
            int index = rows.getInt();
            byte[] digest = new byte[20];
            rows.get(digest);
            int flags = rows.get() & 0xff;
            Command command;
            if (flags == BATCH_REPEAT) {
                if (previous == null) {
                    throw new IllegalArgumentException("batch row repeats nothing");
                }
                command = previous.withDigest(digest);
            }
            else {
                int info1;
                int info2 = 0;
                int info3 = 0;
                int info4 = 0;
                if ((flags & BATCH_INFO) != 0) {
                    info1 = rows.get() & 0xff;
                    info2 = rows.get() & 0xff;
                    info3 = rows.get() & 0xff;
                }
                else {
                    info1 = rows.get() & 0xff; // older clients send only the read attributes
                }
                if ((flags & BATCH_INFO4) != 0) {
                    info4 = rows.get() & 0xff;
                }
                int generation = (flags & BATCH_GEN) != 0 ? rows.getShort() & 0xffff : 0;
                int ttl = (flags & BATCH_TTL) != 0 ? rows.getInt() : 0;
                int fieldCount2 = rows.getShort() & 0xffff;
                int opCount = rows.getShort() & 0xffff;
                command = parseFieldsAndOps(rows, info1, info2, info3, info4, generation, ttl, fieldCount2, opCount);
                command = new Command(command.info1(), command.info2(), command.info3(), command.generation(),
                        command.ttl(), command.namespace(), digest, command.ops(),
                        unsupported != null ? unsupported : command.unsupported());
                previous = command;
            }
            result.add(new BatchRow(index, command));
        }
        return result;
    }

    private static Command parseFieldsAndOps(ByteBuffer in, int info1, int info2, int info3, int info4, int generation,
            int ttl, int fieldCount, int opCount) {
        String namespace = null;
        byte[] digest = null;
        String unsupported = info4 != 0 ? "transactions" : null;
        for (int i = 0; i < fieldCount; i++) {
            int length = in.getInt();
            int type = in.get() & 0xff;
            byte[] data = new byte[length - 1];
            in.get(data);
            switch (type) {
                case FIELD_NAMESPACE -> namespace = new String(data, UTF_8);
                case FIELD_DIGEST -> digest = data;
                // The set is part of the digest already; a user key is only stored by real servers.
                case FIELD_SET, FIELD_USER_KEY -> {}
                default -> unsupported = "field type " + type;
            }
        }
        List<Op> ops = new ArrayList<>(opCount);
        for (int i = 0; i < opCount; i++) {
            int length = in.getInt();
            int type = in.get() & 0xff;
            int particleType = in.get() & 0xff;
            in.get(); // flags
            int nameLength = in.get() & 0xff;
            byte[] name = new byte[nameLength];
            in.get(name);
            byte[] value = new byte[length - 4 - nameLength];
            in.get(value);
            ops.add(new Op(type, new String(name, UTF_8), new Particle(particleType, value)));
        }
        return new Command(info1, info2, info3, generation, ttl, namespace, digest, ops, unsupported);
    }

    /** Appends one response message (header and bins, no fields) to {@code out}. */
    static void writeResult(ByteArrayOutputStream out, int info3, Result result, int batchIndex) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        header.put((byte) HEADER_SIZE).put((byte) 0).put((byte) 0).put((byte) info3).put((byte) 0)
                .put((byte) result.code())
                .putInt(result.generation())
                .putInt((int) result.voidTime())
                .putInt(batchIndex)
                .putShort((short) 0)
                .putShort((short) result.bins().size());
        out.writeBytes(header.array());
        for (Bin bin : result.bins()) {
            byte[] name = bin.name().getBytes(UTF_8);
            byte[] value = bin.value().bytes();
            ByteBuffer op = ByteBuffer.allocate(8);
            op.putInt(4 + name.length + value.length).put((byte) OP_READ).put((byte) bin.value().type()).put((byte) 0)
                    .put((byte) name.length);
            out.writeBytes(op.array());
            out.writeBytes(name);
            out.writeBytes(value);
        }
    }
}
