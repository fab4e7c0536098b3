package dev.asof.gateway.online;

import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * How the tiles of a windowed record store row counts and partial aggregates
 * ({@code WindowAccumulator#state()}): counts as unsigned varints; per state its value count, then
 * each value as a tag byte and, for a {@code Long}, a zigzag varint, for a {@code Double} its 8
 * bytes, for a {@code BigDecimal} of up to 18 digits its scale and unscaled value as zigzag
 * varints, for {@code Boolean} and NULL nothing more, and for anything else its {@link ValueCodec}
 * form. A state is mostly small counts, zero sums and flags, which {@link ValueCodec} alone (a tag
 * and 8 bytes per number, 8 bytes per row count) wrote in about twice the bytes; a lookup reads the
 * whole record, so its size is part of every windowed lookup's time. Values read back with the
 * class they were written with.
 */
final class TileStates {
    private static final int NULL = 0;
    private static final int LONG = 1;
    private static final int DOUBLE = 2;
    private static final int FALSE = 3;
    private static final int TRUE = 4;
    private static final int OTHER = 5;
    private static final int DECIMAL = 6;

    private TileStates() {}

    /** Writes a count (at least 0) in 1 to 10 bytes, 7 bits a byte, low bits first. */
    static void writeCount(DataOutputStream out, long count) throws IOException {
        long v = count;
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    /** Reads a count {@link #writeCount} wrote. */
    static long readCount(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = in.get();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
    }

    /** Writes one partial aggregate's state values. */
    static void write(DataOutputStream out, List<Object> state) throws IOException {
        writeCount(out, state.size());
        for (Object v : state) {
            if (v == null) {
                out.writeByte(NULL);
            } else if (v instanceof Long l) {
                out.writeByte(LONG);
                writeCount(out, zigzag(l));
            } else if (v instanceof Double d) {
                out.writeByte(DOUBLE);
                out.writeDouble(d);
            } else if (v instanceof Boolean b) {
                out.writeByte(b ? TRUE : FALSE);
            } else if (v instanceof BigDecimal d && d.precision() <= 18) {
                // A sum of decimal amounts: read back without a BigInteger, which ValueCodec's form needs.
                out.writeByte(DECIMAL);
                writeCount(out, zigzag(d.scale()));
                writeCount(out, zigzag(d.unscaledValue().longValueExact()));
            } else {
                out.writeByte(OTHER);
                ValueCodec.write(out, v);
            }
        }
    }

    /** Reads the values of one state {@link #write} wrote into {@code values} (cleared first). */
    static void read(ByteBuffer in, List<Object> values) {
        values.clear();
        int n = (int) readCount(in);
        for (int i = 0; i < n; i++) {
            int tag = in.get() & 0xff;
            values.add(switch (tag) {
                case NULL -> null;
                case LONG -> unzigzag(readCount(in));
                case DOUBLE -> in.getDouble();
                case FALSE -> Boolean.FALSE;
                case TRUE -> Boolean.TRUE;
                case OTHER -> ValueCodec.read(in);
                case DECIMAL -> {
                    int scale = (int) unzigzag(readCount(in));
                    yield BigDecimal.valueOf(unzigzag(readCount(in)), scale);
                }
                default -> throw new IllegalStateException("unknown tile state tag " + tag);
            });
        }
    }

    /** Moves {@code in}'s position past one state {@link #write} wrote, without reading its values. */
    static void skip(ByteBuffer in) {
        int n = (int) readCount(in);
        for (int i = 0; i < n; i++) {
            int tag = in.get() & 0xff;
            switch (tag) {
                case NULL, FALSE, TRUE -> { }
                case LONG -> readCount(in);
                case DOUBLE -> in.position(in.position() + 8);
                case OTHER -> ValueCodec.skip(in);
                case DECIMAL -> {
                    readCount(in);
                    readCount(in);
                }
                default -> throw new IllegalStateException("unknown tile state tag " + tag);
            }
        }
    }

    /** Small negative numbers as small unsigned ones: 0, -1, 1, -2, … become 0, 1, 2, 3, … */
    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long z) {
        return (z >>> 1) ^ -(z & 1);
    }
}
