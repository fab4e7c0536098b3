package dev.asof.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.planner.catalog.Entity;
import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.catalog.SourceLocation;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.parser.ObjectKind;
import dev.asof.planner.parser.Privilege;
import dev.asof.planner.parser.SecurableKind;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.TableName;
import java.nio.file.Path;
import java.sql.JDBCType;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Roles and grants in the registry: kept across a reopen, and dropped with what they name. */
class GrantStoreTest {
    private static final Optional<SecurableKind> VIEW = Optional.of(SecurableKind.FEATURE_VIEW);

    @TempDir
    Path dir;

    private Registry registry;

    /** Where the registry under test lives; the same for every open within one test. */
    RegistrySettings settings() {
        return RegistrySettings.embedded();
    }

    @BeforeEach
    void open() {
        registry = Registry.open(settings(), dir);
        registry.users().create("bob", "{noop}x", false, false);
        registry.users().create("alice", "{noop}x", false, false);
    }

    @AfterEach
    void close() {
        registry.close();
    }

    private GrantStore grants() {
        return registry.grants();
    }

    @Test
    void grantsThroughRolesAndDirectlyAreKeptAcrossAReopen() {
        grants().createRole("analysts", false);
        grants().grantRole("analysts", "bob");
        grants().grant(Privilege.SELECT, VIEW, "spend", "analysts", Optional.empty());
        grants().grant(Privilege.CREATE, Optional.empty(), "", "alice", Optional.empty());
        long version = grants().snapshot().version();

        registry.close();
        registry = Registry.open(settings(), dir);
        GrantStore.Grants g = grants().snapshot();
        assertThat(g.holds("BOB", Privilege.SELECT, VIEW, "SPEND")).isTrue();
        assertThat(g.holds("alice", Privilege.SELECT, VIEW, "spend")).isFalse();
        assertThat(g.holds("alice", Privilege.CREATE, Optional.empty(), "")).isTrue();
        assertThat(g.holds("bob", Privilege.CREATE, Optional.empty(), "")).isFalse();
        assertThat(g.rolesOf("bob")).containsExactly("analysts");

        grants().revokeRole("analysts", "bob");
        assertThat(grants().snapshot().holds("bob", Privilege.SELECT, VIEW, "spend")).isFalse();
        assertThat(grants().snapshot().version()).isNotEqualTo(version);
    }

    @Test
    void droppingAUserARoleOrAnObjectDropsItsGrants() {
        grants().createRole("analysts", false);
        grants().grantRole("analysts", "bob");
        grants().grant(Privilege.SELECT, VIEW, "spend", "bob", Optional.empty());
        grants().grant(Privilege.SELECT, Optional.of(SecurableKind.TABLE), "lake.main.t", "analysts", Optional.empty());

        registry.users().drop("bob", false);
        registry.users().create("bob", "{noop}y", false, false);
        assertThat(grants().snapshot().holds("bob", Privilege.SELECT, VIEW, "spend")).isFalse();
        assertThat(grants().snapshot().rolesOf("bob")).isEmpty();

        grants().grantRole("analysts", "bob");
        assertThat(grants().snapshot().holds("bob", Privilege.SELECT, Optional.of(SecurableKind.TABLE), "lake.main.t")).isTrue();
        grants().dropRole("analysts", false);
        assertThat(grants().snapshot().holds("bob", Privilege.SELECT, Optional.of(SecurableKind.TABLE), "lake.main.t")).isFalse();
        assertThat(grants().snapshot().grants()).isEmpty();

        List<ColumnMetadata> columns = List.of(ColumnMetadata.of("customer_id", JDBCType.BIGINT),
                ColumnMetadata.of("ts", JDBCType.TIMESTAMP), ColumnMetadata.of("amount", JDBCType.DOUBLE));
        registry.create(new Entity("customer", List.of(columns.get(0)), "CREATE ENTITY customer"), false);
        registry.create(new Source("events", new SourceLocation.Table(TableName.of("lake", "main", "events")), "ts",
                Optional.empty(), columns, "CREATE SOURCE events"), false);
        registry.create(new FeatureView("spend", "customer", "events", List.of(new Feature("amount",
                ColumnMetadata.of("amount", JDBCType.DOUBLE), Optional.empty())), Optional.empty(), Optional.empty(), false,
                "CREATE FEATURE VIEW spend"), false);
        grants().grant(Privilege.SELECT, VIEW, "spend", "bob", Optional.empty());
        grants().grant(Privilege.SELECT, Optional.of(SecurableKind.SOURCE), "events", "bob", Optional.empty());
        registry.drop(ObjectKind.FEATURE_VIEW, "spend", false);
        assertThat(grants().snapshot().holds("bob", Privilege.SELECT, VIEW, "spend")).isFalse();
        assertThat(grants().snapshot().holds("bob", Privilege.SELECT, Optional.of(SecurableKind.SOURCE), "events")).isTrue();
    }

    @Test
    void usersAndRolesShareOneNamespace() {
        assertThatThrownBy(() -> grants().createRole("bob", false)).isInstanceOfSatisfying(AsofException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
        grants().createRole("analysts", false);
        assertThatThrownBy(() -> registry.users().create("Analysts", "{noop}x", false, false))
                .isInstanceOfSatisfying(AsofException.class, e -> assertThat(e.getMessage()).contains("is a role"));
        assertThatThrownBy(() -> grants().grant(Privilege.CREATE, Optional.empty(), "", "nobody", Optional.empty()))
                .isInstanceOfSatisfying(AsofException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_OBJECT));
        assertThat(grants().grant(Privilege.CREATE, Optional.empty(), "", "analysts", Optional.empty()))
                .isEqualTo(GrantStore.GranteeKind.ROLE);
        assertThat(grants().createRole("analysts", true)).isFalse();
    }
}
