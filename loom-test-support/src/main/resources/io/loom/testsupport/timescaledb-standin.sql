-- A STAND-IN for the timescaledb extension, for tests on a PostgreSQL server that has no TimescaleDB.
-- It is not TimescaleDB: it partitions nothing, creates no chunks and moves no data.
--
-- What it does have is create_hypertable with the real TimescaleDB 2.x signature (sql/ddl_api.sql,
-- 2.13 and later: relation regclass first, chunk_time_interval anyelement, chunk_sizing_func defaulting to
-- _timescaledb_functions.calculate_chunk_interval) and the real result row. A call:
--   * refuses what TimescaleDB refuses in the cases a writer of rows can meet, with TimescaleDB's message
--     and SQLSTATE: a table that already is a hypertable (without if_not_exists), a table that holds rows
--     (without migrate_data), a missing or generated time column, a time column that is not an integer,
--     date or timestamp type, an interval type the column cannot use, a missing interval on an integer
--     column, and a unique index or primary key that does not include the time column;
--   * otherwise sets the time column NOT NULL (as TimescaleDB does), remembers the table in
--     timescaledb_standin.hypertables with its effective chunk interval (7 days when none is given), and
--     records the call, arguments as passed, in timescaledb_standin.create_hypertable_calls.
-- A refused call raises, so its transaction keeps no trace of it, as with the real extension.

\echo Use "CREATE EXTENSION timescaledb" to load this file. \quit

CREATE SCHEMA _timescaledb_functions;
CREATE SCHEMA timescaledb_standin;

-- Referenced by create_hypertable's default for chunk_sizing_func; adaptive chunking is not emulated.
CREATE FUNCTION _timescaledb_functions.calculate_chunk_interval(
        dimension_id INTEGER,
        dimension_coord BIGINT,
        chunk_target_size BIGINT
) RETURNS BIGINT LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'adaptive chunking is not available in the timescaledb stand-in'
    USING ERRCODE = 'feature_not_supported';
END
$$;

-- Every table converted, with its time dimension (as timescaledb_information.dimensions shows it).
CREATE TABLE timescaledb_standin.hypertables (
  hypertable_id    serial PRIMARY KEY,
  relid            oid NOT NULL UNIQUE,
  schema_name      name NOT NULL,
  table_name       name NOT NULL,
  column_name      name NOT NULL,
  column_type      regtype NOT NULL,
  time_interval    interval,  -- date and timestamp columns
  integer_interval bigint     -- integer columns
);

-- Every call that did not raise, in order, with its arguments as passed (chunk_time_interval NULL when left out).
CREATE TABLE timescaledb_standin.create_hypertable_calls (
  call_id                  bigserial PRIMARY KEY,
  schema_name              name NOT NULL,
  table_name               name NOT NULL,
  time_column_name         name NOT NULL,
  chunk_time_interval      text,
  chunk_time_interval_type regtype,
  if_not_exists            boolean NOT NULL,
  migrate_data             boolean NOT NULL,
  created                  boolean NOT NULL
);

CREATE FUNCTION @extschema@.create_hypertable(
    relation                REGCLASS,
    time_column_name        NAME,
    partitioning_column     NAME = NULL,
    number_partitions       INTEGER = NULL,
    associated_schema_name  NAME = NULL,
    associated_table_prefix NAME = NULL,
    chunk_time_interval     ANYELEMENT = NULL::bigint,
    create_default_indexes  BOOLEAN = TRUE,
    if_not_exists           BOOLEAN = FALSE,
    partitioning_func       REGPROC = NULL,
    migrate_data            BOOLEAN = FALSE,
    chunk_target_size       TEXT = NULL,
    chunk_sizing_func       REGPROC = '_timescaledb_functions.calculate_chunk_interval'::regproc,
    time_partitioning_func  REGPROC = NULL
) RETURNS TABLE(hypertable_id INT, schema_name NAME, table_name NAME, created BOOL)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  usec_per_day constant bigint := 86400000000;
  rel_schema name;
  rel_name name;
  rel_kind "char";
  col_type oid;
  col_not_null boolean;
  col_generated "char";
  has_rows boolean;
  interval_type regtype;
  interval_length bigint;
  max_length bigint;
  existing timescaledb_standin.hypertables%ROWTYPE;
  bad_index name;
  new_id integer;
BEGIN
  IF relation IS NULL THEN
    RAISE EXCEPTION 'relation cannot be NULL' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT n.nspname, c.relname, c.relkind INTO rel_schema, rel_name, rel_kind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = relation;
  IF chunk_time_interval IS NOT NULL THEN
    interval_type := pg_typeof(chunk_time_interval);
  END IF;

  SELECT * INTO existing FROM timescaledb_standin.hypertables h WHERE h.relid = relation;
  IF FOUND THEN
    IF NOT if_not_exists THEN
      RAISE EXCEPTION 'table "%" is already a hypertable', rel_name USING ERRCODE = 'TS110';
    END IF;
    RAISE NOTICE 'table "%" is already a hypertable, skipping', rel_name;
    INSERT INTO timescaledb_standin.create_hypertable_calls (schema_name, table_name, time_column_name,
        chunk_time_interval, chunk_time_interval_type, if_not_exists, migrate_data, created)
      VALUES (rel_schema, rel_name, time_column_name, chunk_time_interval::text, interval_type, if_not_exists,
        migrate_data, false);
    RETURN QUERY SELECT existing.hypertable_id, existing.schema_name, existing.table_name, false;
    RETURN;
  END IF;

  IF rel_kind = 'p' THEN
    RAISE EXCEPTION 'table "%" is already partitioned', rel_name USING ERRCODE = 'feature_not_supported',
      DETAIL = 'It is not possible to turn partitioned tables into hypertables.';
  ELSIF rel_kind <> 'r' THEN
    RAISE EXCEPTION 'invalid relation type' USING ERRCODE = 'wrong_object_type';
  END IF;

  EXECUTE format('SELECT EXISTS (SELECT FROM %s)', relation) INTO has_rows;
  IF has_rows AND NOT migrate_data THEN
    RAISE EXCEPTION 'table "%" is not empty', rel_name USING ERRCODE = 'feature_not_supported',
      HINT = 'You can migrate data by specifying ''migrate_data => true'' when calling this function.';
  END IF;

  SELECT a.atttypid, a.attnotnull, a.attgenerated INTO col_type, col_not_null, col_generated
    FROM pg_attribute a WHERE a.attrelid = relation AND a.attname = time_column_name AND NOT a.attisdropped;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'column "%" does not exist', time_column_name USING ERRCODE = 'undefined_column';
  END IF;
  IF col_generated = 's' THEN
    RAISE EXCEPTION 'invalid partitioning column' USING ERRCODE = 'feature_not_supported',
      HINT = 'Generated columns cannot be used as partitioning dimensions.';
  END IF;
  IF col_type NOT IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'date'::regtype, 'timestamp'::regtype,
      'timestamptz'::regtype) THEN
    RAISE EXCEPTION 'invalid type for dimension "%"', time_column_name USING ERRCODE = 'wrong_object_type',
      HINT = 'Use an integer, timestamp, or date type.';
  END IF;

  -- The interval in the column's units (microseconds for date and timestamp columns), as TimescaleDB computes it.
  IF interval_type IS NULL THEN
    IF col_type IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype) THEN
      RAISE EXCEPTION 'integer dimensions require an explicit interval' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    interval_length := 7 * usec_per_day;
  ELSIF interval_type IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype) THEN
    interval_length := chunk_time_interval::text::bigint;
    max_length := CASE col_type WHEN 'int2'::regtype THEN 32767 WHEN 'int4'::regtype THEN 2147483647
      ELSE 9223372036854775807 END;
    IF interval_length < 1 OR interval_length > max_length THEN
      RAISE EXCEPTION 'invalid interval: must be between 1 and %', max_length USING ERRCODE = 'invalid_parameter_value';
    END IF;
  ELSIF interval_type = 'interval'::regtype THEN
    IF col_type NOT IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype) THEN
      RAISE EXCEPTION 'invalid interval type for % dimension', format_type(col_type, NULL)
        USING ERRCODE = 'invalid_parameter_value', HINT = 'Use an interval of type integer.';
    END IF;
    -- months count 30 days, as in TimescaleDB
    interval_length := ((extract(year FROM chunk_time_interval::text::interval) * 12
        + extract(month FROM chunk_time_interval::text::interval)) * 30 * usec_per_day
      + extract(day FROM chunk_time_interval::text::interval) * usec_per_day
      + extract(hour FROM chunk_time_interval::text::interval) * 3600000000
      + extract(minute FROM chunk_time_interval::text::interval) * 60000000
      + extract(microseconds FROM chunk_time_interval::text::interval))::bigint;
  ELSE
    RAISE EXCEPTION 'invalid interval type for % dimension', format_type(col_type, NULL)
      USING ERRCODE = 'invalid_parameter_value',
      HINT = CASE WHEN col_type IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype)
        THEN 'Use an interval of type integer or interval.' ELSE 'Use an interval of type integer.' END;
  END IF;
  IF col_type = 'date'::regtype AND (interval_length <= 0 OR interval_length % usec_per_day <> 0) THEN
    RAISE EXCEPTION 'invalid interval for date dimension' USING ERRCODE = 'invalid_parameter_value',
      HINT = 'Use an interval that is a multiple of one day.';
  END IF;

  -- Unique, primary key and exclusion indexes must include the time column.
  SELECT ic.relname INTO bad_index
    FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
    WHERE i.indrelid = relation AND (i.indisunique OR i.indisexclusion)
      AND NOT EXISTS (SELECT FROM pg_attribute a
        WHERE a.attrelid = relation AND a.attname = time_column_name AND a.attnum = ANY (i.indkey::int2[]))
    ORDER BY ic.relname LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'cannot create a unique index without the column "%" (used in partitioning)', time_column_name
      USING ERRCODE = 'TS103', HINT = 'If you''re creating a hypertable on a table with a primary key, ensure the'
        ' partitioning column is part of the primary or composite key.';
  END IF;

  IF NOT col_not_null THEN
    RAISE NOTICE 'adding not-null constraint to column "%"', time_column_name
      USING DETAIL = 'Time dimensions cannot have NULL values.';
    EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET NOT NULL', relation, time_column_name);
  END IF;
  IF has_rows THEN
    RAISE NOTICE 'migrating data to chunks'
      USING DETAIL = 'Migration might take a while depending on the amount of data.';
  END IF;

  INSERT INTO timescaledb_standin.hypertables (relid, schema_name, table_name, column_name, column_type,
      time_interval, integer_interval)
    VALUES (relation, rel_schema, rel_name, time_column_name, col_type,
      CASE WHEN col_type IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype)
        THEN make_interval(days => (interval_length / usec_per_day)::int,
          secs => (interval_length % usec_per_day) / 1000000.0) END,
      CASE WHEN col_type IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype) THEN interval_length END)
    RETURNING timescaledb_standin.hypertables.hypertable_id INTO new_id;
  INSERT INTO timescaledb_standin.create_hypertable_calls (schema_name, table_name, time_column_name,
      chunk_time_interval, chunk_time_interval_type, if_not_exists, migrate_data, created)
    VALUES (rel_schema, rel_name, time_column_name, chunk_time_interval::text, interval_type, if_not_exists,
      migrate_data, true);
  RETURN QUERY SELECT new_id, rel_schema, rel_name, true;
END
$$;
