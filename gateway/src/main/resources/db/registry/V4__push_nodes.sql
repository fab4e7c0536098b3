-- Push ingestion on several gateways: each gateway's write-ahead log is a node with a number of its
-- own, and numbers its rows (the warehouse tables' _seq) in that node's range, so that rows pushed
-- through different gateways into one warehouse table never share a sequence number. Node 0 is the
-- log of a data directory from before numbering; allocated numbers start at 1 and are never reused.
-- A running gateway publishes how far its rows have reached the warehouse (appended_through, µs
-- since the epoch: every row it created at or before is there) and when (renewed_at, the
-- database's clock); a rebuild of an online view from the warehouse on any gateway waits for it.
CREATE TABLE IF NOT EXISTS asof_push_node (
    node_id BIGINT PRIMARY KEY,
    instance VARCHAR(256) NOT NULL,
    data_dir VARCHAR(1024) NOT NULL,
    allocated_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    appended_through BIGINT,
    renewed_at TIMESTAMP(6) WITH TIME ZONE);
