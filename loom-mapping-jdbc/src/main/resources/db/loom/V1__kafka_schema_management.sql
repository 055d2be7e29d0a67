-- Kafka schema management: the seven configuration tables, their views and functions.
--
-- This is the seed's "migration 032": topic registry, versioned JSON schemas, pipeline flows with
-- their stages and stage topics, and the kafka-to-db field mappings and table configurations.
-- Every statement is idempotent (IF NOT EXISTS / CREATE OR REPLACE), so running it again, by hand or
-- by the migrator, changes nothing.

-- Topic names: <category>.<source>.<datatype>[.<stage>], lower-case letters and digits.
CREATE OR REPLACE FUNCTION validate_topic_name(topic_name text)
RETURNS boolean
LANGUAGE sql
IMMUTABLE
AS $$
    SELECT topic_name ~ '^[a-z0-9]+\.[a-z0-9]+\.[a-z0-9]+(\.[a-z0-9]+)?$'
$$;

COMMENT ON FUNCTION validate_topic_name(text) IS
    'True when the name follows <category>.<source>.<datatype>[.<stage>] in lower-case letters and digits.';

-- Keeps updated_at current on every UPDATE.
CREATE OR REPLACE FUNCTION kafka_config_set_updated_at()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

CREATE TABLE IF NOT EXISTS kafka_topics (
    topic_name         text PRIMARY KEY
                       CONSTRAINT kafka_topics_topic_name_check
                       CHECK (topic_name ~ '^[a-z0-9]+\.[a-z0-9]+\.[a-z0-9]+(\.[a-z0-9]+)?$'),
    category           text,
    source             text,
    datatype           text,
    stage              text,
    description        text,
    retention_days     integer NOT NULL DEFAULT 7
                       CONSTRAINT kafka_topics_retention_days_check CHECK (retention_days > 0),
    partitions         integer NOT NULL DEFAULT 3
                       CONSTRAINT kafka_topics_partitions_check CHECK (partitions > 0),
    replication_factor integer NOT NULL DEFAULT 1
                       CONSTRAINT kafka_topics_replication_factor_check CHECK (replication_factor > 0),
    compression_type   text NOT NULL DEFAULT 'lz4'
                       CONSTRAINT kafka_topics_compression_type_check
                       CHECK (compression_type IN ('none', 'gzip', 'snappy', 'lz4', 'zstd', 'producer')),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    is_active          boolean NOT NULL DEFAULT true
);

COMMENT ON TABLE kafka_topics IS 'Master registry of all Kafka topics.';

CREATE TABLE IF NOT EXISTS kafka_topic_schemas (
    id          serial PRIMARY KEY,
    topic_name  text NOT NULL
                REFERENCES kafka_topics (topic_name) ON UPDATE CASCADE ON DELETE CASCADE,
    version     text NOT NULL
                CONSTRAINT kafka_topic_schemas_version_check CHECK (version <> ''),
    schema_json jsonb NOT NULL,
    schema_path text,
    is_current  boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT kafka_topic_schemas_topic_name_version_key UNIQUE (topic_name, version)
);

COMMENT ON TABLE kafka_topic_schemas IS 'JSON schemas of the topics, versioned; at most one current version per topic.';

-- At most one current schema version per topic.
CREATE UNIQUE INDEX IF NOT EXISTS kafka_topic_schemas_one_current_idx
    ON kafka_topic_schemas (topic_name)
    WHERE is_current;

CREATE TABLE IF NOT EXISTS pipeline_flows (
    flow_name                  text PRIMARY KEY,
    description                text,
    priority                   text NOT NULL DEFAULT 'medium'
                               CONSTRAINT pipeline_flows_priority_check
                               CHECK (priority IN ('critical', 'high', 'medium', 'low')),
    expected_events_per_second integer,
    average_event_size_bytes   integer,
    peak_multiplier            integer NOT NULL DEFAULT 3,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now(),
    is_active                  boolean NOT NULL DEFAULT true
);

COMMENT ON TABLE pipeline_flows IS 'High-level data processing pipelines.';

CREATE TABLE IF NOT EXISTS pipeline_stages (
    id                         serial PRIMARY KEY,
    flow_name                  text NOT NULL
                               REFERENCES pipeline_flows (flow_name) ON UPDATE CASCADE ON DELETE CASCADE,
    stage_name                 text NOT NULL,
    stage_order                integer NOT NULL,
    service_name               text,
    service_image              text,
    replicas                   integer NOT NULL DEFAULT 1
                               CONSTRAINT pipeline_stages_replicas_check CHECK (replicas > 0),
    configuration              jsonb,
    processing_timeout_seconds integer,
    retry_max_attempts         integer NOT NULL DEFAULT 3,
    retry_backoff_seconds      integer NOT NULL DEFAULT 1,
    sla_seconds                integer,
    error_rate_threshold       numeric
                               CONSTRAINT pipeline_stages_error_rate_threshold_check
                               CHECK (error_rate_threshold >= 0 AND error_rate_threshold <= 1),
    CONSTRAINT pipeline_stages_flow_name_stage_name_key UNIQUE (flow_name, stage_name)
);

COMMENT ON TABLE pipeline_stages IS 'Processing stages of the pipeline flows, ordered by stage_order.';

CREATE TABLE IF NOT EXISTS pipeline_stage_topics (
    id         serial PRIMARY KEY,
    stage_id   integer NOT NULL
               REFERENCES pipeline_stages (id) ON DELETE CASCADE,
    topic_name text NOT NULL
               REFERENCES kafka_topics (topic_name) ON UPDATE CASCADE ON DELETE CASCADE,
    topic_role text NOT NULL
               CONSTRAINT pipeline_stage_topics_topic_role_check
               CHECK (topic_role IN ('input', 'output', 'error')),
    CONSTRAINT pipeline_stage_topics_stage_id_topic_name_topic_role_key UNIQUE (stage_id, topic_name, topic_role)
);

COMMENT ON TABLE pipeline_stage_topics IS 'The input, output and error topics of each pipeline stage.';

CREATE INDEX IF NOT EXISTS pipeline_stage_topics_topic_name_idx ON pipeline_stage_topics (topic_name);

-- data_type and transformation carry no CHECK on purpose: Loom reports unknown values itself,
-- naming the row, instead of the database refusing the INSERT.
CREATE TABLE IF NOT EXISTS topic_field_mappings (
    id                serial PRIMARY KEY,
    topic_name        text NOT NULL
                      REFERENCES kafka_topics (topic_name) ON UPDATE CASCADE ON DELETE CASCADE,
    table_name        text NOT NULL,
    source_field_path text NOT NULL,
    target_column     text NOT NULL,
    data_type         text NOT NULL DEFAULT 'string',
    transformation    text,
    is_required       boolean NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT topic_field_mappings_topic_path_column_key
        UNIQUE (topic_name, source_field_path, target_column)
);

COMMENT ON TABLE topic_field_mappings IS 'How each JSON field of a topic becomes a column of its table.';

CREATE TABLE IF NOT EXISTS topic_table_configs (
    topic_name        text PRIMARY KEY
                      REFERENCES kafka_topics (topic_name) ON UPDATE CASCADE ON DELETE CASCADE,
    table_name        text NOT NULL,
    upsert_key        text NOT NULL DEFAULT 'device_id, timestamp',
    conflict_strategy text NOT NULL DEFAULT 'ignore'
                      CONSTRAINT topic_table_configs_conflict_strategy_check
                      CHECK (conflict_strategy IN ('ignore', 'update', 'replace')),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE topic_table_configs IS 'The target table, upsert key and conflict strategy of each consumed topic.';

DROP TRIGGER IF EXISTS kafka_topics_set_updated_at ON kafka_topics;
CREATE TRIGGER kafka_topics_set_updated_at
    BEFORE UPDATE ON kafka_topics
    FOR EACH ROW EXECUTE FUNCTION kafka_config_set_updated_at();

DROP TRIGGER IF EXISTS pipeline_flows_set_updated_at ON pipeline_flows;
CREATE TRIGGER pipeline_flows_set_updated_at
    BEFORE UPDATE ON pipeline_flows
    FOR EACH ROW EXECUTE FUNCTION kafka_config_set_updated_at();

DROP TRIGGER IF EXISTS topic_table_configs_set_updated_at ON topic_table_configs;
CREATE TRIGGER topic_table_configs_set_updated_at
    BEFORE UPDATE ON topic_table_configs
    FOR EACH ROW EXECUTE FUNCTION kafka_config_set_updated_at();

-- Active topics with their current schema version and table configuration.
CREATE OR REPLACE VIEW v_active_topics AS
SELECT t.topic_name,
       t.category,
       t.source,
       t.datatype,
       t.stage,
       t.description,
       t.retention_days,
       t.partitions,
       t.replication_factor,
       t.compression_type,
       s.version     AS schema_version,
       s.schema_json AS schema_json,
       s.schema_path AS schema_path,
       c.table_name,
       c.upsert_key,
       c.conflict_strategy,
       t.created_at,
       t.updated_at
FROM kafka_topics t
LEFT JOIN kafka_topic_schemas s ON s.topic_name = t.topic_name AND s.is_current
LEFT JOIN topic_table_configs c ON c.topic_name = t.topic_name
WHERE t.is_active;

-- One row per stage of every flow, with the stage's topics by role.
CREATE OR REPLACE VIEW v_pipeline_overview AS
SELECT f.flow_name,
       f.description AS flow_description,
       f.priority,
       f.is_active   AS flow_is_active,
       s.id          AS stage_id,
       s.stage_name,
       s.stage_order,
       s.service_name,
       s.service_image,
       s.replicas,
       COALESCE(ARRAY(SELECT st.topic_name FROM pipeline_stage_topics st
                      WHERE st.stage_id = s.id AND st.topic_role = 'input' ORDER BY st.topic_name),
                ARRAY[]::text[]) AS input_topics,
       COALESCE(ARRAY(SELECT st.topic_name FROM pipeline_stage_topics st
                      WHERE st.stage_id = s.id AND st.topic_role = 'output' ORDER BY st.topic_name),
                ARRAY[]::text[]) AS output_topics,
       COALESCE(ARRAY(SELECT st.topic_name FROM pipeline_stage_topics st
                      WHERE st.stage_id = s.id AND st.topic_role = 'error' ORDER BY st.topic_name),
                ARRAY[]::text[]) AS error_topics
FROM pipeline_flows f
JOIN pipeline_stages s ON s.flow_name = f.flow_name;

-- Data lineage: each stage turns each of its input topics into each of its output topics.
CREATE OR REPLACE VIEW v_topic_dependencies AS
SELECT i.topic_name    AS source_topic,
       o.topic_name    AS target_topic,
       s.service_name  AS processing_service,
       s.flow_name,
       s.stage_name,
       s.stage_order,
       f.description   AS flow_description,
       src.description AS source_description,
       tgt.description AS target_description
FROM pipeline_stages s
JOIN pipeline_flows f ON f.flow_name = s.flow_name
JOIN pipeline_stage_topics i ON i.stage_id = s.id AND i.topic_role = 'input'
JOIN pipeline_stage_topics o ON o.stage_id = s.id AND o.topic_role = 'output'
LEFT JOIN kafka_topics src ON src.topic_name = i.topic_name
LEFT JOIN kafka_topics tgt ON tgt.topic_name = o.topic_name;

-- The JSON schema of a topic: the given version, or the current one when the version is NULL.
-- NULL when there is no such schema.
CREATE OR REPLACE FUNCTION get_topic_schema(p_topic_name text, p_version text DEFAULT NULL)
RETURNS jsonb
LANGUAGE sql
STABLE
AS $$
    SELECT s.schema_json
    FROM kafka_topic_schemas s
    WHERE s.topic_name = p_topic_name
      AND (CASE WHEN p_version IS NULL THEN s.is_current ELSE s.version = p_version END)
$$;

-- A whole flow as one JSON document: its settings and its stages in order, each with its
-- configuration and its input/output/error topics. NULL when there is no such flow.
CREATE OR REPLACE FUNCTION get_pipeline_config(p_flow_name text)
RETURNS jsonb
LANGUAGE sql
STABLE
AS $$
    SELECT jsonb_build_object(
               'flow_name', f.flow_name,
               'description', f.description,
               'priority', f.priority,
               'expected_events_per_second', f.expected_events_per_second,
               'average_event_size_bytes', f.average_event_size_bytes,
               'peak_multiplier', f.peak_multiplier,
               'is_active', f.is_active,
               'stages', COALESCE((
                   SELECT jsonb_agg(
                              jsonb_build_object(
                                  'stage_name', s.stage_name,
                                  'stage_order', s.stage_order,
                                  'service_name', s.service_name,
                                  'service_image', s.service_image,
                                  'replicas', s.replicas,
                                  'configuration', s.configuration,
                                  'processing_timeout_seconds', s.processing_timeout_seconds,
                                  'retry_max_attempts', s.retry_max_attempts,
                                  'retry_backoff_seconds', s.retry_backoff_seconds,
                                  'sla_seconds', s.sla_seconds,
                                  'error_rate_threshold', s.error_rate_threshold,
                                  'input_topics', COALESCE((
                                      SELECT jsonb_agg(st.topic_name ORDER BY st.topic_name)
                                      FROM pipeline_stage_topics st
                                      WHERE st.stage_id = s.id AND st.topic_role = 'input'), '[]'::jsonb),
                                  'output_topics', COALESCE((
                                      SELECT jsonb_agg(st.topic_name ORDER BY st.topic_name)
                                      FROM pipeline_stage_topics st
                                      WHERE st.stage_id = s.id AND st.topic_role = 'output'), '[]'::jsonb),
                                  'error_topics', COALESCE((
                                      SELECT jsonb_agg(st.topic_name ORDER BY st.topic_name)
                                      FROM pipeline_stage_topics st
                                      WHERE st.stage_id = s.id AND st.topic_role = 'error'), '[]'::jsonb))
                              ORDER BY s.stage_order, s.stage_name)
                   FROM pipeline_stages s
                   WHERE s.flow_name = f.flow_name), '[]'::jsonb))
    FROM pipeline_flows f
    WHERE f.flow_name = p_flow_name
$$;
