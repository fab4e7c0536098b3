package dev.asof.flight;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.sql.Instants;
import java.time.LocalDate;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * The range rule of README "Semantics" (times at the edges) for engine Arrow batches, which skip
 * the row cursor's check: a date or timestamp outside 0001-01-01 … 9999-12-31 (DuckDB's infinity
 * and -infinity arrive as its extreme values) fails the statement naming the column, rather than
 * reaching a client as a time it cannot tell from a real one.
 */
final class EdgeTimes {
    private static final long MIN_DAY = LocalDate.of(1, 1, 1).toEpochDay();
    private static final long MAX_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

    private EdgeTimes() {}

    /** Checks every date and timestamp of the batch in {@code root}. */
    static void check(VectorSchemaRoot root) {
        int rows = root.getRowCount();
        for (FieldVector v : root.getFieldVectors()) {
            if (v instanceof TimeStampVector t && v.getField().getType() instanceof ArrowType.Timestamp ts) {
                long per = switch (ts.getUnit()) {
                    case SECOND -> 1_000_000L;
                    case MILLISECOND -> 1_000L;
                    case MICROSECOND -> 1L;
                    case NANOSECOND -> 0L; // int64 nanoseconds cannot leave 1677..2262
                };
                if (per == 0L) {
                    continue;
                }
                long min = Math.floorDiv(Instants.MIN_MICROS, per);
                long max = Math.floorDiv(Instants.MAX_MICROS, per);
                for (int i = 0; i < rows; i++) {
                    if (!t.isNull(i) && (t.get(i) < min || t.get(i) > max)) {
                        throw outOfRange(v);
                    }
                }
            } else if (v instanceof DateDayVector d) {
                for (int i = 0; i < rows; i++) {
                    if (!d.isNull(i) && (d.get(i) < MIN_DAY || d.get(i) > MAX_DAY)) {
                        throw outOfRange(v);
                    }
                }
            } else if (v instanceof DateMilliVector d) {
                for (int i = 0; i < rows; i++) {
                    if (!d.isNull(i) && (d.get(i) < MIN_DAY * 86_400_000L || d.get(i) >= (MAX_DAY + 1) * 86_400_000L)) {
                        throw outOfRange(v);
                    }
                }
            }
        }
    }

    private static AsofException outOfRange(FieldVector v) {
        return new AsofException(ErrorCode.DATETIME_OVERFLOW, "column '" + v.getName() + "' holds a date or time outside"
                + " the range 0001-01-01 to 9999-12-31 (or an infinite one) that clients cannot receive; filter such rows"
                + " or cast the column to VARCHAR");
    }
}
