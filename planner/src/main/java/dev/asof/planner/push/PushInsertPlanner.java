package dev.asof.planner.push;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.QueryPlanner;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.plan.PushValue;
import dev.asof.planner.sql.Nodes;
import dev.asof.planner.validate.NameSuggestions;
import dev.asof.spi.ColumnMetadata;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlUnknownLiteral;
import org.apache.calcite.sql.type.SqlTypeName;
import dev.asof.planner.parser.AsofParserSupport;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.TimestampString;

/**
 * Plans {@code INSERT INTO push_source [(col, ...)] VALUES (...), ...}: which declared column each
 * value fills, and each value as a literal or a {@code ?} parameter. Values are converted to the
 * columns' types when the statement runs (parameters are only known then), by the gateway's
 * ingest. Only VALUES with literals and parameters are accepted: a push source takes rows from
 * clients, not from queries.
 */
public final class PushInsertPlanner {
    private final Source source;

    public PushInsertPlanner(Source source) {
        this.source = requireNonNull(source, "source");
        if (source.push().isEmpty()) {
            throw new IllegalArgumentException(source.name() + " is not a push source");
        }
    }

    public PlannedStatement.Push plan(SqlInsert insert) {
        List<ColumnMetadata> declared = source.pushedColumns();
        List<String> names = declared.stream().map(ColumnMetadata::name).toList();
        List<Integer> targets = new ArrayList<>();
        SqlNodeList columnList = insert.getTargetColumnList();
        if (columnList == null) {
            for (int i = 0; i < declared.size(); i++) {
                targets.add(i);
            }
        } else {
            Set<Integer> seen = new HashSet<>();
            for (SqlNode n : columnList) {
                String name = ((SqlIdentifier) n).getSimple();
                int index = indexOf(names, name);
                if (index < 0) {
                    throw new AsofException(ErrorCode.PUSH_COLUMNS_MISMATCH, Nodes.position(n) + "push source '"
                            + source.name() + "' has no column '" + name + "'" + NameSuggestions.hint(name, names)
                            + (name.equalsIgnoreCase(dev.asof.planner.catalog.Push.CREATED_TIME)
                                    ? " (the created time is the arrival instant, set by asof)" : ""));
                }
                if (!seen.add(index)) {
                    throw new AsofException(ErrorCode.PUSH_COLUMNS_MISMATCH, Nodes.position(n) + "column '" + name
                            + "' is named twice");
                }
                targets.add(index);
            }
        }
        SqlNode values = insert.getSource();
        if (values.getKind() != SqlKind.VALUES) {
            throw new AsofException(ErrorCode.NOT_SUPPORTED, Nodes.position(values) + "INSERT INTO push source '"
                    + source.name() + "' takes VALUES rows of literals and ? parameters, not a query");
        }
        List<List<PushValue>> rows = new ArrayList<>();
        for (SqlNode r : ((SqlCall) values).getOperandList()) {
            List<SqlNode> items = r.getKind() == SqlKind.ROW ? ((SqlCall) r).getOperandList() : List.of(r);
            if (items.size() != targets.size()) {
                throw new AsofException(ErrorCode.PUSH_COLUMNS_MISMATCH, Nodes.position(r) + "row " + (rows.size() + 1)
                        + " has " + items.size() + " value(s) for " + targets.size() + " column(s) of '"
                        + source.name() + "'");
            }
            List<PushValue> row = new ArrayList<>();
            for (SqlNode item : items) {
                row.add(value(item));
            }
            rows.add(row);
        }
        java.sql.JDBCType[] types = new java.sql.JDBCType[QueryPlanner.parameterCount(insert)];
        java.util.Arrays.fill(types, java.sql.JDBCType.OTHER);
        for (List<PushValue> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                if (row.get(i) instanceof PushValue.Parameter p) {
                    types[p.index()] = declared.get(targets.get(i)).jdbcType();
                }
            }
        }
        return new PlannedStatement.Push(source.name(), targets, rows, List.of(types));
    }

    private static int indexOf(List<String> names, String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private static PushValue value(SqlNode node) {
        if (node instanceof SqlDynamicParam p) {
            return new PushValue.Parameter(p.getIndex());
        }
        if (node.getKind() == SqlKind.MINUS_PREFIX && ((SqlBasicCall) node).operand(0) instanceof SqlLiteral l
                && l.getValue() instanceof BigDecimal d) {
            return new PushValue.Literal(d.negate());
        }
        if (node instanceof SqlUnknownLiteral unknown) {
            // The parser leaves typed literals (TIMESTAMP '...', DATE '...') unresolved.
            SqlTypeName type = SqlTypeName.get(unknown.tag.toUpperCase(java.util.Locale.ROOT));
            if (type == SqlTypeName.TIMESTAMP || type == SqlTypeName.DATE) {
                try {
                    node = unknown.resolve(type);
                } catch (RuntimeException e) {
                    throw AsofParserSupport.datetimeError(node.getParserPosition(), "invalid " + type + " literal '"
                            + unknown.getValue() + "'");
                }
            }
        }
        if (node instanceof SqlLiteral l && l.getTypeName() == SqlTypeName.TIMESTAMP) {
            return new PushValue.Literal(java.time.LocalDateTime.parse(
                    l.getValueAs(TimestampString.class).toString().replace(' ', 'T')));
        }
        if (node instanceof SqlLiteral l && l.getTypeName() == SqlTypeName.DATE) {
            return new PushValue.Literal(java.time.LocalDate.parse(l.getValueAs(DateString.class).toString()));
        }
        if (node instanceof SqlLiteral l) {
            Object v = l.getValue();
            if (v == null || v instanceof BigDecimal || v instanceof Boolean) {
                return new PushValue.Literal(v);
            }
            if (v instanceof org.apache.calcite.util.NlsString s) {
                return new PushValue.Literal(s.getValue());
            }
        }
        throw new AsofException(ErrorCode.NOT_SUPPORTED, Nodes.position(node)
                + "a pushed value is a literal or a ? parameter, not " + node);
    }
}
