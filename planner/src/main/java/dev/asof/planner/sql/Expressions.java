package dev.asof.planner.sql;

import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;

/**
 * Parses and prints the canonical form in which the registry stores a feature's expression:
 * ANSI SQL with double-quoted identifiers, case kept.
 */
public final class Expressions {
    private static final SqlParser.Config CONFIG = SqlParser.config()
            .withQuoting(Quoting.DOUBLE_QUOTE)
            .withUnquotedCasing(Casing.UNCHANGED)
            .withQuotedCasing(Casing.UNCHANGED);

    private Expressions() {}

    public static SqlNode parse(String expression) {
        try {
            return SqlParser.create(expression, CONFIG).parseExpression();
        } catch (SqlParseException e) {
            throw new IllegalStateException("stored expression does not parse: " + expression, e);
        }
    }

    public static String print(SqlNode expression) {
        return expression.toSqlString(c -> c.withDialect(org.apache.calcite.sql.dialect.CalciteSqlDialect.DEFAULT)
                .withQuoteAllIdentifiers(true)).getSql();
    }
}
