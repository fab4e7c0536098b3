package dev.asof.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.parser.AsofParser;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.plan.Secret;
import dev.asof.planner.sql.DuckDbDialect;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** CREATE/ALTER/DROP USER and SHOW USERS: parsed as asof's, planned, passwords never printed. */
class UserStatementsTest {
    private final Planner planner = new Planner(InMemoryCatalog.standard(), new DuckDbDialect());

    @Test
    void userStatementsArePlanned() {
        PlannedStatement create = planner.plan("CREATE USER alice PASSWORD 'it''s secret' ADMIN");
        assertThat(create).isInstanceOfSatisfying(PlannedStatement.CreateUser.class, c -> {
            assertThat(c.name()).isEqualTo("alice");
            assertThat(c.password().reveal()).isEqualTo("it's secret");
            assertThat(c.admin()).isTrue();
            assertThat(c.ifNotExists()).isFalse();
        });
        assertThat(planner.plan("create user if not exists bob password 'x'"))
                .isEqualTo(new PlannedStatement.CreateUser("bob", new Secret("x"), false, true));
        assertThat(planner.plan("ALTER USER alice PASSWORD 'new'"))
                .isEqualTo(new PlannedStatement.AlterUser("alice", Optional.of(new Secret("new")), Optional.empty()));
        assertThat(planner.plan("ALTER USER alice ADMIN"))
                .isEqualTo(new PlannedStatement.AlterUser("alice", Optional.empty(), Optional.of(true)));
        assertThat(planner.plan("ALTER USER alice NOADMIN"))
                .isEqualTo(new PlannedStatement.AlterUser("alice", Optional.empty(), Optional.of(false)));
        assertThat(planner.plan("DROP USER IF EXISTS alice")).isEqualTo(new PlannedStatement.DropUser("alice", true));
        assertThat(planner.plan("SHOW USERS")).isEqualTo(new PlannedStatement.ShowUsers());
        assertThat(PlannedStatement.managesUsers(planner.plan("SHOW USERS"))).isTrue();
        assertThat(PlannedStatement.managesUsers(planner.plan("SHOW ENTITIES"))).isFalse();
        // Other ALTER statements remain the warehouse's.
        assertThat(planner.plan("ALTER TABLE t ADD COLUMN c INT")).isInstanceOf(PlannedStatement.PassThrough.class);
    }

    @Test
    void passwordsAreNeverPrinted() {
        PlannedStatement create = planner.plan("CREATE USER alice PASSWORD 'hunter2'");
        assertThat(create.toString()).doesNotContain("hunter2").contains("***");
        assertThat(planner.plan("ALTER USER alice PASSWORD 'hunter2'").toString()).doesNotContain("hunter2");
        assertThat(AsofParser.parse("CREATE USER alice PASSWORD 'hunter2' ADMIN").toString())
                .doesNotContain("hunter2").contains("PASSWORD '***'");
        assertThat(AsofParser.parse("ALTER USER alice PASSWORD 'hunter2'").toString()).doesNotContain("hunter2");
        assertThat(Secret.maskPasswords("create user a password 'x''y' admin; ALTER USER b PASSWORD 'z"))
                .isEqualTo("create user a password '***' admin; ALTER USER b PASSWORD '***'");
        assertThat(Secret.maskPasswords("SELECT 'password' AS p")).isEqualTo("SELECT 'password' AS p");
    }

    @Test
    void badNamesAndPasswordsAreRefusedWithoutQuotingThePassword() {
        AsofException tooLong = catchThrowableOfType(
                () -> planner.plan("CREATE USER alice PASSWORD '" + "p".repeat(73) + "'"), AsofException.class);
        assertThat(tooLong.code()).isEqualTo(ErrorCode.INVALID_DEFINITION);
        assertThat(tooLong.getMessage()).contains("1 to 72 bytes").doesNotContain("ppp");
        AsofException empty = catchThrowableOfType(() -> planner.plan("CREATE USER alice PASSWORD ''"),
                AsofException.class);
        assertThat(empty.code()).isEqualTo(ErrorCode.INVALID_DEFINITION);
        AsofException name = catchThrowableOfType(() -> planner.plan("CREATE USER \"a:b\" PASSWORD 'x'"),
                AsofException.class);
        assertThat(name.code()).isEqualTo(ErrorCode.INVALID_DEFINITION);
        assertThat(name.getMessage()).contains("user name 'a:b' is not valid");
        AsofException twoChanges = catchThrowableOfType(() -> planner.plan("ALTER USER alice ADMIN PASSWORD 'x'"),
                AsofException.class);
        assertThat(twoChanges.code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
        // The "one statement per call" error quotes the second statement's start: masked.
        AsofException second = catchThrowableOfType(() -> planner.plan("SELECT 1; CREATE USER bob PASSWORD 'hunter2'"),
                AsofException.class);
        assertThat(second.code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
        assertThat(second.getMessage()).contains("CREATE USER bob PASSWORD '***'").doesNotContain("hunter2");
        AsofException show = catchThrowableOfType(() -> planner.plan("SHOW ROLES"), AsofException.class);
        assertThat(show).isNull(); // SHOW of anything else is the warehouse's
    }
}
