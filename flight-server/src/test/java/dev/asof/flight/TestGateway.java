package dev.asof.flight;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.execution.StatementResult;
import dev.asof.spi.warehouse.QueryControl;
import java.util.List;

/** A small PIT scenario: customer profiles changing over time, one feature view over them. */
final class TestGateway {
    private TestGateway() {}

    static void install(AsofGateway gateway) {
        StatementExecutor x = gateway.executor();
        run(x, "CREATE TABLE lake.main.profile_updates (customer_id BIGINT, segment VARCHAR, credit DECIMAL(10,2),"
                + " updated_ts TIMESTAMP)");
        run(x, "INSERT INTO lake.main.profile_updates VALUES"
                + " (1, 'bronze', 100.00, TIMESTAMP '2025-01-01 00:00:00'),"
                + " (1, 'gold', 900.50, TIMESTAMP '2025-02-01 00:00:00'),"
                + " (2, 'silver', 300.25, TIMESTAMP '2025-01-15 00:00:00'),"
                + " (3, 'bronze', NULL, TIMESTAMP '2025-03-01 00:00:00')");
        run(x, "CREATE ENTITY customer (customer_id BIGINT)");
        run(x, "CREATE SOURCE profile_updates FROM TABLE lake.main.profile_updates EVENT TIME updated_ts");
        run(x, "CREATE FEATURE VIEW customer_profile ENTITY customer FROM profile_updates"
                + " AS SELECT customer_id, segment, credit");
    }

    static void run(StatementExecutor executor, String sql) {
        StatementResult r = executor.execute(executor.prepare(sql), List.of(), QueryControl.none());
        if (r instanceof StatementResult.Rows rows) {
            rows.cursor().close();
        }
    }

    static FlightSqlEndpoint flight(AsofGateway gateway) {
        return gateway.endpoints().stream().filter(FlightSqlEndpoint.class::isInstance)
                .map(FlightSqlEndpoint.class::cast).findFirst().orElseThrow();
    }
}
