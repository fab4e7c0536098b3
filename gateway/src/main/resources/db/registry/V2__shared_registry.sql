-- Several gateways on one registry.

-- Bumped by every change to definitions, users, grants and materialization runs; each gateway polls
-- it and reads the registry again when it moved.
CREATE TABLE asof_registry_version (
    id INT PRIMARY KEY,
    version BIGINT NOT NULL);
INSERT INTO asof_registry_version (id, version) VALUES (1, 0);

-- A run is held by one gateway (owner) as long as it renews its lease (heartbeat_at, the database's
-- clock); a RUNNING run whose lease lapsed was abandoned by a gateway that died, and is failed.
ALTER TABLE asof_materialization ADD COLUMN IF NOT EXISTS owner VARCHAR(256);
ALTER TABLE asof_materialization ADD COLUMN IF NOT EXISTS heartbeat_at TIMESTAMP(6) WITH TIME ZONE;
