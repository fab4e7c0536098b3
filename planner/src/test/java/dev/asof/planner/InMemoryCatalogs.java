package dev.asof.planner;

import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.spi.ColumnMetadata;
import java.sql.JDBCType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Catalog fixtures for tests outside this package. */
public final class InMemoryCatalogs {
    private InMemoryCatalogs() {}

    /** The standard catalog plus {@code online_profile}: customer_profile's columns, ONLINE. */
    public static Catalog withOnlineView() {
        InMemoryCatalog c = InMemoryCatalog.standard();
        c.add(new FeatureView("online_profile", "customer", "profile_updates", List.of(
                        new Feature("\"customer_id\"", ColumnMetadata.of("customer_id", JDBCType.BIGINT)),
                        new Feature("\"segment\"", ColumnMetadata.of("segment", JDBCType.VARCHAR)),
                        new Feature("\"credit_limit\"", ColumnMetadata.of("credit_limit", JDBCType.DOUBLE))),
                Optional.of(Duration.ofDays(30)), true,
                "CREATE FEATURE VIEW online_profile ENTITY customer FROM profile_updates"
                        + " AS SELECT customer_id, segment, credit_limit TTL INTERVAL '30' DAY ONLINE"));
        return c;
    }
}
