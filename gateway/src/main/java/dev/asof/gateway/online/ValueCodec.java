package dev.asof.gateway.online;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Writes and reads feature values in online records: a tag byte then the value, so a lookup gives
 * back exactly the Java value (and class) the warehouse produced at materialization, the forms
 * {@code RowCursor} promises. The push write-ahead log stores pushed values with it too.
 */
public final class ValueCodec {
    private static final int NULL = 0;
    private static final int LONG = 1;
    private static final int INT = 2;
    private static final int DOUBLE = 3;
    private static final int FLOAT = 4;
    private static final int DECIMAL = 5;
    private static final int STRING = 6;
    private static final int BOOLEAN = 7;
    private static final int DATE = 8;
    private static final int TIMESTAMP = 9;
    private static final int TIMESTAMP_TZ = 10;
    private static final int SHORT = 11;
    private static final int BYTE = 12;
    private static final int BYTES = 13;
    private static final int TIME = 14;

    private ValueCodec() {}

    /** Writes {@code value} (null or a {@code RowCursor} form) with its tag. */
    public static void write(DataOutputStream out, Object value) throws IOException {
        if (value == null) {
            out.writeByte(NULL);
        } else if (value instanceof Long v) {
            out.writeByte(LONG);
            out.writeLong(v);
        } else if (value instanceof Integer v) {
            out.writeByte(INT);
            out.writeInt(v);
        } else if (value instanceof Double v) {
            out.writeByte(DOUBLE);
            out.writeDouble(v);
        } else if (value instanceof Float v) {
            out.writeByte(FLOAT);
            out.writeFloat(v);
        } else if (value instanceof BigDecimal v) {
            out.writeByte(DECIMAL);
            out.writeInt(v.scale());
            writeBytes(out, v.unscaledValue().toByteArray());
        } else if (value instanceof String v) {
            out.writeByte(STRING);
            writeBytes(out, v.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else if (value instanceof Boolean v) {
            out.writeByte(BOOLEAN);
            out.writeBoolean(v);
        } else if (value instanceof LocalDate v) {
            out.writeByte(DATE);
            out.writeLong(v.toEpochDay());
        } else if (value instanceof LocalDateTime v) {
            out.writeByte(TIMESTAMP);
            out.writeLong(v.toEpochSecond(ZoneOffset.UTC));
            out.writeInt(v.getNano());
        } else if (value instanceof OffsetDateTime v) {
            out.writeByte(TIMESTAMP_TZ);
            out.writeLong(v.toEpochSecond());
            out.writeInt(v.getNano());
        } else if (value instanceof Short v) {
            out.writeByte(SHORT);
            out.writeShort(v);
        } else if (value instanceof Byte v) {
            out.writeByte(BYTE);
            out.writeByte(v);
        } else if (value instanceof byte[] v) {
            out.writeByte(BYTES);
            writeBytes(out, v);
        } else if (value instanceof LocalTime v) {
            out.writeByte(TIME);
            out.writeLong(v.toNanoOfDay());
        } else {
            // RowCursor values are the forms above; anything else is kept as its text.
            write(out, value.toString());
        }
    }

    /** Reads a value {@link #write} wrote, as the same class. */
    public static Object read(DataInputStream in) throws IOException {
        int tag = in.readUnsignedByte();
        return switch (tag) {
            case NULL -> null;
            case LONG -> in.readLong();
            case INT -> in.readInt();
            case DOUBLE -> in.readDouble();
            case FLOAT -> in.readFloat();
            case DECIMAL -> {
                int scale = in.readInt();
                yield new BigDecimal(new BigInteger(readBytes(in)), scale);
            }
            case STRING -> new String(readBytes(in), java.nio.charset.StandardCharsets.UTF_8);
            case BOOLEAN -> in.readBoolean();
            case DATE -> LocalDate.ofEpochDay(in.readLong());
            case TIMESTAMP -> LocalDateTime.ofEpochSecond(in.readLong(), in.readInt(), ZoneOffset.UTC);
            case TIMESTAMP_TZ -> {
                long seconds = in.readLong();
                yield OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(seconds, in.readInt()), ZoneOffset.UTC);
            }
            case SHORT -> in.readShort();
            case BYTE -> in.readByte();
            case BYTES -> readBytes(in);
            case TIME -> LocalTime.ofNanoOfDay(in.readLong());
            default -> throw new IOException("unknown value tag " + tag);
        };
    }

    /** As {@link #read(DataInputStream)}, from {@code in}'s position (which it advances). */
    public static Object read(ByteBuffer in) {
        int tag = in.get() & 0xff;
        return switch (tag) {
            case NULL -> null;
            case LONG -> in.getLong();
            case INT -> in.getInt();
            case DOUBLE -> in.getDouble();
            case FLOAT -> in.getFloat();
            case DECIMAL -> {
                int scale = in.getInt();
                yield new BigDecimal(new BigInteger(readBytes(in)), scale);
            }
            case STRING -> {
                int length = in.getInt();
                String s;
                if (in.hasArray()) {
                    s = new String(in.array(), in.arrayOffset() + in.position(), length,
                            java.nio.charset.StandardCharsets.UTF_8);
                    in.position(in.position() + length);
                } else {
                    byte[] bytes = new byte[length];
                    in.get(bytes);
                    s = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
                }
                yield s;
            }
            case BOOLEAN -> in.get() != 0;
            case DATE -> LocalDate.ofEpochDay(in.getLong());
            case TIMESTAMP -> LocalDateTime.ofEpochSecond(in.getLong(), in.getInt(), ZoneOffset.UTC);
            case TIMESTAMP_TZ -> {
                long seconds = in.getLong();
                yield OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(seconds, in.getInt()), ZoneOffset.UTC);
            }
            case SHORT -> in.getShort();
            case BYTE -> in.get();
            case BYTES -> readBytes(in);
            case TIME -> LocalTime.ofNanoOfDay(in.getLong());
            default -> throw new IllegalStateException("unknown value tag " + tag);
        };
    }

    /** Moves {@code in}'s position past one value {@link #write} wrote, without reading it. */
    static void skip(ByteBuffer in) {
        int tag = in.get() & 0xff;
        int length = switch (tag) {
            case NULL -> 0;
            case LONG, DOUBLE, DATE, TIME -> 8;
            case INT, FLOAT -> 4;
            case BOOLEAN, BYTE -> 1;
            case SHORT -> 2;
            case TIMESTAMP, TIMESTAMP_TZ -> 12;
            case DECIMAL -> {
                in.getInt(); // scale
                yield in.getInt();
            }
            case STRING, BYTES -> in.getInt();
            default -> throw new IllegalStateException("unknown value tag " + tag);
        };
        in.position(in.position() + length);
    }

    /** The bytes {@link #write} produces for one value. */
    static byte[] bytes(Object value) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(16);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            write(out, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(ByteBuffer in) {
        byte[] bytes = new byte[in.getInt()];
        in.get(bytes);
        return bytes;
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return bytes;
    }
}
