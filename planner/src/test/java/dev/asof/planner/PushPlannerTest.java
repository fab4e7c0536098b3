package dev.asof.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.planner.catalog.Push;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.catalog.SourceLocation;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.plan.PushValue;
import dev.asof.planner.sql.DuckDbDialect;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.TableName;
import java.math.BigDecimal;
import java.sql.JDBCType;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** CREATE SOURCE ... PUSH checks, and INSERT into a push source planned for the log, not the warehouse. */
class PushPlannerTest {
    private final Planner planner = new Planner(catalog(), new DuckDbDialect());

    private static InMemoryCatalog catalog() {
        InMemoryCatalog c = InMemoryCatalog.standard();
        c.add(new Source("clicks", new SourceLocation.Table(TableName.of("lake", "asof_push", "clicks")), "ts",
                Optional.of(Push.CREATED_TIME), List.of(ColumnMetadata.of("user_id", JDBCType.BIGINT),
                        ColumnMetadata.of("ts", JDBCType.TIMESTAMP), ColumnMetadata.of("amount", JDBCType.DOUBLE),
                        ColumnMetadata.of(Push.CREATED_TIME, JDBCType.TIMESTAMP)), "CREATE SOURCE clicks ...",
                Optional.of(new Push(Optional.empty()))));
        return c;
    }

    @Test
    void createPushSourceDeclaresItsColumns() {
        PlannedStatement.CreateSource s = (PlannedStatement.CreateSource) planner.plan(
                "CREATE SOURCE pay (id VARCHAR, ts TIMESTAMP, amount DECIMAL(10, 2)) EVENT TIME ts PUSH IDEMPOTENCY KEY ID");
        assertThat(s.createdTime()).contains(Push.CREATED_TIME);
        assertThat(s.push().orElseThrow().idempotencyKey()).contains("id");
        assertThat(s.push().orElseThrow().columns()).extracting(ColumnMetadata::jdbcType)
                .containsExactly(JDBCType.VARCHAR, JDBCType.TIMESTAMP, JDBCType.DECIMAL);
        assertThat(s.push().orElseThrow().columns().get(2).scale()).isEqualTo(2);
    }

    @Test
    void badPushSourcesAreRefusedWithPositions() {
        assertThatThrownBy(() -> planner.plan("CREATE SOURCE p (id BIGINT, ts VARCHAR) EVENT TIME ts PUSH"))
                .isInstanceOf(AsofException.class).hasMessageContaining("TIMESTAMP or DATE");
        assertThatThrownBy(() -> planner.plan("CREATE SOURCE p (id BIGINT, ts TIMESTAMP) EVENT TIME tss PUSH"))
                .hasMessageContaining("line 1, column").hasMessageContaining("did you mean 'ts'");
        assertThatThrownBy(() -> planner.plan("CREATE SOURCE p (id BIGINT, _created TIMESTAMP) EVENT TIME _created PUSH"))
                .hasMessageContaining("asof's own");
        assertThatThrownBy(() -> planner.plan("CREATE SOURCE p (id BIGINT, ID BIGINT, ts TIMESTAMP) EVENT TIME ts PUSH"))
                .hasMessageContaining("declared twice");
        assertThatThrownBy(() -> planner.plan("CREATE SOURCE p (id BIGINT, ts TIMESTAMP) EVENT TIME ts PUSH IDEMPOTENCY KEY k"))
                .hasMessageContaining("IDEMPOTENCY KEY column 'k'");
    }

    @Test
    void insertIntoAPushSourceIsAPush() {
        PlannedStatement.Push p = (PlannedStatement.Push) planner.plan(
                "INSERT INTO clicks (amount, ts, user_id) VALUES (-1.5, TIMESTAMP '2025-01-01 10:00:00', ?), (?, ?, 7)");
        assertThat(p.source()).isEqualTo("clicks");
        assertThat(p.columns()).containsExactly(2, 1, 0);
        assertThat(p.rows().get(0)).containsExactly(new PushValue.Literal(new BigDecimal("-1.5")),
                new PushValue.Literal(LocalDateTime.of(2025, 1, 1, 10, 0)), new PushValue.Parameter(0));
        assertThat(p.parameterTypes()).containsExactly(JDBCType.BIGINT, JDBCType.DOUBLE, JDBCType.TIMESTAMP);
    }

    @Test
    void insertIntoAnythingElseIsTheWarehouses() {
        assertThat(planner.plan("INSERT INTO lake.main.labels VALUES (1, 2)")).isInstanceOf(PlannedStatement.PassThrough.class);
    }

    @Test
    void badInsertsNameWhatIsWrong() {
        assertThatThrownBy(() -> planner.plan("INSERT INTO clicks (user_id, _created) VALUES (1, 2)"))
                .isInstanceOf(AsofException.class).satisfies(e -> assertThat(((AsofException) e).code())
                        .isEqualTo(ErrorCode.PUSH_COLUMNS_MISMATCH)).hasMessageContaining("arrival instant");
        assertThatThrownBy(() -> planner.plan("INSERT INTO clicks VALUES (1, 2)"))
                .hasMessageContaining("has 2 value(s) for 3 column(s)");
        assertThatThrownBy(() -> planner.plan("INSERT INTO clicks SELECT * FROM lake.main.labels"))
                .satisfies(e -> assertThat(((AsofException) e).code()).isEqualTo(ErrorCode.NOT_SUPPORTED));
        assertThatThrownBy(() -> planner.plan("INSERT INTO clicks VALUES (1 + 1, TIMESTAMP '2025-01-01 00:00:00', 1)"))
                .hasMessageContaining("literal or a ? parameter");
    }
}
