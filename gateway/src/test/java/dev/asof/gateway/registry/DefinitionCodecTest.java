package dev.asof.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.RequestView;
import dev.asof.planner.window.WindowAggregate;
import dev.asof.planner.window.WindowFunction;
import dev.asof.spi.ColumnMetadata;
import java.sql.JDBCType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DefinitionCodecTest {
    @Test
    void windowedViewRoundTrips() {
        WindowAggregate sum = new WindowAggregate(WindowFunction.SUM, Optional.of("\"amount\""), Duration.ofDays(7));
        WindowAggregate count = new WindowAggregate(WindowFunction.COUNT_ROWS, Optional.empty(), Duration.ofHours(1));
        FeatureView view = new FeatureView("spend", "customer", "tx", List.of(
                new Feature("\"customer_id\"", ColumnMetadata.of("customer_id", JDBCType.BIGINT)),
                new Feature(sum.sql(), ColumnMetadata.of("spend_7d", JDBCType.DOUBLE), Optional.of(sum)),
                new Feature(count.sql(), ColumnMetadata.of("txn_1h", JDBCType.BIGINT), Optional.of(count))),
                Optional.empty(), Optional.of(Duration.ofMinutes(5)), true, "CREATE FEATURE VIEW spend ...");

        FeatureView back = (FeatureView) DefinitionCodec.decode(DefinitionCodec.encode(view));

        assertThat(back).isEqualTo(view);
        assertThat(back.windowed()).isTrue();
        assertThat(back.grid().hopMicros()).isEqualTo(300_000_000L);
    }

    /** Registry rows written before windowed views existed have neither aggregates nor a hop. */
    @Test
    void latestValueViewsWrittenBeforeWindowsStillRead() {
        String stored = "{\"name\":\"prof\",\"ddl\":\"CREATE FEATURE VIEW prof ...\",\"kind\":\"FEATURE VIEW\","
                + "\"entity\":\"customer\",\"source\":\"ev\",\"features\":[{\"expression\":\"\\\"customer_id\\\"\","
                + "\"type\":{\"name\":\"customer_id\",\"jdbcType\":\"BIGINT\",\"typeName\":\"BIGINT\",\"precision\":0,"
                + "\"scale\":0}}],\"ttlMillis\":86400000,\"online\":false}";

        FeatureView v = (FeatureView) DefinitionCodec.decode(stored);

        assertThat(v.windowed()).isFalse();
        assertThat(v.hop()).isEmpty();
        assertThat(v.ttl()).contains(Duration.ofDays(1));
        assertThat(v.features().get(0).aggregate()).isEmpty();
    }

    @Test
    void requestViewRoundTrips() {
        RequestView view = new RequestView("payment_risk", "customer", "customer_spend",
                List.of(ColumnMetadata.of("customer_id", JDBCType.BIGINT)),
                List.of(ColumnMetadata.of("amount", JDBCType.DOUBLE),
                        new ColumnMetadata("fee", JDBCType.DECIMAL, "DECIMAL", 10, 2)),
                List.of(new Feature("\"amount\" / \"avg_7d\"", ColumnMetadata.of("ratio", JDBCType.DOUBLE)),
                        new Feature("\"txn_1h\" > 10", ColumnMetadata.of("burst", JDBCType.BOOLEAN))),
                true, "CREATE FEATURE VIEW payment_risk ENTITY customer FROM customer_spend REQUEST (amount DOUBLE,"
                        + " fee DECIMAL(10, 2)) AS SELECT amount / avg_7d AS ratio, txn_1h > 10 AS burst ONLINE");
        RequestView back = (RequestView) DefinitionCodec.decode(DefinitionCodec.encode(view));
        assertThat(back).isEqualTo(view);
        assertThat(back.tableType()).isEqualTo("FEATURE VIEW");
    }
}
