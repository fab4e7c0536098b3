package dev.asof.planner.parser;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * {@code ALTER FEATURE VIEW name SET LOG SAMPLE fraction} or {@code ... SET DRIFT THRESHOLD psi}:
 * changes a monitoring setting of a view, not its definition.
 */
public final class SqlAlterFeatureView extends SqlCall {
    /** The operator of ALTER FEATURE VIEW. */
    public static final SqlOperator OPERATOR = new SqlSpecialOperator("ALTER FEATURE VIEW", SqlKind.OTHER_DDL);

    /** Which setting is changed. */
    public enum Setting {
        /** The fraction of online lookups logged, 0 (off) to 1. */
        LOG_SAMPLE("LOG SAMPLE"),
        /** The population stability index above which a feature counts as drifted. */
        DRIFT_THRESHOLD("DRIFT THRESHOLD");

        private final String words;

        Setting(String words) {
            this.words = words;
        }

        /** The setting as written, e.g. {@code LOG SAMPLE}. */
        public String words() {
            return words;
        }
    }

    private final SqlIdentifier name;
    private final Setting setting;
    private final SqlNumericLiteral value;

    /** Creates an ALTER FEATURE VIEW ... SET statement. */
    public SqlAlterFeatureView(SqlParserPos pos, SqlIdentifier name, Setting setting, SqlNumericLiteral value) {
        super(requireNonNull(pos, "pos"));
        this.name = requireNonNull(name, "name");
        this.setting = requireNonNull(setting, "setting");
        this.value = requireNonNull(value, "value");
    }

    public SqlIdentifier name() {
        return name;
    }

    public Setting setting() {
        return setting;
    }

    public SqlNumericLiteral value() {
        return value;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return List.of(name, value);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("ALTER FEATURE VIEW");
        name.unparse(writer, 0, 0);
        writer.keyword("SET");
        writer.keyword(setting.words());
        value.unparse(writer, 0, 0);
    }
}
