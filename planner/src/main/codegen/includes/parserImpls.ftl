<#--
  asof grammar: productions added to Calcite's core Parser.jj.
  The build (planner/pom.xml) renames Calcite's own Snapshot() production to CalciteSnapshot()
  and adds LOOKAHEAD(2) at its call site in TableRef3, so the Snapshot() below replaces it.
-->

/**
 * Parses a temporal clause following a table reference (replaces Calcite's Snapshot()):
 * <pre>( FOR SYSTEM_TIME AS OF | AS OF ) expression [ EXCLUSIVE ]</pre>
 */
SqlSnapshot Snapshot(SqlNode tableRef) :
{
    final Span s;
    final SqlNode e;
    final boolean shortForm;
    boolean exclusive = false;
}
{
    { s = span(); }
    (
        <FOR> <SYSTEM_TIME> <AS> <OF> { shortForm = false; }
    |
        <AS> <OF> { shortForm = true; }
    )
    e = Expression(ExprContext.ACCEPT_NON_QUERY)
    [ LOOKAHEAD(1) <EXCLUSIVE> { exclusive = true; } ]
    {
        return new SqlAsOf(s.end(this), tableRef, e, exclusive, shortForm);
    }
}

/** Parses an optional IF NOT EXISTS. */
boolean AsofIfNotExists() :
{
}
{
    LOOKAHEAD(3) <IF> <NOT> <EXISTS> { return true; }
|
    { return false; }
}

/** Parses an optional IF EXISTS. */
boolean AsofIfExists() :
{
}
{
    LOOKAHEAD(2) <IF> <EXISTS> { return true; }
|
    { return false; }
}

/** Parses one column of CREATE ENTITY: name type. */
SqlEntityColumn AsofEntityColumn() :
{
    final SqlIdentifier name;
    final SqlDataTypeSpec type;
}
{
    name = SimpleIdentifier()
    type = DataType()
    {
        return new SqlEntityColumn(Span.of(name).end(type), name, type);
    }
}

/**
 * CREATE ENTITY [ IF NOT EXISTS ] name ( column type [, column type ]* )
 */
SqlCreate SqlCreateEntity(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
    final List<SqlEntityColumn> columns = new ArrayList<SqlEntityColumn>();
    SqlEntityColumn column;
}
{
    <ENTITY> { AsofParserSupport.checkNoReplace(s, replace, "ENTITY"); }
    ifNotExists = AsofIfNotExists()
    name = SimpleIdentifier()
    <LPAREN>
    column = AsofEntityColumn() { columns.add(column); }
    (
        <COMMA> column = AsofEntityColumn() { columns.add(column); }
    )*
    <RPAREN>
    {
        return new SqlCreateEntity(s.end(this), name, columns, ifNotExists);
    }
}

/**
 * CREATE SOURCE [ IF NOT EXISTS ] name
 *   FROM ( TABLE compound.name | FILE 'path' )
 *   EVENT TIME column [ CREATED TIME column ]
 * or a push source, whose rows arrive through asof:
 * CREATE SOURCE [ IF NOT EXISTS ] name ( column type [, column type ]* )
 *   EVENT TIME column PUSH [ IDEMPOTENCY KEY column ]
 */
SqlCreate SqlCreateSource(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
    SqlIdentifier table = null;
    String filePath = null;
    final SqlIdentifier eventTime;
    SqlIdentifier createdTime = null;
    final List<SqlEntityColumn> columns = new ArrayList<SqlEntityColumn>();
    SqlEntityColumn column;
    SqlIdentifier idempotencyKey = null;
}
{
    <SOURCE> { AsofParserSupport.checkNoReplace(s, replace, "SOURCE"); }
    ifNotExists = AsofIfNotExists()
    name = SimpleIdentifier()
    (
        <LPAREN>
        column = AsofEntityColumn() { columns.add(column); }
        (
            <COMMA> column = AsofEntityColumn() { columns.add(column); }
        )*
        <RPAREN>
        <EVENT> <TIME> eventTime = SimpleIdentifier()
        <PUSH>
        [ <IDEMPOTENCY> <KEY> idempotencyKey = SimpleIdentifier() ]
        {
            return new SqlCreateSource(s.end(this), name, columns, eventTime, idempotencyKey,
                ifNotExists);
        }
    |
        <FROM>
        (
            <TABLE> table = CompoundIdentifier()
        |
            <FILE> filePath = SimpleStringLiteral()
        )
        <EVENT> <TIME> eventTime = SimpleIdentifier()
        [ <CREATED> <TIME> createdTime = SimpleIdentifier() ]
        {
            return new SqlCreateSource(s.end(this), name, table, filePath, eventTime, createdTime,
                ifNotExists);
        }
    )
}

/**
 * One item of a feature view's select list: an expression (including a windowed aggregate)
 * with an optional alias. An alias without AS may not be TTL, HOP, ONLINE or LOG, so that those
 * words start the clauses that follow the list.
 */
SqlNode AsofFeatureSelectItem() :
{
    final SqlNode e;
    final SqlIdentifier id;
}
{
    (
        LOOKAHEAD(2)
        e = AsofLastOver()
    |
        e = SelectExpression()
    )
    (
        <AS> id = SimpleIdentifier()
        {
            return SqlStdOperatorTable.AS.createCall(Span.of(e).end(this), e, id);
        }
    |
        LOOKAHEAD(SimpleIdentifier(), {
            getToken(1).kind != TTL && getToken(1).kind != HOP && getToken(1).kind != ONLINE
            && getToken(1).kind != LOG })
        id = SimpleIdentifier()
        {
            return SqlStdOperatorTable.AS.createCall(Span.of(e).end(this), e, id);
        }
    |
        { return e; }
    )
}

/**
 * {@code LAST(expr) OVER window}: the value of the latest row in a window. Calcite's grammar reads
 * {@code LAST(} as MATCH_RECOGNIZE's navigation function, which takes no OVER; in a feature view
 * it is asof's windowed aggregate, an ordinary (unresolved) function call.
 */
SqlNode AsofLastOver() :
{
    final Span s;
    final SqlNode arg;
    final SqlCall call;
    final Span overSpan;
    final SqlNode over;
}
{
    <LAST> { s = span(); }
    <LPAREN> arg = Expression(ExprContext.ACCEPT_NON_QUERY) <RPAREN>
    {
        call = createCall(new SqlIdentifier("LAST", s.pos()), s.end(this),
            SqlFunctionCategory.USER_DEFINED_FUNCTION, null, ImmutableList.of(arg));
    }
    <OVER> { overSpan = span(); }
    (
        over = SimpleIdentifier()
    |
        over = WindowSpecification()
    )
    {
        return SqlStdOperatorTable.OVER.createCall(overSpan.end(over), call, over);
    }
}

/** SELECT item [, item ]* (no FROM: the source is named before AS). */
SqlNodeList AsofFeatureSelectList() :
{
    final Span s;
    final List<SqlNode> list = new ArrayList<SqlNode>();
    SqlNode item;
}
{
    <SELECT> { s = span(); }
    item = AsofFeatureSelectItem() { list.add(item); }
    (
        <COMMA> item = AsofFeatureSelectItem() { list.add(item); }
    )*
    {
        return new SqlNodeList(list, s.end(this));
    }
}

/**
 * CREATE FEATURE VIEW [ IF NOT EXISTS ] name ENTITY entity FROM source
 *   [ REQUEST ( column type [, column type ]* ) ]
 *   AS SELECT item [, item ]*
 *   [ TTL interval ] [ HOP interval ] [ ONLINE ] [ LOG SAMPLE fraction ]
 * With REQUEST, source names a feature view and the view is a request-time view.
 */
SqlCreate SqlCreateFeatureView(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
    final SqlIdentifier entity;
    final SqlIdentifier source;
    final SqlNodeList selectList;
    SqlLiteral ttl = null;
    SqlLiteral hop = null;
    boolean online = false;
    SqlNumericLiteral logSample = null;
    List<SqlEntityColumn> request = null;
    SqlEntityColumn column;
}
{
    <FEATURE> <VIEW> { AsofParserSupport.checkNoReplace(s, replace, "FEATURE VIEW"); }
    ifNotExists = AsofIfNotExists()
    name = SimpleIdentifier()
    <ENTITY> entity = SimpleIdentifier()
    <FROM> source = SimpleIdentifier()
    [
        <REQUEST> { request = new ArrayList<SqlEntityColumn>(); }
        <LPAREN>
        column = AsofEntityColumn() { request.add(column); }
        (
            <COMMA> column = AsofEntityColumn() { request.add(column); }
        )*
        <RPAREN>
    ]
    <AS> selectList = AsofFeatureSelectList()
    [ <TTL> ttl = IntervalLiteral() ]
    [ <HOP> hop = IntervalLiteral() ]
    [ <ONLINE> { online = true; } ]
    [ <LOG> <SAMPLE> logSample = UnsignedNumericLiteral() ]
    {
        return new SqlCreateFeatureView(s.end(this), name, entity, source, selectList,
            AsofParserSupport.dayTimeInterval(ttl, "TTL"),
            AsofParserSupport.dayTimeInterval(hop, "HOP"),
            online, ifNotExists, logSample, request);
    }
}

/** DROP ( ENTITY | SOURCE | FEATURE VIEW ) [ IF EXISTS ] name */
SqlDrop SqlDropAsofObject(Span s, boolean replace) :
{
    final ObjectKind kind;
    final boolean ifExists;
    final SqlIdentifier name;
}
{
    (
        <ENTITY> { kind = ObjectKind.ENTITY; }
    |
        <SOURCE> { kind = ObjectKind.SOURCE; }
    |
        <FEATURE> <VIEW> { kind = ObjectKind.FEATURE_VIEW; }
    )
    ifExists = AsofIfExists()
    name = SimpleIdentifier()
    {
        return new SqlDropObject(s.end(this), kind, name, ifExists);
    }
}

/** SHOW ( ENTITIES | SOURCES | FEATURE VIEWS ) */
SqlNode SqlShowObjects() :
{
    final Span s;
    final ObjectKind kind;
    final SqlIdentifier other;
}
{
    <SHOW> { s = span(); }
    (
        <ENTITIES> { kind = ObjectKind.ENTITY; }
    |
        <SOURCES> { kind = ObjectKind.SOURCE; }
    |
        <FEATURE> <VIEWS> { kind = ObjectKind.FEATURE_VIEW; }
    |
        // Anything else after SHOW: a clear, positioned error rather than a failure at SHOW.
        other = SimpleIdentifier() {
            throw AsofParserSupport.error(other.getParserPosition(),
                "unexpected \"" + other + "\"; expected one of: ENTITIES, SOURCES, FEATURE VIEWS, USERS, GRANTS");
        }
    )
    {
        return new SqlShowObjects(s.end(this), kind);
    }
}

/** KILL 'statement id' */
SqlNode SqlKill() :
{
    final Span s;
    final String id;
}
{
    <KILL> { s = span(); }
    <QUOTED_STRING> { id = SqlParserUtil.parseString(token.image); }
    {
        return new SqlKill(s.end(this), id);
    }
}

/** MATERIALIZE name [ FROM expression ] [ TO expression ] */
SqlNode SqlMaterialize() :
{
    final Span s;
    final SqlIdentifier name;
    SqlNode from = null;
    SqlNode to = null;
}
{
    <MATERIALIZE> { s = span(); }
    name = SimpleIdentifier()
    [ <FROM> from = Expression(ExprContext.ACCEPT_NON_QUERY) ]
    [ <TO> to = Expression(ExprContext.ACCEPT_NON_QUERY) ]
    {
        return new SqlMaterialize(s.end(this), name, from, to);
    }
}

/** EXPLAIN [ PLAN FOR ] query-or-DML (replaces Calcite's EXPLAIN PLAN options). */
SqlNode SqlExplainQuery() :
{
    final Span s;
    final SqlNode stmt;
}
{
    <EXPLAIN> { s = span(); }
    [ LOOKAHEAD(2) <PLAN> <FOR> ]
    stmt = SqlQueryOrDml()
    {
        return new SqlExplainQuery(s.end(this), stmt);
    }
}

/**
 * ALTER SOURCE name REFRESH. REFRESH is read as an identifier (no new keyword), so it stays usable
 * as a name everywhere.
 */
SqlNode SqlAlterSourceRefresh() :
{
    final Span s;
    final SqlIdentifier name;
    final SqlIdentifier action;
}
{
    <ALTER> { s = span(); } <SOURCE>
    name = SimpleIdentifier()
    action = SimpleIdentifier()
    {
        if (!action.getSimple().equalsIgnoreCase("REFRESH")) {
            throw AsofParserSupport.error(action.getParserPosition(),
                "expected REFRESH after ALTER SOURCE " + name.getSimple() + ", found " + action.getSimple());
        }
        return new dev.asof.planner.parser.SqlAlterSourceRefresh(s.end(this), name);
    }
}

/**
 * CREATE USER [ IF NOT EXISTS ] name PASSWORD 'password' [ ADMIN ]
 */
SqlCreate SqlCreateUser(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
    final String password;
    boolean admin = false;
}
{
    <USER> { AsofParserSupport.checkNoReplace(s, replace, "USER"); }
    ifNotExists = AsofIfNotExists()
    name = SimpleIdentifier()
    <PASSWORD> password = SimpleStringLiteral()
    [ <ADMIN> { admin = true; } ]
    {
        return new SqlCreateUser(s.end(this), name, password, admin, ifNotExists);
    }
}

/**
 * ALTER USER name ( PASSWORD 'password' | ADMIN | NOADMIN )
 */
SqlNode SqlAlterUser() :
{
    final Span s;
    final SqlIdentifier name;
    String password = null;
    Boolean admin = null;
}
{
    <ALTER> { s = span(); } <USER>
    name = SimpleIdentifier()
    (
        <PASSWORD> password = SimpleStringLiteral()
    |
        <ADMIN> { admin = Boolean.TRUE; }
    |
        <NOADMIN> { admin = Boolean.FALSE; }
    )
    {
        return new SqlAlterUser(s.end(this), name, password, admin);
    }
}

/** DROP USER [ IF EXISTS ] name */
SqlDrop SqlDropUser(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier name;
}
{
    <USER>
    ifExists = AsofIfExists()
    name = SimpleIdentifier()
    {
        return new SqlDropUser(s.end(this), name, ifExists);
    }
}

/** SHOW USERS */
SqlNode SqlShowUsers() :
{
    final Span s;
}
{
    <SHOW> { s = span(); } <USERS>
    {
        return new SqlShowUsers(s.end(this));
    }
}

/** CREATE ROLE [ IF NOT EXISTS ] name */
SqlCreate SqlCreateRole(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
}
{
    <ROLE> { AsofParserSupport.checkNoReplace(s, replace, "ROLE"); }
    ifNotExists = AsofIfNotExists()
    name = SimpleIdentifier()
    {
        return new SqlCreateRole(s.end(this), name, ifNotExists);
    }
}

/** DROP ROLE [ IF EXISTS ] name */
SqlDrop SqlDropRole(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier name;
}
{
    <ROLE>
    ifExists = AsofIfExists()
    name = SimpleIdentifier()
    {
        return new SqlDropRole(s.end(this), name, ifExists);
    }
}

/**
 * GRANT what TO [ USER | ROLE ] grantee, REVOKE what FROM [ USER | ROLE ] grantee, where what is
 * SELECT ON ( FEATURE VIEW name | SOURCE name | TABLE [catalog.][schema.]table ),
 * MATERIALIZE ON FEATURE VIEW name, INSERT ON SOURCE name (a push source), CREATE, ADMIN, or a
 * role name.
 */
SqlNode SqlGrantOrRevoke() :
{
    final Span s;
    final boolean revoke;
    Privilege privilege = null;
    SecurableKind kind = null;
    SqlIdentifier object = null;
    SqlIdentifier role = null;
    SqlGrant.GranteeKind granteeKind = null;
    final SqlIdentifier grantee;
}
{
    (
        <GRANT> { s = span(); revoke = false; }
    |
        <REVOKE> { s = span(); revoke = true; }
    )
    (
        <SELECT> { privilege = Privilege.SELECT; }
        <ON>
        (
            <FEATURE> <VIEW> { kind = SecurableKind.FEATURE_VIEW; } object = SimpleIdentifier()
        |
            <SOURCE> { kind = SecurableKind.SOURCE; } object = SimpleIdentifier()
        |
            <TABLE> { kind = SecurableKind.TABLE; } object = CompoundIdentifier()
        )
    |
        <MATERIALIZE> { privilege = Privilege.MATERIALIZE; }
        <ON> <FEATURE> <VIEW> { kind = SecurableKind.FEATURE_VIEW; } object = SimpleIdentifier()
    |
        <INSERT> { privilege = Privilege.INSERT; }
        <ON> <SOURCE> { kind = SecurableKind.SOURCE; } object = SimpleIdentifier()
    |
        <CREATE> { privilege = Privilege.CREATE; }
    |
        <ADMIN> { privilege = Privilege.ADMIN; }
    |
        role = SimpleIdentifier()
    )
    (
        <TO> {
            if (revoke) {
                throw AsofParserSupport.error(getPos(), "REVOKE takes FROM, not TO: REVOKE ... FROM grantee");
            }
        }
    |
        <FROM> {
            if (!revoke) {
                throw AsofParserSupport.error(getPos(), "GRANT takes TO, not FROM: GRANT ... TO grantee");
            }
        }
    )
    [
        LOOKAHEAD(2)
        (
            <USER> { granteeKind = SqlGrant.GranteeKind.USER; }
        |
            <ROLE> { granteeKind = SqlGrant.GranteeKind.ROLE; }
        )
    ]
    grantee = SimpleIdentifier()
    {
        return new SqlGrant(s.end(this), revoke, privilege, kind, object, role, granteeKind, grantee);
    }
}

/** SHOW GRANTS [ FOR name ] */
SqlNode SqlShowGrants() :
{
    final Span s;
    SqlIdentifier grantee = null;
}
{
    <SHOW> { s = span(); } <GRANTS>
    [ <FOR> grantee = SimpleIdentifier() ]
    {
        return new SqlShowGrants(s.end(this), grantee);
    }
}

/**
 * ALTER FEATURE VIEW name SET ( LOG SAMPLE fraction | DRIFT THRESHOLD number ): the view's
 * monitoring settings, not its definition.
 */
SqlNode SqlAlterFeatureView() :
{
    final Span s;
    final SqlIdentifier name;
    final SqlAlterFeatureView.Setting setting;
    final SqlNumericLiteral value;
}
{
    <ALTER> { s = span(); } <FEATURE> <VIEW>
    name = SimpleIdentifier()
    <SET>
    (
        <LOG> <SAMPLE> { setting = SqlAlterFeatureView.Setting.LOG_SAMPLE; }
    |
        <DRIFT> <THRESHOLD> { setting = SqlAlterFeatureView.Setting.DRIFT_THRESHOLD; }
    )
    value = UnsignedNumericLiteral()
    {
        return new SqlAlterFeatureView(s.end(this), name, setting, value);
    }
}

/** VALIDATE FEATURE VIEW name [ FROM expression ] [ TO expression ] */
SqlNode SqlValidateFeatureView() :
{
    final Span s;
    final SqlIdentifier name;
    SqlNode from = null;
    SqlNode to = null;
}
{
    <VALIDATE> { s = span(); } <FEATURE> <VIEW>
    name = SimpleIdentifier()
    [ <FROM> from = Expression(ExprContext.ACCEPT_NON_QUERY) ]
    [ <TO> to = Expression(ExprContext.ACCEPT_NON_QUERY) ]
    {
        return new SqlCheckFeatureView(s.end(this), SqlCheckFeatureView.Check.VALIDATE, name, from, to);
    }
}

/**
 * ANALYZE FEATURE VIEW name [ AS OF expression ]
 * | ANALYZE FEATURE VIEW name DRIFT FROM expression [ TO expression ]
 */
SqlNode SqlAnalyzeFeatureView() :
{
    final Span s;
    final SqlIdentifier name;
    SqlNode asOf = null;
    SqlNode from = null;
    SqlNode to = null;
    boolean drift = false;
}
{
    <ANALYZE> { s = span(); } <FEATURE> <VIEW>
    name = SimpleIdentifier()
    [
        <AS> <OF> asOf = Expression(ExprContext.ACCEPT_NON_QUERY)
    |
        <DRIFT> { drift = true; }
        <FROM> from = Expression(ExprContext.ACCEPT_NON_QUERY)
        [ <TO> to = Expression(ExprContext.ACCEPT_NON_QUERY) ]
    ]
    {
        return drift
            ? new SqlCheckFeatureView(s.end(this), SqlCheckFeatureView.Check.DRIFT, name, from, to)
            : new SqlCheckFeatureView(s.end(this), SqlCheckFeatureView.Check.ANALYZE, name, null, asOf);
    }
}
