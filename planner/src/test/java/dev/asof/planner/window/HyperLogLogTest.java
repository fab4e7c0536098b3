package dev.asof.planner.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HyperLogLogTest {
    @Test
    void hashIsTheFirst15HexDigitsOfMd5() {
        // md5('abc') = 900150983cd24fb0d6963f7d28e17f72; 0x900150983cd24fb, as DuckDB and Trino compute it.
        long h = HyperLogLog.hash("abc");
        assertThat(h).isEqualTo(0x900150983cd24fbL).isEqualTo(648541476951500027L);
        assertThat(HyperLogLog.register(h)).isEqualTo(0x900);
        // low 48 bits 0x150983cd24fb: 0001 0101 ..., three leading zeros, rank 4
        assertThat(HyperLogLog.rank(h)).isEqualTo(4);
    }

    @Test
    void rankCountsLeadingZerosOf48Bits() {
        assertThat(HyperLogLog.rank(0x0008_0000_0000_0000L | (1L << 47))).isEqualTo(1);
        assertThat(HyperLogLog.rank(1L)).isEqualTo(48);
        assertThat(HyperLogLog.rank(0xfff0_0000_0000_0000L >>> 4)).isEqualTo(49); // register bits only
        assertThat(HyperLogLog.term(0)).isEqualTo(1L << 49);
        assertThat(HyperLogLog.term(49)).isEqualTo(1L);
    }

    @Test
    void valueTextIsDecimalOrTheString() {
        assertThat(HyperLogLog.text(42)).isEqualTo("42");
        assertThat(HyperLogLog.text(-7L)).isEqualTo("-7");
        assertThat(HyperLogLog.text("x y")).isEqualTo("x y");
        assertThatThrownBy(() -> HyperLogLog.text(1.5)).hasMessageContaining("integers and strings");
    }

    @Test
    void estimatesWithinTheErrorBound() {
        HyperLogLog empty = new HyperLogLog();
        assertThat(empty.result()).isZero();
        for (int n : new int[] {1, 2, 10, 100, 1_000, 10_000, 100_000}) {
            HyperLogLog s = new HyperLogLog();
            for (int i = 0; i < n; i++) {
                s.add((long) i, 0, 0);
                s.add((long) i, 0, 0); // duplicates do not count
            }
            long estimate = s.result();
            // 4 standard errors of 1.6%, and exact for tiny counts (linear counting)
            assertThat((double) Math.abs(estimate - n)).as("n=%d estimate=%d", n, estimate).isLessThanOrEqualTo(Math.max(0.5, 0.065 * n));
        }
    }

    @Test
    void mergeIsUnion() {
        HyperLogLog a = new HyperLogLog();
        HyperLogLog b = new HyperLogLog();
        HyperLogLog all = new HyperLogLog();
        for (int i = 0; i < 5000; i++) {
            (i % 3 == 0 ? a : b).add("k" + i, 0, 0);
            all.add("k" + i, 0, 0);
        }
        a.merge(b);
        assertThat(a.registers()).isEqualTo(all.registers());
        assertThat(a.result()).isEqualTo(all.result());
        assertThat(HyperLogLog.fromRegisters(all.registers()).result()).isEqualTo(all.result());
    }

    /**
     * Linear counting m·ln(m/V) is never within 1e-4 of a rounding boundary, so engines whose
     * logarithms differ in the last bits still round to the same integer.
     */
    @Test
    void linearCountingIsFarFromRoundingBoundaries() {
        for (int v = 1; v < HyperLogLog.REGISTERS; v++) {
            double e = HyperLogLog.REGISTERS * Math.log((double) HyperLogLog.REGISTERS / v);
            double fraction = e - Math.floor(e);
            assertThat(Math.abs(fraction - 0.5)).as("V=%d", v).isGreaterThan(1e-4);
        }
        assertThat(HyperLogLog.SCALED_NUMERATOR).isEqualTo(Double.parseDouble(Double.toString(HyperLogLog.SCALED_NUMERATOR)));
    }
}
