"""A notebook over Arrow Flight SQL from Python: pyarrow's Flight client with the Flight SQL commands.

Run by NotebookClientsTest against a gateway with the demo scenario installed, with pyarrow and
pandas from the package index in a virtual environment. The part between the README markers is
what README.md shows. It uploads a label table into its session with Flight SQL bulk ingest,
PIT-joins it by name with two feature views, reads a DataFrame and checks dtypes and values
against the sources read back raw (an independent oracle).
"""
import sys

# README snippet: flight (start)
import datetime
import os
import pandas as pd
import pyarrow as pa
import pyarrow.flight as flight


def _varint(n):
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


def _field(number, payload):  # a length-delimited protobuf field
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def flight_sql(command, body):  # a Flight SQL command: google.protobuf.Any of arrow.flight.protocol.sql.*
    url = ("type.googleapis.com/arrow.flight.protocol.sql." + command).encode()
    return flight.FlightDescriptor.for_command(_field(1, url) + _field(2, body))


client = flight.FlightClient(os.environ.get("ASOF_FLIGHT_URI", "grpc://127.0.0.1:8815"))
token = client.authenticate_basic_token(os.environ.get("ASOF_USER", "demo"),
                                        os.environ.get("ASOF_PASSWORD", "demo"))
options = flight.FlightCallOptions(headers=[token, (b"x-asof-session", b"alice-notebook-1")])


def query(sql):
    info = client.get_flight_info(flight_sql("CommandStatementQuery", _field(1, sql.encode())), options)
    return pa.concat_tables([client.do_get(e.ticket, options).read_all() for e in info.endpoints])


# Upload the label table (the spine) into this session: bulk ingest, create or replace.
labels = pa.table({
    "label_id": pa.array([1, 2, 3, 4], pa.int64()),
    "customer_id": pa.array([42, 43, 1950, 2042], pa.int64()),
    "event_ts": pa.array([datetime.datetime(2025, 6, 1, 12, 0, 0, 123456),
                          datetime.datetime(2025, 9, 15, 8, 30, 0, 1),
                          datetime.datetime(2025, 7, 4, 0, 0, 0, 500000),
                          datetime.datetime(2025, 5, 5, 5, 5, 5, 50505)], pa.timestamp("us")),
})
create_or_replace = _field(1, bytes([1 << 3, 1, 2 << 3, 3]))  # if_not_exist CREATE, if_exists REPLACE
writer, reader = client.do_put(flight_sql("CommandStatementIngest", create_or_replace + _field(2, b"labels")),
                               labels.schema, options)
writer.write_table(labels)
writer.done_writing()
reader.read()
writer.close()

# PIT-join it by name with two feature views: each label row gets the values known at its event_ts.
training = query(
    "SELECT l.label_id, l.customer_id, l.event_ts, p.segment, p.credit_limit, t.last_amount"
    " FROM labels l"
    " LEFT JOIN customer_profile AS OF l.event_ts p ON p.customer_id = l.customer_id"
    " LEFT JOIN last_transaction AS OF l.event_ts t ON t.customer_id = l.customer_id"
    " ORDER BY l.label_id").to_pandas()
print(training.dtypes)
# README snippet: flight (end)

print(training.to_string())
failures = []


def check(what, ok):
    if not ok:
        failures.append(what)


expected_ts = list(pd.Series(labels.column("event_ts").to_pylist()))
check("dtypes %s" % dict(training.dtypes.astype(str)),
      str(training["label_id"].dtype) == "int64" and str(training["customer_id"].dtype) == "int64"
      and str(training["credit_limit"].dtype) == "float64" and str(training["last_amount"].dtype) == "float64"
      and str(training["event_ts"].dtype).startswith("datetime64"))
check("event_ts keeps microseconds: %s" % list(training["event_ts"]),
      [pd.Timestamp(t) for t in training["event_ts"]] == [pd.Timestamp(t) for t in expected_ts])
check("one row per label", list(training["label_id"]) == [1, 2, 3, 4])

ids = ", ".join(str(i) for i in labels.column("customer_id").to_pylist())
profiles = query("SELECT customer_id, updated_ts, loaded_at, segment, credit_limit"
                 " FROM lake.crm.profile_updates WHERE customer_id IN (%s)" % ids).to_pandas()
txns = query("SELECT customer_id, txn_ts, amount FROM lake.sales.transactions"
             " WHERE customer_id IN (%s)" % ids).to_pandas()
for label_id, customer_id, t in zip(labels.column("label_id").to_pylist(), labels.column("customer_id").to_pylist(),
                                    expected_ts):
    t = pd.Timestamp(t)
    got = training[training["label_id"] == label_id].iloc[0]
    known = profiles[(profiles["customer_id"] == customer_id) & (profiles["updated_ts"] <= t)
                     & (profiles["loaded_at"] <= t) & (profiles["updated_ts"] > t - pd.Timedelta(days=180))]
    if known.empty:
        check("label %d: no profile" % label_id, pd.isna(got["segment"]) and pd.isna(got["credit_limit"]))
    else:
        latest = known.sort_values("updated_ts").iloc[-1]
        check("label %d: segment %s, expected %s" % (label_id, got["segment"], latest["segment"]),
              got["segment"] == latest["segment"] and got["credit_limit"] == latest["credit_limit"])
    spent = txns[(txns["customer_id"] == customer_id) & (txns["txn_ts"] <= t)
                 & (txns["txn_ts"] > t - pd.Timedelta(days=30))]
    if spent.empty:
        check("label %d: no transaction" % label_id, pd.isna(got["last_amount"]))
    else:
        check("label %d: last_amount %s" % (label_id, got["last_amount"]),
              got["last_amount"] == spent.sort_values("txn_ts").iloc[-1]["amount"])
check("customer 42 has a profile at 2025-06-01", not pd.isna(training.iloc[0]["segment"]))
check("customer 2042 is unknown", pd.isna(training.iloc[3]["segment"]))

# Errors carry asof's message and its SQLSTATE (in the gRPC status's metadata, see README).
try:
    query("SELECT * FROM no_such_table")
    check("an unknown table fails", False)
except (flight.FlightError, pa.ArrowException) as e:  # NOT_FOUND arrives as pyarrow's ArrowKeyError
    check("error message %s" % e, "line 1, column 15: table or view 'no_such_table' not found" in str(e))

if failures:
    print("FAILED: " + "; ".join(failures))
    sys.exit(1)
print("notebook ok: %d rows" % len(training))
