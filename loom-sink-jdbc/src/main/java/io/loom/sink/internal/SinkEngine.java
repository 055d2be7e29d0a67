package io.loom.sink.internal;

import io.loom.mapping.ConfigProblem;
import io.loom.mapping.TopicMapping;
import io.loom.sink.RejectHandler;
import io.loom.sink.RejectedRow;
import io.loom.sink.SinkException;
import io.loom.sink.SinkOptions;
import io.loom.sink.SourcePartition;
import io.loom.sink.TableTarget;
import io.loom.sink.WriteResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Design note: the transaction and retry logic behind {@code JdbcSink}. One write = one transaction
 * on one pooled connection: plan the tables (outside the transaction), lock and compare the stored
 * offsets, write every table with {@link TableWriter}, store the next offsets, hand the rejects to the
 * caller's hook, commit. Infrastructure failures retry the whole transaction on a new connection with
 * capped exponential backoff, until the attempts allowed run out or the sink is closed. A failure of
 * the commit itself leaves its outcome unknown; the next attempt then finds out from the stored
 * offsets whether it went through, so a batch is never written twice. Schema errors refresh the
 * cached metadata and try once more. Thread-safe; all mutable state is in the per-write context.
 */
public final class SinkEngine {
  private static final Logger LOG = LoggerFactory.getLogger(SinkEngine.class);

  private final DataSource dataSource;
  private final SinkOptions options;
  private final Catalog catalog;
  private final AtomicBoolean offsetsTableReady = new AtomicBoolean();
  private final DirectPathGate directPath = new DirectPathGate();
  private final CountDownLatch closed = new CountDownLatch(1);

  public SinkEngine(DataSource dataSource, SinkOptions options) {
    this.dataSource = dataSource;
    this.options = options;
    this.catalog = new Catalog(options.createMissingTables());
  }

  public SinkOptions options() {
    return options;
  }

  public boolean isClosed() {
    return closed.getCount() == 0;
  }

  public void close() {
    closed.countDown();
  }

  public void invalidateMetadata() {
    catalog.invalidate();
    offsetsTableReady.set(false);
    directPath.clear();
  }

  // ---------------------------------------------------------------------------------------------- write

  public WriteResult write(BatchData batch, String group, RejectHandler handler) {
    if (batch.messageCount() == 0) {
      return WriteResult.empty();
    }
    List<SourcePartition> partitions = List.copyOf(batch.partitions());
    int n = partitions.size();
    long[] first = new long[n];
    long[] next = new long[n];
    for (int i = 0; i < n; i++) {
      first[i] = batch.firstOffset(i);
      next[i] = batch.lastOffset(i) + 1;
    }
    String what = "write of " + batch.rowCount() + " rows / " + batch.messageCount() + " messages of group '" + group
        + "' (" + describe(partitions) + ")";
    WriteResult inDoubt = null;
    boolean schemaRetried = false;
    for (int attempt = 1; ; attempt++) {
      checkOpen(what);
      try {
        return attempt(batch, group, handler, partitions, first, next, attempt, inDoubt);
      } catch (CommitFailed e) {
        if (SqlStates.classify(e.cause) != SqlStates.Kind.TRANSIENT) {
          throw new SinkException(SinkException.Reason.FAILED, what + " failed at commit: " + SqlStates.state(e.cause)
              + " " + SqlStates.message(e.cause), e.cause);
        }
        inDoubt = e.outcome;
        retryOrGiveUp(what, attempt, e.cause);
      } catch (SQLException e) {
        SqlStates.Kind kind = SqlStates.classify(e);
        if (kind == SqlStates.Kind.TRANSIENT) {
          retryOrGiveUp(what, attempt, e);
        } else if (kind == SqlStates.Kind.SCHEMA && !schemaRetried) {
          schemaRetried = true;
          LOG.warn("{} failed with {} {}; refreshing the table metadata and trying again", what, SqlStates.state(e),
              SqlStates.message(e));
          Set<String> tables = new LinkedHashSet<>();
          batch.tables().forEach(t -> tables.add(t.target().table()));
          catalog.invalidate(tables);
          offsetsTableReady.set(false);
        } else {
          throw new SinkException(kind == SqlStates.Kind.SCHEMA ? SinkException.Reason.SCHEMA : SinkException.Reason.FAILED,
              what + " failed: " + SqlStates.state(e) + " " + SqlStates.message(e), e);
        }
      } catch (SinkException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new SinkException(SinkException.Reason.FAILED, what + " failed: " + e.getMessage(), e);
      }
    }
  }

  private WriteResult attempt(BatchData batch, String group, RejectHandler handler, List<SourcePartition> partitions,
      long[] first, long[] next, int attempt, WriteResult inDoubt) throws SQLException {
    try (Connection conn = dataSource.getConnection()) {
      ensureOffsetsTable(conn);
      List<TableBuffer> buffers = new ArrayList<>();
      List<TablePlan> plans = new ArrayList<>();
      for (TableBuffer buffer : batch.tables()) {
        if (buffer.rowCount == 0) {
          continue;
        }
        TablePlan plan = catalog.plan(conn, buffer.target());
        if (!plan.usable()) {
          throw schemaProblem(buffer.target(), plan);
        }
        buffers.add(buffer);
        plans.add(plan);
      }
      conn.setAutoCommit(false);
      boolean committed = false;
      try (WriteContext ctx = new WriteContext(conn, batch, options.copyChunkBytes(), directPath)) {
        if (!options.statementTimeout().isZero()) {
          ctx.statement.execute("SET LOCAL statement_timeout = " + options.statementTimeout().toMillis());
        }
        Map<SourcePartition, Long> stored = OffsetStore.lock(conn, group, partitions, first);
        WriteResult already = checkStoredOffsets(group, partitions, first, next, stored, inDoubt, attempt);
        if (already != null) {
          return already;
        }
        for (int i = 0; i < buffers.size(); i++) {
          new TableWriter(ctx, buffers.get(i), plans.get(i)).write();
        }
        OffsetStore.update(conn, group, partitions, next);
        List<RejectedRow> rejects = new ArrayList<>(ctx.rejects);
        rejects.sort(Comparator.comparing(RejectedRow::topic).thenComparingInt(RejectedRow::partition)
            .thenComparingLong(RejectedRow::offset));
        Map<String, Long> written = new LinkedHashMap<>();
        for (TableBuffer buffer : buffers) {
          written.merge(buffer.target().table(), ctx.rowsWritten.getOrDefault(buffer.target().table(), 0L), (a, b) -> a);
        }
        Map<SourcePartition, Long> offsets = new LinkedHashMap<>();
        for (int i = 0; i < partitions.size(); i++) {
          offsets.put(partitions.get(i), next[i]);
        }
        WriteResult result = new WriteResult(written, rejects, offsets, attempt);
        if (!rejects.isEmpty()) {
          try {
            handler.beforeCommit(List.copyOf(rejects));
          } catch (Exception e) {
            throw new SinkException(SinkException.Reason.REJECT_HANDLER_FAILED, "the reject handler failed for "
                + rejects.size() + " rejected message(s) (first: " + rejects.get(0) + "); the write was rolled back", e);
          }
        }
        try {
          conn.commit();
          committed = true;
        } catch (SQLException e) {
          throw new CommitFailed(result, e);
        }
        if (LOG.isDebugEnabled()) {
          LOG.debug("committed {} rows ({} rejected messages) for group '{}', offsets {}", result.totalRowsWritten(),
              rejects.size(), group, offsets);
        }
        return result;
      } finally {
        if (!committed) {
          rollbackQuietly(conn);
        }
      }
    }
  }

  private WriteResult checkStoredOffsets(String group, List<SourcePartition> partitions, long[] first, long[] next,
      Map<SourcePartition, Long> stored, WriteResult inDoubt, int attempt) {
    List<String> conflicts = new ArrayList<>();
    boolean allAtNext = true;
    for (int i = 0; i < partitions.size(); i++) {
      Long value = stored.get(partitions.get(i));
      if (value == null) {
        throw new IllegalStateException("offset row of " + partitions.get(i) + " is missing after it was inserted");
      }
      allAtNext &= value == next[i];
      if (value > first[i]) {
        conflicts.add(partitions.get(i) + " stored next offset " + value + " > batch's first offset " + first[i]);
      }
    }
    if (conflicts.isEmpty()) {
      return null;
    }
    if (inDoubt != null && allAtNext) {
      LOG.info("the commit of group '{}' that failed on the previous attempt had gone through (stored offsets {});"
          + " not writing the batch again", group, describe(partitions));
      return new WriteResult(inDoubt.rowsWritten(), inDoubt.rejected(), inDoubt.offsets(), attempt);
    }
    throw new SinkException(SinkException.Reason.OFFSET_CONFLICT, "group '" + group + "': these messages were already"
        + " stored by another writer: " + String.join("; ", conflicts) + "; re-read the offsets and resume from there");
  }

  private void retryOrGiveUp(String what, int attempt, SQLException cause) {
    if (!options.allowsAttempt(attempt + 1)) {
      throw new SinkException(SinkException.Reason.RETRIES_EXHAUSTED, what + " failed after " + attempt
          + (attempt == 1 ? " attempt: " : " attempts: ") + SqlStates.state(cause) + " " + SqlStates.message(cause), cause);
    }
    Duration wait = options.backoffBefore(attempt + 1);
    LOG.warn("{} failed on attempt {} ({} {}); retrying in {} ms", what, attempt, SqlStates.state(cause),
        SqlStates.message(cause), wait.toMillis());
    try {
      if (closed.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new SinkException(SinkException.Reason.CLOSED, what + " abandoned: the sink was closed while retrying"
            + " after " + SqlStates.state(cause) + " " + SqlStates.message(cause), cause);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SinkException(SinkException.Reason.CLOSED, what + " abandoned: interrupted while retrying", cause);
    }
  }

  private void checkOpen(String what) {
    if (isClosed()) {
      throw new SinkException(SinkException.Reason.CLOSED, what + " refused: the sink is closed");
    }
  }

  private void ensureOffsetsTable(Connection conn) throws SQLException {
    if (!offsetsTableReady.get()) {
      try {
        OffsetStore.createTable(conn);
      } catch (SQLException e) {
        // two sinks creating the table at once: one of them gets a unique violation on the catalog
        if (!"23505".equals(e.getSQLState())) {
          throw e;
        }
      }
      offsetsTableReady.set(true);
    }
  }

  private static SinkException schemaProblem(TableTarget target, TablePlan plan) {
    StringBuilder sb = new StringBuilder("table '" + target.table() + "' does not fit its mapping:");
    plan.problems().forEach(p -> sb.append("\n  - ").append(p.message()));
    return new SinkException(SinkException.Reason.SCHEMA, sb.toString());
  }

  private static String describe(List<SourcePartition> partitions) {
    if (partitions.size() <= 8) {
      return partitions.toString();
    }
    return partitions.subList(0, 8) + " and " + (partitions.size() - 8) + " more partitions";
  }

  private static void rollbackQuietly(Connection conn) {
    try {
      if (!conn.isClosed() && !conn.getAutoCommit()) {
        conn.rollback();
      }
    } catch (SQLException ignored) {
      // the connection is broken; the pool discards it
    }
  }

  /** The commit failed: whether it went through is unknown. */
  private static final class CommitFailed extends SQLException {
    private static final long serialVersionUID = 1L;
    private final transient WriteResult outcome;
    private final SQLException cause;

    CommitFailed(WriteResult outcome, SQLException cause) {
      super(cause.getMessage(), cause.getSQLState(), cause);
      this.outcome = outcome;
      this.cause = cause;
    }
  }

  // ---------------------------------------------------------------------------------------------- offsets

  public Map<SourcePartition, Long> readOffsets(String group, Collection<String> topics) {
    String what = "reading the offsets of group '" + group + "' for topics " + topics;
    for (int attempt = 1; ; attempt++) {
      checkOpen(what);
      try (Connection conn = dataSource.getConnection()) {
        ensureOffsetsTable(conn);
        return OffsetStore.read(conn, group, topics);
      } catch (SQLException e) {
        if (SqlStates.classify(e) == SqlStates.Kind.TRANSIENT) {
          retryOrGiveUp(what, attempt, e);
        } else {
          offsetsTableReady.set(false);
          throw new SinkException(SinkException.Reason.FAILED, what + " failed: " + SqlStates.state(e) + " "
              + SqlStates.message(e), e);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- checks

  /** The plan of a mapping read fresh from the database; one attempt, no retries. */
  public TablePlan freshPlan(TableTarget target) {
    try (Connection conn = dataSource.getConnection()) {
      return catalog.freshPlan(conn, target);
    } catch (SQLException e) {
      throw new SinkException(SqlStates.classify(e) == SqlStates.Kind.TRANSIENT ? SinkException.Reason.RETRIES_EXHAUSTED
          : SinkException.Reason.FAILED, "checking table '" + target.table() + "' failed: " + SqlStates.state(e) + " "
          + SqlStates.message(e), e);
    }
  }

  /** The problems of a plan as configuration problems of {@code mapping}. */
  public static List<ConfigProblem> problems(TopicMapping mapping, TablePlan plan) {
    String base = "mappings[" + mapping.topic() + "]";
    List<ConfigProblem> result = new ArrayList<>();
    for (TablePlan.Problem p : plan.problems()) {
      String path;
      if (p.column() != null) {
        int index = -1;
        for (int i = 0; i < mapping.fields().size(); i++) {
          if (mapping.fields().get(i).targetColumn().equals(p.column())) {
            index = i;
            break;
          }
        }
        path = index >= 0 ? base + ".fields[" + index + "]." + p.field() : base + ".columns[" + p.column() + "]";
      } else {
        path = base + "." + p.field();
      }
      result.add(new ConfigProblem(null, path, p.message()));
    }
    return result;
  }

  /** Runs a statement in auto-commit mode; for tests and tools. */
  static void execute(Connection conn, String sql) throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.execute(sql);
    }
  }
}
