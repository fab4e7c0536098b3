package dev.asof.conformance.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;

/** Comparing an online lookup's rows with the warehouse's answer for the same key and time. */
final class OnlineAnswers {
    private OnlineAnswers() {}

    /**
     * The lookup returned nothing where the warehouse has no row, else exactly one row equal to
     * it: doubles within 1e-9 relative, other numbers as longs, everything else equal.
     */
    static void assertSameAnswer(String what, List<List<Object>> online, List<Object> expected) {
        if (expected == null) {
            assertThat(online).as(what).isEmpty();
            return;
        }
        assertThat(online).as(what).hasSize(1);
        for (int i = 0; i < expected.size(); i++) {
            Object a = online.get(0).get(i);
            Object x = expected.get(i);
            if (x instanceof Double d) {
                assertThat((Double) a).as(what + " column " + i).isCloseTo(d, Offset.offset(Math.abs(d) * 1e-9 + 1e-12));
            } else if (x instanceof Number n && a instanceof Number m) {
                assertThat(m.longValue()).as(what + " column " + i).isEqualTo(n.longValue());
            } else {
                assertThat(a).as(what + " column " + i).isEqualTo(x);
            }
        }
    }

    /** The current row's values, in column order. */
    static List<Object> row(ResultSet rs) throws SQLException {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            row.add(rs.getObject(i));
        }
        return row;
    }
}
