-- The migrations applied to this database, one row each, written by Loom's migrator.
--
-- kind is 'migration' for a script the recording migrator ran, 'baseline' for the first script when the
-- configuration tables were already there before this table existed (created by the seed's own SQL, or
-- by another process migrating at the same moment) and were adopted as they are.
-- checksum is the SHA-256 of the script (line endings normalised); a script edited after it was applied
-- is reported instead of being run again.
CREATE TABLE IF NOT EXISTS loom_schema_history (
    version        integer PRIMARY KEY,
    description    text NOT NULL,
    script         text NOT NULL,
    checksum       text NOT NULL,
    kind           text NOT NULL DEFAULT 'migration'
                   CONSTRAINT loom_schema_history_kind_check CHECK (kind IN ('migration', 'baseline')),
    installed_by   text NOT NULL DEFAULT current_user,
    installed_at   timestamptz NOT NULL DEFAULT now(),
    execution_ms   integer NOT NULL DEFAULT 0
);

COMMENT ON TABLE loom_schema_history IS 'Migrations applied by Loom; do not edit by hand.';
