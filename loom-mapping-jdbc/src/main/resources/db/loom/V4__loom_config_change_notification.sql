-- Change notification: every transaction that changes a configuration table bumps a revision
-- counter once and sends one notification on channel 'loom_config_changed' whose payload is the new
-- revision. PostgreSQL delivers notifications at commit and folds identical ones of one transaction,
-- so a transaction of 300 INSERTs gives one notification; a rolled-back transaction gives none.
-- Readers that cannot LISTEN poll the counter instead.

CREATE TABLE IF NOT EXISTS loom_config_revision (
    id         boolean PRIMARY KEY DEFAULT true
               CONSTRAINT loom_config_revision_single_row CHECK (id),
    revision   bigint NOT NULL DEFAULT 0,
    changed_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE loom_config_revision IS
    'One row: bumped once by every transaction that changes a configuration table.';

INSERT INTO loom_config_revision (id, revision) VALUES (true, 0) ON CONFLICT (id) DO NOTHING;

CREATE OR REPLACE FUNCTION loom_config_changed()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    tx text := txid_current()::text;
    new_revision bigint;
BEGIN
    -- Bump once per transaction: the marker is transaction-local (and undone with a rolled-back savepoint).
    IF current_setting('loom.config_revision_tx', true) IS DISTINCT FROM tx THEN
        UPDATE loom_config_revision
           SET revision = revision + 1, changed_at = now()
         WHERE id
        RETURNING revision INTO new_revision;
        PERFORM set_config('loom.config_revision_tx', tx, true);
        PERFORM pg_notify('loom_config_changed', new_revision::text);
    END IF;
    RETURN NULL;
END
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['kafka_topics', 'kafka_topic_schemas', 'pipeline_flows', 'pipeline_stages',
                             'pipeline_stage_topics', 'topic_field_mappings', 'topic_table_configs']
    LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS loom_config_changed ON %I', t);
        EXECUTE format('CREATE TRIGGER loom_config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION loom_config_changed()', t);
    END LOOP;
END
$$;
