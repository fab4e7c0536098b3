-- The registry as it was before migrations: every statement is idempotent, so a registry created by
-- an older gateway (tables present, no migration history) is brought to this version unchanged.
-- ${object_id_next} and ${credential_id_next} draw from a sequence in the database's own syntax;
-- everything else is the same SQL on H2 and PostgreSQL.

-- Definitions of entities, sources and feature views (DefinitionCodec's JSON).
CREATE TABLE IF NOT EXISTS asof_definition (
    name_key VARCHAR(512) PRIMARY KEY,
    kind VARCHAR(32) NOT NULL,
    definition TEXT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL);
-- Each definition gets an id that is never reused, so state kept elsewhere under it (online records)
-- cannot be mistaken for a later definition with the same name.
CREATE SEQUENCE IF NOT EXISTS asof_object_id;
ALTER TABLE asof_definition ADD COLUMN IF NOT EXISTS object_id BIGINT DEFAULT ${object_id_next} NOT NULL;

-- MATERIALIZE runs: which one is served, which failed.
CREATE TABLE IF NOT EXISTS asof_materialization (
    view_id BIGINT NOT NULL,
    run_id BIGINT NOT NULL,
    view_name VARCHAR(512) NOT NULL,
    status VARCHAR(16) NOT NULL,
    changes_after TIMESTAMP(6) WITH TIME ZONE,
    as_of TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    rows_total BIGINT,
    rows_done BIGINT NOT NULL,
    started_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    finished_at TIMESTAMP(6) WITH TIME ZONE,
    error VARCHAR(4000),
    PRIMARY KEY (view_id, run_id));

-- Logins. A new credential id on every password change ends the sessions opened with the old one.
CREATE SEQUENCE IF NOT EXISTS asof_credential_id;
CREATE TABLE IF NOT EXISTS asof_user (
    name_key VARCHAR(128) PRIMARY KEY,
    name VARCHAR(128) NOT NULL,
    password_hash VARCHAR(512) NOT NULL,
    admin BOOLEAN NOT NULL,
    created_at TIMESTAMP(6) WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    credential_id BIGINT DEFAULT ${credential_id_next} NOT NULL);

-- Roles, their members and grants. object_kind and object_key are '' for CREATE, which is on no object.
CREATE TABLE IF NOT EXISTS asof_role (
    name_key VARCHAR(128) PRIMARY KEY,
    name VARCHAR(128) NOT NULL,
    created_at TIMESTAMP(6) WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL);
CREATE TABLE IF NOT EXISTS asof_role_member (
    role_key VARCHAR(128) NOT NULL,
    user_key VARCHAR(128) NOT NULL,
    PRIMARY KEY (role_key, user_key));
CREATE TABLE IF NOT EXISTS asof_grant (
    grantee_kind VARCHAR(8) NOT NULL,
    grantee_key VARCHAR(128) NOT NULL,
    grantee VARCHAR(128) NOT NULL,
    privilege VARCHAR(16) NOT NULL,
    object_kind VARCHAR(16) NOT NULL,
    object_key VARCHAR(1024) NOT NULL,
    object_name VARCHAR(1024) NOT NULL,
    created_at TIMESTAMP(6) WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    PRIMARY KEY (grantee_kind, grantee_key, privilege, object_kind, object_key));
