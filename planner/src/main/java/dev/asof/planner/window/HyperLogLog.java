package dev.asof.planner.window;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * asof's {@code APPROX_COUNT_DISTINCT}: a HyperLogLog sketch defined so that the warehouse (DuckDB,
 * Trino, in SQL) and the online path (this class) compute the same number, exactly.
 *
 * <ul>
 *   <li><b>Value text</b>: the argument must be an integer (decimal text, {@code -12}) or a
 *       character string (itself); these have the same text on every engine.
 *   <li><b>Hash</b>: the first 15 hex digits of the MD5 of the text's UTF-8 bytes, a 60-bit
 *       number. The first 3 hex digits (12 bits) pick the register (p = 12, m = 4096 registers);
 *       the rank is the number of leading zeros of the remaining 48 bits, plus one (1..49).
 *   <li><b>Registers</b>: the maximum rank per register, 0 when the register saw no value.
 *       Merging sketches is the register-wise maximum.
 *   <li><b>Estimate</b>: with {@code Z = Σ 2^(49 - M_j)} over the registers (an exact integer, at
 *       most 2^61) and {@code V} the number of zero registers, {@code E = α·m²·2^49 / Z} with
 *       {@code α = 0.7213 / (1 + 1.079 / m)}; if {@code E <= 2.5·m} and {@code V > 0} then linear
 *       counting {@code E = m·ln(m / V)}; the result is {@code floor(E + 0.5)}. With 60-bit hashes
 *       no large-range correction applies.
 * </ul>
 *
 * <p>Every step but the logarithm is exact or a single correctly rounded IEEE operation on the
 * same operands, hence identical on every engine; {@code m·ln(m / V)} is at least 1e-4 away from
 * a rounding boundary for every V (checked by a test), so any logarithm accurate to 1e-12 rounds
 * the same. The standard error of the estimate is about {@code 1.04 / √4096 ≈ 1.6%}.
 */
public final class HyperLogLog implements WindowAccumulator {
    /** Bits of the hash that pick the register. */
    public static final int PRECISION = 12;
    /** Number of registers, m = 2^12. */
    public static final int REGISTERS = 1 << PRECISION;
    /** Bits of the hash after the register bits: 60 - 12. */
    public static final int RANK_BITS = 48;
    /** Largest rank: all 48 bits zero. */
    public static final int MAX_RANK = RANK_BITS + 1;
    /** The bias correction α_m for m = 4096. */
    public static final double ALPHA = 0.7213 / (1 + 1.079 / REGISTERS);
    /** {@code α·m²·2^49}: the raw estimate is this over the integer register sum Z. */
    public static final double SCALED_NUMERATOR = ALPHA * REGISTERS * REGISTERS * 0x1p49;
    /** Z of an empty sketch: {@code m · 2^49}. */
    public static final long EMPTY_SUM = (long) REGISTERS << MAX_RANK;

    private static final long RANK_MASK = (1L << RANK_BITS) - 1;

    private final byte[] registers;

    HyperLogLog() {
        this(new byte[REGISTERS]);
    }

    private HyperLogLog(byte[] registers) {
        this.registers = registers;
    }

    /** A sketch with the given registers (each 0..49), e.g. read back from storage. */
    public static HyperLogLog fromRegisters(byte[] registers) {
        if (registers.length != REGISTERS) {
            throw new IllegalArgumentException("a sketch has " + REGISTERS + " registers, not " + registers.length);
        }
        return new HyperLogLog(registers.clone());
    }

    /** A copy of the registers. */
    public byte[] registers() {
        return registers.clone();
    }

    /** The text a value is hashed by: decimal for integers, the string itself for strings. */
    public static String text(Object value) {
        Object v = WindowAccumulator.normalize(value);
        if (v instanceof Long || v instanceof String) {
            return v.toString();
        }
        throw new IllegalArgumentException("APPROX_COUNT_DISTINCT takes integers and strings, not "
                + value.getClass().getSimpleName());
    }

    /** The 60-bit hash of a text: its MD5's first 15 hex digits. */
    public static long hash(String text) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is a required JDK algorithm", e);
        }
        long first8 = 0;
        for (int i = 0; i < 8; i++) {
            first8 = (first8 << 8) | (digest[i] & 0xff);
        }
        return first8 >>> 4;
    }

    /** The register of a hash: its top 12 bits. */
    public static int register(long hash) {
        return (int) (hash >>> RANK_BITS);
    }

    /** The rank of a hash: leading zeros of its low 48 bits, plus one (1..49). */
    public static int rank(long hash) {
        return Long.numberOfLeadingZeros(hash & RANK_MASK) - (Long.SIZE - RANK_BITS) + 1;
    }

    /** {@code 2^(49 - rank)}: a register's term of Z (rank 0, an empty register, gives 2^49). */
    public static long term(int rank) {
        return 1L << (MAX_RANK - rank);
    }

    @Override
    public void add(Object value, long eventMicros, long createdMicros) {
        if (value == null) {
            return;
        }
        long h = hash(text(value));
        int j = register(h);
        registers[j] = (byte) Math.max(registers[j], rank(h));
    }

    @Override
    public void merge(WindowAccumulator other) {
        byte[] o = ((HyperLogLog) other).registers;
        for (int j = 0; j < REGISTERS; j++) {
            registers[j] = (byte) Math.max(registers[j], o[j]);
        }
    }

    @Override
    public Long result() {
        long z = 0;
        int zeros = 0;
        for (byte r : registers) {
            z += term(r);
            if (r == 0) {
                zeros++;
            }
        }
        return estimate(z, zeros);
    }

    /**
     * The estimate from the register sum {@code z = Σ 2^(49 - M_j)} and the number of zero
     * registers; the warehouse plan evaluates exactly these operations.
     */
    public static long estimate(long z, int zeroRegisters) {
        double e = SCALED_NUMERATOR / (double) z;
        if (e <= 2.5 * REGISTERS && zeroRegisters > 0) {
            e = REGISTERS * Math.log((double) REGISTERS / zeroRegisters);
        }
        return (long) Math.floor(e + 0.5);
    }

    @Override
    public String toString() {
        return "HyperLogLog" + Arrays.toString(Arrays.copyOf(registers, 8)) + "…";
    }

    /** The non-zero registers only, as (index high byte, index low byte, rank) triples: tiles are mostly sparse. */
    @Override
    public List<Object> state() {
        java.io.ByteArrayOutputStream sparse = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < registers.length; i++) {
            if (registers[i] != 0) {
                sparse.write(i >>> 8);
                sparse.write(i & 0xff);
                sparse.write(registers[i]);
            }
        }
        return List.of(sparse.toByteArray());
    }

    @Override
    public void restore(List<Object> state) {
        byte[] sparse = (byte[]) state.get(0);
        Arrays.fill(registers, (byte) 0);
        for (int i = 0; i + 2 < sparse.length; i += 3) {
            registers[((sparse[i] & 0xff) << 8) | (sparse[i + 1] & 0xff)] = sparse[i + 2];
        }
    }
}
