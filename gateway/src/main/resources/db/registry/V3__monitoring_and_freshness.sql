-- Served-feature logging and drift: settings per feature view definition (by its object id), kept
-- apart from the definition so that changing them is not a redefinition.
CREATE TABLE IF NOT EXISTS asof_view_monitoring (
    object_id BIGINT PRIMARY KEY,
    log_sample DOUBLE PRECISION DEFAULT 0 NOT NULL,
    drift_threshold DOUBLE PRECISION);

-- The newest event time a complete run wrote: what online freshness is measured from.
ALTER TABLE asof_materialization ADD COLUMN IF NOT EXISTS newest_event TIMESTAMP(6) WITH TIME ZONE;
