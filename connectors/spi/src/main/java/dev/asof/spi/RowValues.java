package dev.asof.spi;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.Temporal;

/** Brings a value an engine's driver returned into the forms {@link RowCursor} promises. */
public final class RowValues {
    private RowValues() {}

    /**
     * Zoned instants move to offset UTC, big integers become {@code BigDecimal}, and values with
     * no SQL scalar form (arrays, rows, maps, UUIDs) become their text form.
     */
    public static Object normalize(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof BigDecimal) {
            return v;
        }
        if (v instanceof OffsetDateTime o) {
            return o.withOffsetSameInstant(ZoneOffset.UTC);
        }
        if (v instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (v instanceof Number || v instanceof Temporal) {
            return v;
        }
        return v.toString();
    }
}
