package dev.asof.planner.plan;

import java.math.BigDecimal;

/** One value of a row pushed with INSERT: a literal as written, or a {@code ?} parameter. */
public sealed interface PushValue {
    /**
     * A literal: {@code null}, a {@link BigDecimal} for a number, a {@link String}, a
     * {@link Boolean}, or a {@link java.time.LocalDateTime} / {@link java.time.LocalDate} for a
     * TIMESTAMP / DATE literal. The gateway converts it to the column's type.
     */
    record Literal(Object value) implements PushValue {}

    /** The value of the {@code index}-th parameter (0-based, in marker order). */
    record Parameter(int index) implements PushValue {}
}
