package dev.asof.gateway.online;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a statement gave: its rows, or the error a client would see. Lets a test compare the
 * online path with the warehouse on the same input, failures included.
 */
record StatementOutcome(List<List<Object>> rows, AsofException error) {
    boolean failed() {
        return error != null;
    }

    @Override
    public String toString() {
        return failed() ? "error " + error.getMessage() : String.valueOf(rows);
    }

    static StatementOutcome of(Supplier<List<List<Object>>> run) {
        try {
            return new StatementOutcome(run.get(), null);
        } catch (AsofException e) {
            return new StatementOutcome(null, e);
        } catch (RuntimeException e) {
            // The warehouse's own failure (e.g. DuckDB's overflow error) reaches here as a connector error.
            return new StatementOutcome(null, new AsofException(ErrorCode.ENGINE_ERROR, String.valueOf(e.getMessage())));
        }
    }

    /** Numbers compared by value (the engines may pick INTEGER where Calcite picks BIGINT). */
    static List<List<Object>> normalized(List<List<Object>> rows) {
        return rows.stream().map(r -> r.stream().map(v -> v instanceof Double || v instanceof Float || v == null
                ? v : v instanceof Number n ? (Object) new BigDecimal(n.toString()) : v).toList()).toList();
    }
}
