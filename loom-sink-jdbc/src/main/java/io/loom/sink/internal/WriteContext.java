package io.loom.sink.internal;

import io.loom.sink.RejectedRow;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Design note: the state of one write transaction on one connection: the COPY API, one statement for
 * savepoints and DDL, the COPY buffer, the staging tables created so far, the staging sequence (unique
 * within the transaction, so several tables or rounds can share a staging table), and what was
 * written and rejected. A retried write gets a fresh context.
 */
final class WriteContext implements AutoCloseable {
  final Connection conn;
  final CopyManager copyManager;
  final Statement statement;
  final CopyBuffer buffer;
  final int chunkBytes;
  final BatchData batch;
  final DirectPathGate directPath;
  final List<RejectedRow> rejects = new ArrayList<>();
  final Map<String, Long> rowsWritten = new LinkedHashMap<>();
  private final Set<String> stagingReady = new HashSet<>();
  private long nextSeq;

  WriteContext(Connection conn, BatchData batch, int chunkBytes, DirectPathGate directPath) throws SQLException {
    this.conn = conn;
    this.copyManager = conn.unwrap(PGConnection.class).getCopyAPI();
    this.statement = conn.createStatement();
    this.buffer = new CopyBuffer(chunkBytes + 64 * 1024);
    this.chunkBytes = chunkBytes;
    this.batch = batch;
    this.directPath = directPath;
  }

  void savepoint() throws SQLException {
    statement.execute("SAVEPOINT loom_rows");
  }

  void release() throws SQLException {
    statement.execute("RELEASE SAVEPOINT loom_rows");
  }

  void rollbackToSavepoint() throws SQLException {
    statement.execute("ROLLBACK TO SAVEPOINT loom_rows");
    statement.execute("RELEASE SAVEPOINT loom_rows");
  }

  void ensureStaging(TablePlan plan) throws SQLException {
    if (stagingReady.add(plan.stagingTable())) {
      statement.execute(plan.stagingDdl());
      statement.clearWarnings();
    }
  }

  long reserveSeq(int count) {
    long base = nextSeq;
    nextSeq += count;
    return base;
  }

  void addWritten(String table, long rows) {
    rowsWritten.merge(table, rows, Long::sum);
  }

  @Override
  public void close() throws SQLException {
    statement.close();
  }
}
