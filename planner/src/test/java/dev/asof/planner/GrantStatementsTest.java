package dev.asof.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.parser.Privilege;
import dev.asof.planner.parser.SecurableKind;
import dev.asof.planner.parser.SqlGrant;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.sql.DuckDbDialect;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** CREATE/DROP ROLE, GRANT, REVOKE and SHOW GRANTS: asof's statements, never the warehouse's. */
class GrantStatementsTest {
    private final Planner planner = new Planner(InMemoryCatalog.standard(), new DuckDbDialect());

    @Test
    void rolesArePlanned() {
        assertThat(planner.plan("CREATE ROLE analysts")).isEqualTo(new PlannedStatement.CreateRole("analysts", false));
        assertThat(planner.plan("create role if not exists analysts"))
                .isEqualTo(new PlannedStatement.CreateRole("analysts", true));
        assertThat(planner.plan("DROP ROLE IF EXISTS analysts")).isEqualTo(new PlannedStatement.DropRole("analysts", true));
        assertThat(planner.plan("GRANT analysts TO alice")).isEqualTo(new PlannedStatement.GrantRole("analysts", "alice", false));
        assertThat(planner.plan("REVOKE analysts FROM USER alice"))
                .isEqualTo(new PlannedStatement.GrantRole("analysts", "alice", true));
    }

    @Test
    void privilegesArePlanned() {
        assertThat(planner.plan("GRANT SELECT ON FEATURE VIEW customer_profile TO analysts"))
                .isEqualTo(new PlannedStatement.GrantPrivilege(Privilege.SELECT, Optional.of(
                        new PlannedStatement.SecuredObject(SecurableKind.FEATURE_VIEW, List.of("customer_profile"))),
                        "analysts", Optional.empty(), false));
        assertThat(planner.plan("GRANT SELECT ON SOURCE profile_updates TO ROLE analysts"))
                .isEqualTo(new PlannedStatement.GrantPrivilege(Privilege.SELECT, Optional.of(
                        new PlannedStatement.SecuredObject(SecurableKind.SOURCE, List.of("profile_updates"))),
                        "analysts", Optional.of(SqlGrant.GranteeKind.ROLE), false));
        assertThat(planner.plan("REVOKE SELECT ON TABLE lake.ml.labels FROM USER bob"))
                .isEqualTo(new PlannedStatement.GrantPrivilege(Privilege.SELECT, Optional.of(
                        new PlannedStatement.SecuredObject(SecurableKind.TABLE, List.of("lake", "ml", "labels"))),
                        "bob", Optional.of(SqlGrant.GranteeKind.USER), true));
        assertThat(planner.plan("GRANT MATERIALIZE ON FEATURE VIEW customer_profile TO bob"))
                .isEqualTo(new PlannedStatement.GrantPrivilege(Privilege.MATERIALIZE, Optional.of(
                        new PlannedStatement.SecuredObject(SecurableKind.FEATURE_VIEW, List.of("customer_profile"))),
                        "bob", Optional.empty(), false));
        assertThat(planner.plan("GRANT CREATE TO bob"))
                .isEqualTo(new PlannedStatement.GrantPrivilege(Privilege.CREATE, Optional.empty(), "bob", Optional.empty(), false));
        assertThat(planner.plan("REVOKE ADMIN FROM bob"))
                .isEqualTo(new PlannedStatement.GrantPrivilege(Privilege.ADMIN, Optional.empty(), "bob", Optional.empty(), true));
        assertThat(planner.plan("SHOW GRANTS")).isEqualTo(new PlannedStatement.ShowGrants(Optional.empty()));
        assertThat(planner.plan("SHOW GRANTS FOR bob")).isEqualTo(new PlannedStatement.ShowGrants(Optional.of("bob")));
    }

    @Test
    void wrongFormsAreSyntaxErrorsNotWarehouseStatements() {
        assertThatThrownBy(() -> planner.plan("GRANT SELECT ON FEATURE VIEW v FROM bob"))
                .isInstanceOfSatisfying(AsofException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
                    assertThat(e.getMessage()).contains("GRANT takes TO");
                });
        assertThatThrownBy(() -> planner.plan("REVOKE CREATE TO bob"))
                .isInstanceOfSatisfying(AsofException.class, e -> assertThat(e.getMessage()).contains("REVOKE takes FROM"));
        assertThatThrownBy(() -> planner.plan("GRANT ADMIN TO ROLE analysts"))
                .isInstanceOfSatisfying(AsofException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_DEFINITION));
        assertThatThrownBy(() -> planner.plan("GRANT ALL PRIVILEGES ON lake.ml.labels TO bob"))
                .isInstanceOf(AsofException.class);
    }
}
