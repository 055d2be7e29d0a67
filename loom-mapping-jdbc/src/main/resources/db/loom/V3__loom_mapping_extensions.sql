-- Loom's extension columns. All are nullable or defaulted, so the seed's INSERT statements (which
-- name only the seed's columns) keep working unchanged.

-- A value used when the field is absent or null, as configuration text.
ALTER TABLE topic_field_mappings ADD COLUMN IF NOT EXISTS default_value text;
-- How a timestamp is read: auto, iso_8601, epoch_seconds, epoch_millis, epoch_micros. No CHECK:
-- Loom reports an unknown value itself, naming the row.
ALTER TABLE topic_field_mappings ADD COLUMN IF NOT EXISTS timestamp_format text;
-- The position of the field among its topic's fields (the column order of the row). Rows without a
-- position (written by hand) come after the others, in id order.
ALTER TABLE topic_field_mappings ADD COLUMN IF NOT EXISTS field_order integer;

-- Where rejected messages go; NULL means the pipeline's error topic or <topic>.dlq.
ALTER TABLE topic_table_configs ADD COLUMN IF NOT EXISTS dead_letter_topic text;
-- Validate messages against the topic's JSON schema before mapping them.
ALTER TABLE topic_table_configs ADD COLUMN IF NOT EXISTS validate_schema boolean NOT NULL DEFAULT false;
-- A top-level message field, or a Kafka header, that names the schema version to validate against.
ALTER TABLE topic_table_configs ADD COLUMN IF NOT EXISTS schema_version_field text;
ALTER TABLE topic_table_configs ADD COLUMN IF NOT EXISTS schema_version_header text;
-- TimescaleDB: the partitioning time column and chunk interval (a PostgreSQL interval such as '1 day').
ALTER TABLE topic_table_configs ADD COLUMN IF NOT EXISTS hypertable_time_column text;
ALTER TABLE topic_table_configs ADD COLUMN IF NOT EXISTS hypertable_chunk_interval text;

CREATE INDEX IF NOT EXISTS topic_field_mappings_topic_order_idx
    ON topic_field_mappings (topic_name, field_order, id);
