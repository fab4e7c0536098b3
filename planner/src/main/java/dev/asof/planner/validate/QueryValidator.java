package dev.asof.planner.validate;

import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.spi.TableName;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.spi.ColumnMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.runtime.CalciteException;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.fun.SqlLibrary;
import org.apache.calcite.sql.fun.SqlLibraryOperatorTableFactory;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql.validate.SqlNameMatchers;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;

/**
 * Validates a query that uses registry objects with Calcite's validator: names resolve (ignoring
 * case), types check, {@code *} expands and identifiers become qualified, so that the PIT rewrite
 * works on a fully resolved tree. Errors carry line:column and close candidates.
 */
public final class QueryValidator {
    private static final Pattern NOT_FOUND =
            Pattern.compile("(Object|Table|Column) '([^']+)' not found(?: in (?:table|any table)(?: '([^']+)')?)?");

    /** Calcite's messages for a malformed or out-of-range datetime or interval literal. */
    private static final Pattern DATETIME_LITERAL = Pattern.compile(
            "^(?:Illegal (?:DATE|TIME|TIMESTAMP)[A-Z_ ]* literal|Illegal interval literal|Interval field value)");

    private final Catalog catalog;
    private final SqlValidator validator;

    public QueryValidator(Catalog catalog) {
        this.catalog = catalog;
        JavaTypeFactoryImpl typeFactory = new JavaTypeFactoryImpl();
        CalciteSchema root = CalciteSchema.createRootSchema(false, false, "", new CatalogSchema(catalog));
        Properties props = new Properties();
        props.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "false");
        // Search path: the session's schemas, the default schema, then the root (registry objects).
        List<List<String>> paths = new ArrayList<>();
        catalog.sessionSchemas().forEach(s -> paths.add(s.parts()));
        paths.add(catalog.defaultSchema());
        paths.add(List.of());
        CalciteCatalogReader reader = new CalciteCatalogReader(root, SqlNameMatchers.withCaseSensitive(false),
                paths, typeFactory, new CalciteConnectionConfigImpl(props)) {};
        this.validator = SqlValidatorUtil.newValidator(
                // STANDARD already holds every standard operator; chaining SqlStdOperatorTable as
                // well makes each built-in ambiguous and no function resolves.
                operatorTable(),
                reader,
                typeFactory,
                SqlValidator.Config.DEFAULT
                        .withIdentifierExpansion(true)
                        // LENIENT: LIMIT/OFFSET, != and the other spellings users bring from engines.
                        .withConformance(SqlConformanceEnum.LENIENT));
    }

    /** The functions and operators queries may use (cached by Calcite's factory). */
    private static SqlOperatorTable operatorTable() {
        return SqlLibraryOperatorTableFactory.INSTANCE.getOperatorTable(
                SqlLibrary.STANDARD, SqlLibrary.POSTGRESQL, SqlLibrary.BIG_QUERY, SqlLibrary.SPARK);
    }

    /** Upper-case names of every function the validator resolves; computed once. */
    private static final Set<String> FUNCTION_NAMES = operatorTable().getOperatorList().stream()
            .filter(op -> op instanceof SqlFunction)
            .map(op -> op.getName().toUpperCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());

    /**
     * Upper-case names of the functions this validator resolves: the allow-list of functions a
     * query may call without being an admin's.
     */
    public static Set<String> knownFunctionNames() {
        return FUNCTION_NAMES;
    }

    /** Validates in place and returns the validated (expanded) tree. */
    public SqlNode validate(SqlNode query) {
        try {
            return validator.validate(query);
        } catch (CalciteContextException e) {
            throw translate(e);
        } catch (CalciteException e) {
            throw new AsofException(ErrorCode.INVALID_QUERY, firstLine(e.getMessage()));
        } catch (UnsupportedOperationException e) {
            // Calcite's "need to implement": its validator cannot type an expression that parsed,
            // e.g. "AS OF x = ?" (a parameter compared with nothing typed) or "CASE WHEN a, 1".
            throw new AsofException(ErrorCode.INVALID_QUERY, "an expression of this query has no type here"
                    + " (a ? parameter compared with another untyped value, or a list where one value belongs);"
                    + " CAST the parameter or rewrite the expression", e);
        }
    }

    /** Type of an expression in a validated query. */
    public RelDataType typeOf(SqlNode node) {
        return validator.getValidatedNodeType(node);
    }

    public SqlValidator validator() {
        return validator;
    }

    private AsofException translate(CalciteContextException e) {
        String message = e.getCause() != null && e.getCause().getMessage() != null
                ? e.getCause().getMessage()
                : e.getMessage();
        String where = e.getPosLine() > 0 ? "line " + e.getPosLine() + ", column " + e.getPosColumn() + ": " : "";
        Matcher m = NOT_FOUND.matcher(message);
        if (m.find()) {
            boolean column = m.group(1).equals("Column");
            String name = m.group(2);
            List<String> known = column ? columnNames() : objectNames();
            return new AsofException(ErrorCode.UNKNOWN_OBJECT,
                    where + (column ? "column" : "table or view") + " '" + name + "' not found"
                            + NameSuggestions.hint(name, known));
        }
        if (DATETIME_LITERAL.matcher(message).find()) {
            return new AsofException(ErrorCode.INVALID_DATETIME, where + firstLine(message));
        }
        return new AsofException(ErrorCode.INVALID_QUERY, where + firstLine(message));
    }

    private List<String> objectNames() {
        List<String> names = new ArrayList<>();
        for (CatalogObject o : catalog.visibleObjects()) {
            names.add(o.name());
        }
        for (TableName t : catalog.visibleTables()) {
            names.add(t.table());
            names.add(t.toString());
            names.add(t.schema().orElseThrow() + "." + t.table());
        }
        return names;
    }

    private List<String> columnNames() {
        List<String> names = new ArrayList<>();
        for (CatalogObject o : catalog.visibleObjects()) {
            for (ColumnMetadata c : o.columns()) {
                names.add(c.name());
            }
        }
        return names;
    }

    static String firstLine(String s) {
        if (s == null) {
            return "invalid query";
        }
        int nl = s.indexOf('\n');
        return nl > 0 ? s.substring(0, nl) : s;
    }
}
