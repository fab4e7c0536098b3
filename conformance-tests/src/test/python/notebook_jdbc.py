"""A notebook over the asof JDBC driver from Python: JPype's DB-API module and pandas.

Run by NotebookClientsTest against a gateway with the demo scenario installed, with Debian's
python3-jpype and python3-pandas. The part between the README markers is what README.md shows.
It uploads a small label table, PIT-joins it with two feature views, reads a DataFrame and
checks its dtypes and values against the sources read back raw (an independent oracle).
"""
import datetime
import sys

# README snippet: jdbc (start)
import os
import jpype
import jpype.dbapi2
import pandas as pd

# Debian's JPype needs its own jar on the class path, next to the asof driver's.
jpype.startJVM(classpath=["/usr/share/java/org.jpype.jar", os.environ.get("ASOF_JDBC_JAR", "asof-jdbc.jar")])
conn = jpype.dbapi2.connect(os.environ.get("ASOF_JDBC_URL", "jdbc:asof://127.0.0.1:8765"),
                            driver="dev.asof.jdbc.AsofDriver",
                            driver_args={"user": os.environ.get("ASOF_USER", "demo"),
                                         "password": os.environ.get("ASOF_PASSWORD", "demo")})
cur = conn.cursor()

# Upload a label table (the spine) into the warehouse: microseconds survive the round trip.
labels = pd.DataFrame({
    "label_id": [1, 2, 3, 4],
    "customer_id": [42, 43, 1950, 2042],
    "event_ts": pd.to_datetime(["2025-06-01 12:00:00.123456", "2025-09-15 08:30:00.000001",
                                "2025-07-04 00:00:00.5", "2025-05-05 05:05:05.050505"]),
})
cur.execute("CREATE SCHEMA IF NOT EXISTS lake.notebook")
cur.execute("CREATE OR REPLACE TABLE lake.notebook.labels"
            " (label_id BIGINT, customer_id BIGINT, event_ts TIMESTAMP)")
# Statements other than queries take no parameters: the rows go in as literals.
cur.execute("INSERT INTO lake.notebook.labels VALUES " + ", ".join(
    "(%d, %d, TIMESTAMP '%s')" % (r.label_id, r.customer_id, r.event_ts.isoformat(sep=" "))
    for r in labels.itertuples()))

# PIT-join it with two feature views: each label row gets the values known at its event_ts.
training = pd.read_sql(
    "SELECT l.label_id, l.customer_id, l.event_ts, p.segment, p.credit_limit, t.last_amount"
    " FROM lake.notebook.labels l"
    " LEFT JOIN customer_profile AS OF l.event_ts p ON p.customer_id = l.customer_id"
    " LEFT JOIN last_transaction AS OF l.event_ts t ON t.customer_id = l.customer_id"
    " ORDER BY l.label_id", conn)
print(training.dtypes)
# README snippet: jdbc (end)

print(training.to_string())
failures = []


def check(what, ok):
    if not ok:
        failures.append(what)


check("dtypes %s" % dict(training.dtypes.astype(str)),
      str(training["label_id"].dtype) == "int64" and str(training["customer_id"].dtype) == "int64"
      and str(training["credit_limit"].dtype) == "float64" and str(training["last_amount"].dtype) == "float64"
      and str(training["event_ts"].dtype).startswith("datetime64"))
check("event_ts keeps microseconds: %s" % list(training["event_ts"]),
      list(training["event_ts"]) == list(labels["event_ts"]))
check("one row per label", list(training["label_id"]) == [1, 2, 3, 4])

# The oracle: the sources read back raw, and "latest row known at t" computed here.
def raw(sql):
    c = conn.cursor()
    c.execute(sql)
    rows = c.fetchall()
    return pd.DataFrame(rows, columns=[d[0] for d in c.description])


ids = ", ".join(str(i) for i in labels["customer_id"])
profiles = raw("SELECT customer_id, updated_ts, loaded_at, segment, credit_limit"
               " FROM lake.crm.profile_updates WHERE customer_id IN (%s)" % ids)
txns = raw("SELECT customer_id, txn_ts, amount FROM lake.sales.transactions WHERE customer_id IN (%s)" % ids)
for label in labels.itertuples():
    t = label.event_ts
    got = training[training["label_id"] == label.label_id].iloc[0]
    known = profiles[(profiles["customer_id"] == label.customer_id) & (profiles["updated_ts"] <= t)
                     & (profiles["loaded_at"] <= t) & (profiles["updated_ts"] > t - datetime.timedelta(days=180))]
    if known.empty:
        check("label %d: no profile" % label.label_id, pd.isna(got["segment"]) and pd.isna(got["credit_limit"]))
    else:
        latest = known.sort_values("updated_ts").iloc[-1]
        check("label %d: segment %s, expected %s" % (label.label_id, got["segment"], latest["segment"]),
              got["segment"] == latest["segment"] and got["credit_limit"] == latest["credit_limit"])
    spent = txns[(txns["customer_id"] == label.customer_id) & (txns["txn_ts"] <= t)
                 & (txns["txn_ts"] > t - datetime.timedelta(days=30))]
    if spent.empty:
        check("label %d: no transaction" % label.label_id, pd.isna(got["last_amount"]))
    else:
        check("label %d: last_amount %s" % (label.label_id, got["last_amount"]),
              got["last_amount"] == spent.sort_values("txn_ts").iloc[-1]["amount"])
check("customer 42 has a profile at 2025-06-01", not pd.isna(training.iloc[0]["segment"]))
check("customer 2042 is unknown", pd.isna(training.iloc[3]["segment"]))

if failures:
    print("FAILED: " + "; ".join(failures))
    sys.exit(1)
print("notebook ok: %d rows" % len(training))
