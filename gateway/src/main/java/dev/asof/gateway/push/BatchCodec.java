package dev.asof.gateway.push;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link PushedBatch} as bytes, the payload of one log record: first sequence, created micros,
 * source name, then the rows, each value with a one-byte type tag. Only the value types
 * {@link PushRows} produces are written.
 */
final class BatchCodec {
    private static final byte NULL = 0;
    private static final byte LONG = 1;
    private static final byte INTEGER = 2;
    private static final byte SHORT = 3;
    private static final byte DOUBLE = 4;
    private static final byte FLOAT = 5;
    private static final byte DECIMAL = 6;
    private static final byte BOOLEAN = 7;
    private static final byte STRING = 8;
    private static final byte TIMESTAMP = 9;
    private static final byte DATE = 10;

    private BatchCodec() {}

    static byte[] encode(PushedBatch batch) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + batch.rows().size() * 32);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(batch.firstSequence());
            out.writeLong(batch.createdMicros());
            out.writeUTF(batch.source());
            out.writeInt(batch.rows().size());
            int width = batch.rows().isEmpty() ? 0 : batch.rows().get(0).length;
            out.writeInt(width);
            for (Object[] row : batch.rows()) {
                if (row.length != width) {
                    throw new IllegalArgumentException("rows of one batch have one width");
                }
                for (Object v : row) {
                    write(out, v);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    static PushedBatch decode(ByteBuffer payload) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload.array(),
                payload.arrayOffset() + payload.position(), payload.remaining()));
        long first = in.readLong();
        long created = in.readLong();
        String source = in.readUTF();
        int count = in.readInt();
        int width = in.readInt();
        List<Object[]> rows = new ArrayList<>(count);
        for (int r = 0; r < count; r++) {
            Object[] row = new Object[width];
            for (int c = 0; c < width; c++) {
                row[c] = read(in);
            }
            rows.add(row);
        }
        return new PushedBatch(source, first, created, rows);
    }

    private static void write(DataOutputStream out, Object v) throws IOException {
        if (v == null) {
            out.writeByte(NULL);
        } else if (v instanceof Long l) {
            out.writeByte(LONG);
            out.writeLong(l);
        } else if (v instanceof Integer i) {
            out.writeByte(INTEGER);
            out.writeInt(i);
        } else if (v instanceof Short s) {
            out.writeByte(SHORT);
            out.writeShort(s);
        } else if (v instanceof Double d) {
            out.writeByte(DOUBLE);
            out.writeDouble(d);
        } else if (v instanceof Float f) {
            out.writeByte(FLOAT);
            out.writeFloat(f);
        } else if (v instanceof BigDecimal d) {
            out.writeByte(DECIMAL);
            out.writeInt(d.scale());
            byte[] unscaled = d.unscaledValue().toByteArray();
            out.writeInt(unscaled.length);
            out.write(unscaled);
        } else if (v instanceof Boolean b) {
            out.writeByte(BOOLEAN);
            out.writeBoolean(b);
        } else if (v instanceof String s) {
            out.writeByte(STRING);
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(utf8.length);
            out.write(utf8);
        } else if (v instanceof LocalDateTime t) {
            out.writeByte(TIMESTAMP);
            out.writeLong(t.toEpochSecond(ZoneOffset.UTC));
            out.writeInt(t.getNano());
        } else if (v instanceof LocalDate d) {
            out.writeByte(DATE);
            out.writeLong(d.toEpochDay());
        } else {
            throw new IllegalArgumentException("no log form for " + v.getClass().getSimpleName());
        }
    }

    private static Object read(DataInputStream in) throws IOException {
        byte tag = in.readByte();
        return switch (tag) {
            case NULL -> null;
            case LONG -> in.readLong();
            case INTEGER -> in.readInt();
            case SHORT -> in.readShort();
            case DOUBLE -> in.readDouble();
            case FLOAT -> in.readFloat();
            case DECIMAL -> {
                int scale = in.readInt();
                byte[] unscaled = new byte[in.readInt()];
                in.readFully(unscaled);
                yield new BigDecimal(new BigInteger(unscaled), scale);
            }
            case BOOLEAN -> in.readBoolean();
            case STRING -> {
                byte[] utf8 = new byte[in.readInt()];
                in.readFully(utf8);
                yield new String(utf8, StandardCharsets.UTF_8);
            }
            case TIMESTAMP -> LocalDateTime.ofEpochSecond(in.readLong(), in.readInt(), ZoneOffset.UTC);
            case DATE -> LocalDate.ofEpochDay(in.readLong());
            default -> throw new IOException("unknown value tag " + tag);
        };
    }
}
