package dev.asof.planner.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import org.junit.jupiter.api.Test;

/** The checks on statement text made before parsing: emptiness, one statement, limits. */
class StatementTextTest {
    private static AsofException error(String sql) {
        AsofException e = catchThrowableOfType(AsofException.class, () -> StatementText.single(sql));
        assertThat(e).as(sql).isNotNull();
        return e;
    }

    @Test
    void statementIsCutAtItsSemicolonWithPositionsKept() {
        assertThat(StatementText.single("SELECT 1")).isEqualTo("SELECT 1");
        assertThat(StatementText.single("SELECT 1 ;  -- done\n")).isEqualTo("SELECT 1");
        // Empty statements before it are blanked, so columns stay those of the text.
        assertThat(StatementText.single(" ; ;SELECT 1;")).isEqualTo("    SELECT 1");
        assertThat(StatementText.single("SELECT ';' -- ;\n, 2;;")).isEqualTo("SELECT ';' -- ;\n, 2");
        assertThat(StatementText.single("SELECT 1 -- c")).isEqualTo("SELECT 1 -- c");
    }

    @Test
    void secondStatementIsReportedAtItsFirstCharacter() {
        AsofException e = error("SELECT 1;\r\n  /* c */ SELECT 2");
        assertThat(e.code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
        assertThat(e.getMessage()).startsWith("line 2, column 11: a second statement starts here (\"SELECT 2\")");
        // A lone \r ends a line too, as in Calcite's parser.
        assertThat(error("SELECT 1;\rSELECT 2").getMessage()).startsWith("line 2, column 1: ");
        assertThat(error("SELECT 1; 'x'").getMessage()).startsWith("line 1, column 11: ");
    }

    @Test
    void eachWarehouseReadingOfQuotesIsConsidered() {
        // Standard reading: no E-strings, so the second quote ends the string.
        assertThat(StatementText.single("SELECT 'a\\'")).isEqualTo("SELECT 'a\\'");
        assertThat(error("SELECT E'\\''; DROP TABLE t; --'").getMessage()).startsWith("line 1, column 15: ");
        // PostgreSQL reading: dollar quotes and nested comments.
        assertThat(error("SELECT $$'$$; DROP TABLE t; --'").getMessage()).startsWith("line 1, column 15: ");
        assertThat(error("SELECT 1 /* /* */ ' */; DROP TABLE t; -- '").getMessage())
                .startsWith("line 1, column 25: ");
        // Words containing $ are identifiers, not dollar quotes; $1 is a parameter.
        assertThat(StatementText.single("SELECT a$$b, $1 FROM t")).isEqualTo("SELECT a$$b, $1 FROM t");
        // Read as standard SQL (no dollar quotes) this is two statements: rejected, to be safe.
        assertThat(error("SELECT $tag$ ; $tag$").code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
    }

    @Test
    void nestingIsCountedOutsideLiteralsAndComments() {
        String ok = "SELECT " + "[".repeat(100) + "{".repeat(100) + "1" + "}".repeat(100) + "]".repeat(100);
        assertThat(StatementText.single(ok)).isEqualTo(ok);
        // Closing more than was opened does not make room for more opening.
        String unbalanced = "SELECT " + ")".repeat(500) + "(".repeat(201);
        AsofException e = error(unbalanced);
        assertThat(e.code()).isEqualTo(ErrorCode.STATEMENT_TOO_COMPLEX);
        assertThat(e.getMessage()).startsWith("line 1, column 708: ");
        String literal = "SELECT '" + "(".repeat(1_000) + "', \"" + "(".repeat(1_000) + "\" -- " + "(".repeat(1_000);
        assertThat(StatementText.single(literal)).isEqualTo(literal);
    }

    @Test
    void firstWordsSkipCommentsAndOpeningParentheses() {
        assertThat(StatementText.firstWords("/* a */ ((-- b\n select x FROM", 3)).containsExactly("SELECT", "X", "FROM");
        assertThat(StatementText.firstWords("CREATE OR REPLACE FEATURE VIEW", 3))
                .containsExactly("CREATE", "OR", "REPLACE");
        assertThat(StatementText.firstWords("DROP 'x' ENTITY", 3)).containsExactly("DROP");
    }

    @Test
    void clipShortensLongQuotedPartsAndLongMessages() {
        String longName = "n".repeat(100);
        assertThat(StatementText.clip("column '" + longName + "' not found"))
                .isEqualTo("column '" + "n".repeat(40) + "...' not found");
        assertThat(StatementText.clip("unexpected \"" + longName + "\"")).isEqualTo("unexpected \"" + "n".repeat(40) + "...\"");
        assertThat(StatementText.clip("y".repeat(1_000))).hasSize(400).endsWith("...");
        assertThat(StatementText.clip("short 'quoted' text")).isEqualTo("short 'quoted' text");
        // An apostrophe inside a word quotes nothing.
        String prose = "the source's event time already; remove ORDER BY and write OVER (RANGE INTERVAL '7' DAY)";
        assertThat(StatementText.clip(prose)).isEqualTo(prose);
    }
}
