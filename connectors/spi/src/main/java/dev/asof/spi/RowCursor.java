package dev.asof.spi;

import java.util.List;

/**
 * A forward-only stream of rows. Values are plain Java objects: {@code Long}, {@code Integer},
 * {@code Double}, {@code BigDecimal}, {@code String}, {@code Boolean}, {@code LocalDate},
 * {@code LocalDateTime} for {@code TIMESTAMP} (UTC wall clock), {@code OffsetDateTime} for
 * {@code TIMESTAMP WITH TIME ZONE} (the instant, at offset UTC), or {@code null}.
 *
 * <p>Rows are produced while the engine runs; a consumer that stops early closes the cursor,
 * which releases the engine's resources.
 */
public interface RowCursor extends AutoCloseable {
    List<ColumnMetadata> columns();

    /** Advances to the next row; false at the end. */
    boolean next();

    /** Value of column {@code index} (0-based) of the current row. */
    Object value(int index);

    @Override
    void close();
}
