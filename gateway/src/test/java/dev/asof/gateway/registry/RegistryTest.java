package dev.asof.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.Entity;
import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.catalog.SourceLocation;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.parser.ObjectKind;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.TableName;
import java.nio.file.Path;
import java.sql.JDBCType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's contract on its embedded database; {@link RegistryOnPostgresTest} runs the same
 * tests on PostgreSQL. Definitions, users and materialization runs are kept across a reopen, ids
 * are never reused, and references are checked in the database transaction.
 */
class RegistryTest {
    static final List<ColumnMetadata> COLUMNS = List.of(ColumnMetadata.of("customer_id", JDBCType.BIGINT),
            ColumnMetadata.of("ts", JDBCType.TIMESTAMP), ColumnMetadata.of("amount", JDBCType.DOUBLE));

    @TempDir
    Path dir;

    Registry registry;

    /** Where the registry under test lives; the same for every open within one test. */
    RegistrySettings settings() {
        return RegistrySettings.embedded();
    }

    Registry open() {
        return Registry.open(settings(), dir);
    }

    @BeforeEach
    void openRegistry() {
        registry = open();
    }

    @AfterEach
    void closeRegistry() {
        registry.close();
    }

    static Entity entity(String name) {
        return new Entity(name, List.of(COLUMNS.get(0)), "CREATE ENTITY " + name);
    }

    static Source source(String name) {
        return new Source(name, new SourceLocation.Table(TableName.of("lake", "main", name)), "ts", Optional.empty(),
                COLUMNS, "CREATE SOURCE " + name);
    }

    static FeatureView view(String name, String entity, String source) {
        return new FeatureView(name, entity, source, List.of(new Feature("amount",
                ColumnMetadata.of("amount", JDBCType.DOUBLE), Optional.empty())), Optional.empty(), Optional.empty(),
                false, "CREATE FEATURE VIEW " + name);
    }

    @Test
    void definitionsAndTheirIdsAreKeptAcrossAReopenAndIdsAreNeverReused() {
        registry.create(entity("customer"), false);
        registry.create(source("events"), false);
        registry.create(view("spend", "customer", "events"), false);
        long spendId = registry.objectId("spend").orElseThrow();

        registry.close();
        registry = open();
        assertThat(registry.objects()).extracting(CatalogObject::name).containsExactly("customer", "events", "spend");
        assertThat(registry.get("SPEND")).contains(view("spend", "customer", "events"));
        assertThat(registry.objectId("spend")).contains(spendId);

        registry.drop(ObjectKind.FEATURE_VIEW, "spend", false);
        registry.create(view("spend", "customer", "events"), false);
        assertThat(registry.objectId("spend").orElseThrow()).isNotEqualTo(spendId);
        assertThat(registry.create(view("spend", "customer", "events"), true)).isFalse();
        assertThatThrownBy(() -> registry.create(view("spend", "customer", "events"), false))
                .isInstanceOfSatisfying(AsofException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    }

    @Test
    void referencesAreCheckedInTheTransaction() {
        registry.create(entity("customer"), false);
        assertThatThrownBy(() -> registry.create(view("spend", "customer", "nope"), false))
                .isInstanceOfSatisfying(AsofException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_OBJECT));
        assertThat(registry.get("spend")).isEmpty();

        registry.create(source("events"), false);
        registry.create(view("spend", "customer", "events"), false);
        assertThatThrownBy(() -> registry.drop(ObjectKind.SOURCE, "events", false))
                .isInstanceOfSatisfying(AsofException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_DEFINITION);
                    assertThat(e.getMessage()).contains("spend");
                });
        assertThat(registry.get("events")).isPresent();
        assertThatThrownBy(() -> registry.drop(ObjectKind.SOURCE, "event", false))
                .isInstanceOfSatisfying(AsofException.class, e -> assertThat(e.getMessage()).contains("events"));
    }

    @Test
    void aNewPasswordGetsANewCredentialId() {
        registry.users().create("bob", "{noop}one", false, false);
        long first = registry.users().get("bob").orElseThrow().credentialId();
        registry.users().setPassword("bob", "{noop}two");
        long second = registry.users().get("bob").orElseThrow().credentialId();
        assertThat(second).isNotEqualTo(first);

        registry.close();
        registry = open();
        assertThat(registry.users().get("BOB").orElseThrow())
                .satisfies(u -> {
                    assertThat(u.passwordHash()).isEqualTo("{noop}two");
                    assertThat(u.credentialId()).isEqualTo(second);
                    assertThat(u.admin()).isFalse();
                });
    }

    @Test
    void materializationRunsAreNumberedPerViewAndKept() {
        Instant t = Instant.parse("2025-03-01T00:00:00.123456Z");
        MaterializationLog log = registry.materializations();
        MaterializationLog.Run first = log.start(7, "spend", Optional.empty(), t, t, 0).orElseThrow();
        log.complete(7, first.runId(), 42, t.plusSeconds(1));
        MaterializationLog.Run second = log.start(7, "spend", Optional.of(t), t.plusSeconds(60), t.plusSeconds(60),
                first.runId()).orElseThrow();
        assertThat(second.runId()).isEqualTo(first.runId() + 1);

        registry.close();
        registry = open();
        List<MaterializationLog.Run> runs = registry.materializations().runs(7);
        assertThat(runs).extracting(MaterializationLog.Run::status)
                .containsExactly(MaterializationLog.Status.COMPLETE, MaterializationLog.Status.RUNNING);
        assertThat(runs.get(0).asOf()).isEqualTo(t);
        assertThat(runs.get(1).changesAfter()).contains(t);
        assertThat(runs.get(0).rowsDone()).isEqualTo(42);
    }
}
