package io.loom.sink;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.loom.mapping.Column;
import io.loom.mapping.ConfigProblem;
import io.loom.mapping.TopicMapping;
import io.loom.sink.internal.SinkEngine;
import io.loom.sink.internal.TablePlan;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes batches of mapped rows into PostgreSQL (or TimescaleDB) tables with binary {@code COPY},
 * storing the consumed offsets in the same transaction, so that every message is stored exactly once.
 *
 * <pre>{@code
 * try (JdbcSink sink = new JdbcSink(dataSource, SinkOptions.defaults())) {
 *   Map<SourcePartition, Long> resumeAt = sink.readOffsets("my-group", topics);
 *   TableTarget target = TableTarget.of(mapping, mapper.columns());
 *   SinkBatch batch = sink.newBatch();
 *   MappingError error = mapper.map(record, batch.rowsFor(target, record.topic(), record.partition(), record.offset()));
 *   ...
 *   WriteResult result = sink.write(batch, "my-group", rejected -> deadLetters.publishAndWait(rejected));
 * }
 * }</pre>
 *
 * <h2>What a write does</h2>
 * One {@link #write} is one transaction on one pooled connection. For each table, values go from the
 * batch straight into PostgreSQL's binary COPY format, encoded for each column's actual type (text,
 * varchar, char, int2/4/8 with range checks, float4/8, numeric, bool, timestamptz, timestamp, date,
 * uuid, bytea, json, jsonb, text[] and float8[]/float4[]; any other type PostgreSQL can cast to is
 * reached through a staging column and a cast). The conflict strategy decides the path:
 * <ul>
 *   <li><b>append</b> (empty upsert key): COPY straight into the table;
 *   <li><b>ignore</b>: COPY straight into the table inside a savepoint; only on a key conflict, COPY
 *       into a per-connection temporary staging table and {@code INSERT ... SELECT ... ON CONFLICT (key)
 *       DO NOTHING};
 *   <li><b>update</b>: like ignore, COPY straight into the table inside a savepoint first (rows with new
 *       keys are simply inserted); on a key conflict, staging and {@code INSERT ... SELECT ... ON CONFLICT
 *       (key) DO UPDATE SET} the mapped non-key columns;
 *   <li><b>replace</b>: the same, with {@code DO UPDATE SET} every non-key column of the table to the
 *       new value or, if it is not mapped, to its {@code DEFAULT} (generated columns, and identity
 *       columns that are not mapped, keep their value).
 * </ul>
 * The direct COPY is skipped when a column needs a cast. After a key conflict the next batches of
 * that target go straight to staging, for 1, 2, 4, ... up to 64 batches while the attempts keep
 * conflicting, so a table whose batches always conflict rarely pays for a failed COPY; one
 * successful attempt ends the pause.
 *
 * <p><b>Identical rows.</b> update leaves a stored row alone when every column it would set already
 * holds a byte-identical value ({@code ROW(...)::record *= ROW(...)::record}): a redelivered or
 * replayed message then costs no new row version, index entry or WAL, and fires no row-level {@code
 * UPDATE} trigger. replace does the same only when it sets no column to its default (every settable column is
 * mapped); otherwise it rewrites the row, since a default may be volatile. Skipped rows are not
 * counted in {@link WriteResult#rowsWritten()}. Equal but not identical values ({@code 1.0} and {@code
 * 1.00} in a numeric column, two spellings under a case-insensitive type) are written.
 *
 * <p><b>Duplicate keys inside one batch.</b> Rows of one batch that share a key are reduced to one
 * before PostgreSQL sees them, so the result does not depend on where batch boundaries fall: for
 * update and replace the row of the last message wins (the latest offset, as the message stream
 * intends), for ignore the first one (the first row to arrive is the one that stays, as if the
 * messages had been written one at a time). If the winning message is rejected, the row it displaced
 * is written instead. Rows are sent in key order, which keeps index work local and makes concurrent
 * writers lock overlapping keys in the same order.
 *
 * <h2>Failures</h2>
 * A row PostgreSQL refuses for its data (SQLSTATE classes 21, 22, 23, 44, 54000, P0), or a value that
 * does not fit its column, is isolated by splitting the table's rows in savepoints; every other row is
 * written, and the message comes back in {@link WriteResult#rejected()} with SQLSTATE and message. The
 * offsets advance past rejected messages, so the caller must dead-letter them: pass a {@link
 * RejectHandler} to do it inside the transaction, before the commit. Infrastructure failures
 * (connection lost, database restarting, timeouts, deadlocks) never reject rows: the whole transaction
 * is retried on a new connection with capped exponential backoff ({@link SinkOptions}), logged at
 * WARN. A stored offset past the batch's first message fails the write with {@link
 * SinkException.Reason#OFFSET_CONFLICT} before anything is written.
 *
 * <p>Row counts are checked: every COPY must report the rows sent, and a staged {@code INSERT} the rows
 * it had to insert or update. A table with a {@code BEFORE INSERT} row trigger that drops rows (returns
 * {@code NULL}) therefore fails its writes instead of losing rows silently; such a trigger does not
 * fit an exactly-once sink.
 *
 * <h2>Offsets</h2>
 * Stored in {@code loom_offsets} (created if missing): the next offset to consume per consumer group,
 * topic and partition.
 *
 * <h2>TimescaleDB</h2>
 * A target with {@link TableTarget#hypertable()} is converted with {@code create_hypertable(...,
 * migrate_data => true, if_not_exists => true)} (called in the extension's schema, whatever the
 * connection's search_path) before its first write when the {@code timescaledb} extension is
 * installed, and again, as a no-op, after {@link #invalidateMetadata()}; without the extension the
 * settings are ignored (logged once per table). What TimescaleDB would refuse (a primary key or
 * unique index without the time column, a time column of a type it cannot partition by, an integer
 * time column without a whole-number chunk interval) is a problem of {@link #check} and fails the
 * write with {@link SinkException.Reason#SCHEMA} before anything is sent; a refusal these checks do
 * not foresee fails it the same way, naming the table, the time column and TimescaleDB's reason.
 * Nothing of the batch is written.
 *
 * <h2>Missing tables</h2>
 * With {@link SinkOptions#createMissingTables()} (the default), a target table that does not exist is
 * created on its first write: the mapped columns with the natural type of their data type, the upsert
 * key's columns NOT NULL and its primary key (then converted, for a hypertable target). Existing
 * tables are never altered.
 *
 * <p>Thread-safe: any number of threads may write their own batches at once (each uses its own
 * connection). The sink does not close a {@link DataSource} it was given; {@link #close()} is
 * idempotent and makes running retries give up.
 */
public final class JdbcSink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcSink.class);

  private final SinkEngine engine;
  private final HikariDataSource ownedPool;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** A sink writing through {@code dataSource} (a pool of pgjdbc connections, which the caller owns). */
  public JdbcSink(DataSource dataSource, SinkOptions options) {
    this(dataSource, options, null);
  }

  private JdbcSink(DataSource dataSource, SinkOptions options, HikariDataSource ownedPool) {
    this.engine = new SinkEngine(Objects.requireNonNull(dataSource, "dataSource"), Objects.requireNonNull(options, "options"));
    this.ownedPool = ownedPool;
  }

  /**
   * A sink with its own HikariCP pool of {@code poolSize} connections to {@code jdbcUrl}, closed with
   * the sink. The password never reaches a log.
   */
  public static JdbcSink withPool(String jdbcUrl, String user, String password, int poolSize, SinkOptions options) {
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize was '" + poolSize + "' but it must be at least 1");
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(Objects.requireNonNull(jdbcUrl, "jdbcUrl"));
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(poolSize);
    config.setPoolName("loom-sink");
    config.setAutoCommit(true);
    HikariDataSource pool = new HikariDataSource(config);
    return new JdbcSink(pool, options, pool);
  }

  /** A new, empty batch. */
  public SinkBatch newBatch() {
    return new SinkBatch();
  }

  /** Writes {@code batch} with no reject handler: the caller dead-letters {@link WriteResult#rejected()}. */
  public WriteResult write(SinkBatch batch, String consumerGroup) {
    return write(batch, consumerGroup, RejectHandler.NONE);
  }

  /**
   * Writes every row of {@code batch} and stores its next offsets for {@code consumerGroup}, in one
   * transaction. The batch is not changed.
   *
   * @param onRejected called inside the transaction, before the commit, when messages were rejected
   * @return what was written and rejected
   * @throws SinkException if nothing could be stored (see {@link SinkException.Reason}); the
   *     transaction was rolled back
   */
  public WriteResult write(SinkBatch batch, String consumerGroup, RejectHandler onRejected) {
    Objects.requireNonNull(batch, "batch");
    Objects.requireNonNull(consumerGroup, "consumerGroup");
    Objects.requireNonNull(onRejected, "onRejected");
    return engine.write(batch.data(), consumerGroup, onRejected);
  }

  /**
   * The next offsets stored for {@code consumerGroup} on the partitions of {@code topics}; partitions
   * never written are absent. Retries infrastructure failures like a write.
   */
  public Map<SourcePartition, Long> readOffsets(String consumerGroup, Collection<String> topics) {
    Objects.requireNonNull(consumerGroup, "consumerGroup");
    return engine.readOffsets(consumerGroup, List.copyOf(topics));
  }

  /**
   * Checks a mapping against the live database, reading the table afresh: the table exists (with
   * {@link SinkOptions#createMissingTables()}, a missing table is checked as the table its first write
   * will create, and is a problem only when its schema is missing too; a check creates nothing), every
   * mapped column exists and is not generated, every mapped data type can be written to the column's
   * actual type, unmapped NOT NULL columns have defaults, and a non-empty upsert key has a primary key
   * or unique index on exactly its columns. Problems have no location and paths such as {@code
   * mappings[<topic>].fields[2].data_type}.
   *
   * @return every problem found; empty if rows of this mapping can be written
   * @throws SinkException if the database cannot be reached
   */
  public List<ConfigProblem> check(TopicMapping mapping, List<Column> columns) {
    TablePlan plan = engine.freshPlan(TableTarget.of(mapping, columns));
    if (plan.usable()) {
      LOG.info("{} -> {}: {}", mapping.topic(), mapping.table(), plan.description());
    }
    return SinkEngine.problems(mapping, plan);
  }

  /**
   * How rows of this mapping will be written (the strategy path, staging and casts), for status pages;
   * or what is wrong, if {@link #check} finds problems.
   */
  public String describeWritePath(TopicMapping mapping, List<Column> columns) {
    TablePlan plan = engine.freshPlan(TableTarget.of(mapping, columns));
    if (plan.usable()) {
      return plan.description();
    }
    return "not writable: " + String.join("; ", plan.problems().stream().map(TablePlan.Problem::message).toList());
  }

  /** Forgets all cached table metadata; call it after a configuration or schema change. */
  public void invalidateMetadata() {
    engine.invalidateMetadata();
  }

  public SinkOptions options() {
    return engine.options();
  }

  /** Stops the sink: writes that are waiting to retry give up; closes the pool it created, if any. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      engine.close();
      if (ownedPool != null) {
        ownedPool.close();
      }
    }
  }

  @Override
  public String toString() {
    return "JdbcSink[" + engine.options() + (closed.get() ? ", closed" : "") + "]";
  }
}
