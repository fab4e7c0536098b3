package dev.asof.gateway;

import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.execution.StatementResult;
import dev.asof.gateway.session.Principal;
import dev.asof.spi.RowCursor;
import dev.asof.spi.warehouse.QueryControl;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs statements in-process through a gateway's executor, as a given user, for tests. */
public final class TestStatements {
    private TestStatements() {}

    /** Runs {@code sql} as {@code who}, closing any rows it returns. */
    public static void run(StatementExecutor executor, Principal who, String sql) {
        StatementResult r = executor.execute(who, executor.prepare(who, sql), List.of(), QueryControl.none());
        if (r instanceof StatementResult.Rows rows) {
            rows.cursor().close();
        }
    }

    /** The rows of {@code sql} run as {@code who} with {@code parameters}, each row a list of its values. */
    public static List<List<Object>> rows(StatementExecutor executor, Principal who, String sql, Object... parameters) {
        var prepared = executor.prepare(who, sql);
        List<Object> params = prepared.parameterCount() == 0 ? List.of() : Arrays.asList(parameters);
        StatementResult r = executor.execute(who, prepared, params, QueryControl.none());
        List<List<Object>> out = new ArrayList<>();
        try (RowCursor c = ((StatementResult.Rows) r).cursor()) {
            while (c.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 0; i < c.columns().size(); i++) {
                    row.add(c.value(i));
                }
                out.add(row);
            }
        }
        return out;
    }
}
