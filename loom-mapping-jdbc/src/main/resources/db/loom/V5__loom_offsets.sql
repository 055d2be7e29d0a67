-- The consumed Kafka offsets, written by the sink in the same transaction as the rows they cover.
-- The sink creates the same table itself when it is used without these migrations.
CREATE TABLE IF NOT EXISTS loom_offsets (consumer_group text NOT NULL, topic text NOT NULL,
kafka_partition integer NOT NULL, next_offset bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT
now(), PRIMARY KEY (consumer_group, topic, kafka_partition));
