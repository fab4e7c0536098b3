package dev.asof.planner.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {
    /** Numbers clients have seen: they never change, whatever the order of the constants. */
    @Test
    void publishedNumbersAndStatesStayFixed() {
        Map<String, String> published = Map.ofEntries(
                Map.entry("SYNTAX_ERROR", "1 42000"), Map.entry("UNKNOWN_OBJECT", "2 42S02"),
                Map.entry("ALREADY_EXISTS", "3 42S01"), Map.entry("INVALID_DEFINITION", "4 42P17"),
                Map.entry("INVALID_QUERY", "5 42P18"), Map.entry("PIT_JOIN_REQUIRED", "6 42P19"),
                Map.entry("INVALID_SOURCE", "7 22P02"), Map.entry("NOT_SUPPORTED", "8 0A000"),
                Map.entry("INVALID_PARAMETER", "9 22023"), Map.entry("ENGINE_ERROR", "10 58000"),
                Map.entry("CANCELLED", "11 57014"), Map.entry("INTERNAL_ERROR", "12 XX000"),
                Map.entry("STATEMENT_TOO_COMPLEX", "13 54001"), Map.entry("INVALID_DATETIME", "14 22007"),
                Map.entry("DATETIME_OVERFLOW", "15 22008"),
                Map.entry("INSUFFICIENT_PRIVILEGE", "16 42501"), Map.entry("AUTHENTICATION_REQUIRED", "17 28000"),
                Map.entry("AUTHENTICATION_FAILED", "18 28P01"),
                Map.entry("NO_SUCH_STATEMENT", "19 08003"), Map.entry("RESULT_EXPIRED", "20 24000"),
                Map.entry("TOO_MANY_STATEMENTS", "21 53000"), Map.entry("CONNECTION_LOST", "22 08006"),
                Map.entry("INVALID_PUSH_VALUE", "25 22018"), Map.entry("NULL_PUSH_VALUE", "26 23502"),
                Map.entry("PUSH_COLUMNS_MISMATCH", "27 21S01"), Map.entry("PUSH_LOG_FAILED", "28 58030"),
                Map.entry("DIVISION_BY_ZERO", "31 22012"), Map.entry("NUMERIC_OUT_OF_RANGE", "32 22003"),
                Map.entry("VALUE_OUT_OF_RANGE", "35 22003"), Map.entry("PREREQUISITE_MISSING", "36 55000"));

        published.forEach((name, expected) -> {
            ErrorCode code = ErrorCode.valueOf(name);
            assertThat(code.code() + " " + code.sqlState()).as(name).isEqualTo(expected);
        });
    }

    @Test
    void numbersAreUnique() {
        assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::code)).doesNotHaveDuplicates();
    }
}
