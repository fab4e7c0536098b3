package dev.asof.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.parser.ObjectKind;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry's contract on a real PostgreSQL server, and what only a shared database can do. */
class RegistryOnPostgresTest extends RegistryTest {
    @RegisterExtension
    static final PostgresRegistry POSTGRES = new PostgresRegistry();

    private RegistrySettings database;

    @Override
    RegistrySettings settings() {
        if (database == null) {
            database = POSTGRES.newDatabase();
        }
        return database;
    }

    @Test
    void theSchemaIsCreatedByTheMigrationsAndRecordedInTheirHistory() throws Exception {
        try (Connection c = DriverManager.getConnection(settings().url().orElseThrow(), "postgres", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version, success FROM " + RegistryDatabase.HISTORY_TABLE
                        + " WHERE version IS NOT NULL ORDER BY installed_rank")) {
            List<String> applied = new ArrayList<>();
            while (rs.next()) {
                assertThat(rs.getBoolean(2)).isTrue();
                applied.add(rs.getString(1));
            }
            assertThat(applied).containsExactly("1", "2", "3", "4");
        }
        // Opening again applies nothing twice and keeps what is there.
        registry.create(entity("customer"), false);
        registry.close();
        registry = open();
        assertThat(registry.get("customer")).isPresent();
    }

    @Test
    void concurrentDdlFromTwoGatewaysNeverCorruptsTheRegistry() throws Exception {
        registry.create(entity("customer"), false);
        registry.create(source("events"), false);
        try (Registry other = open()) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> created = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    Registry on = t % 2 == 0 ? registry : other;
                    created.add(pool.submit(() -> {
                        int mine = 0;
                        for (int i = 0; i < 20; i++) {
                            // Every thread races for the same names: exactly one create of each wins.
                            if (on.create(view("v" + i, "customer", "events"), true)) {
                                mine++;
                            }
                        }
                        return mine;
                    }));
                }
                int wins = 0;
                for (Future<Integer> f : created) {
                    wins += f.get(120, TimeUnit.SECONDS);
                }
                assertThat(wins).isEqualTo(20);
            } finally {
                pool.shutdownNow();
            }
            registry.reload();
            other.reload();
            assertThat(names(registry)).containsExactlyInAnyOrderElementsOf(names(other)).hasSize(22);
            // A source still in use cannot be dropped from either gateway.
            assertThatThrownBy(() -> other.drop(ObjectKind.SOURCE, "events", false)).hasMessageContaining("used by");
            List<Long> ids = names(registry).stream().map(n -> registry.objectId(n).orElseThrow()).distinct().toList();
            assertThat(ids).hasSize(22);
        }
    }

    @Test
    void aRegistryUrlOfAnotherDatabaseIsRefusedWithTheKeyNamed() {
        assertThatThrownBy(() -> RegistrySettings.shared("jdbc:mysql://db/asof", "u", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(RegistrySettings.URL_KEY);
        RegistrySettings unreachable = new RegistrySettings(Optional.of("jdbc:postgresql://127.0.0.1:1/asof"),
                Optional.of("postgres"), Optional.of(new dev.asof.planner.plan.Secret("hunter2")), 1,
                RegistrySettings.DEFAULT_POLL_INTERVAL, RegistrySettings.DEFAULT_LEASE);
        assertThatThrownBy(() -> Registry.open(unreachable, dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("registry")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    private static List<String> names(Registry r) {
        return r.objects().stream().map(CatalogObject::name).toList();
    }
}
