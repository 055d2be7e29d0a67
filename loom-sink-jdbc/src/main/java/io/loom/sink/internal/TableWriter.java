package io.loom.sink.internal;

import io.loom.mapping.ConflictStrategy;
import io.loom.sink.RejectedRow;
import io.loom.sink.SourcePartition;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import org.postgresql.copy.CopyIn;

/**
 * Design note: writes the rows of one {@link TableBuffer} inside the write transaction, following its
 * {@link TablePlan}.
 *
 * <p>Rows are handled in <em>units</em>, the rows of one message, so a message is written or rejected
 * whole. With an upsert key, rows that share a key inside the batch are reduced to one before
 * PostgreSQL sees them: the last one for update/replace, the first one for ignore (exactly what writing
 * the messages one by one would store). If the surviving row is then rejected, the rows it had
 * displaced get another round, so a rejected message never hides a valid one.
 *
 * <p>With a key, the messages of a round are sent in key order (of their first row): index pages
 * are then touched in order, which saves PostgreSQL work on large tables, and concurrent writers of
 * overlapping keys lock them in the same order. Keyed paths without casts first COPY straight into
 * the table in a savepoint ({@link TablePlan#directFirst()}); a key conflict rolls it back, falls back
 * to staging and pauses the direct attempt for the target a while ({@link DirectPathGate}). Staged
 * upserts check the row count PostgreSQL reports: exactly the rows staged when every row must be
 * inserted or updated, at most that when conflicting rows may be left alone.
 *
 * <p>Each attempt runs in a savepoint. A data error (see {@link SqlStates}) rolls the savepoint back
 * and the range of units is split: at the row PostgreSQL names ({@code COPY t, line N}) when it does,
 * in halves otherwise, until the failing message stands alone and is rejected with its SQLSTATE.
 * Values that do not fit their column are rejected while encoding, before PostgreSQL sees them. Every
 * COPY is cancelled in {@code finally} if it is still active, and its reported row count is checked.
 */
final class TableWriter {
  private enum Mode {
    DIRECT,
    STAGING
  }

  private final WriteContext ctx;
  private final TableBuffer buf;
  private final TablePlan plan;
  private final Codec[] codecs;
  private final boolean[] rejected;

  // the current round
  private int[] rows;
  private int[] unitStart;
  private int[] unitMessage;
  private int units;
  private long seqBase;

  TableWriter(WriteContext ctx, TableBuffer buf, TablePlan plan) {
    this.ctx = ctx;
    this.buf = buf;
    this.plan = plan;
    this.codecs = plan.codecs();
    this.rejected = new boolean[buf.messageCount];
  }

  void write() throws SQLException {
    int n = buf.rowCount;
    if (n == 0) {
      return;
    }
    int[] candidates = new int[n];
    for (int i = 0; i < n; i++) {
      candidates[i] = i;
    }
    if (buf.target().isAppendOnly()) {
      writeRound(candidates);
      return;
    }
    boolean lastWins = buf.target().conflictStrategy() != ConflictStrategy.IGNORE;
    while (candidates.length > 0) {
      candidates = dedupeAndWrite(candidates, lastWins);
    }
  }

  /** Writes the winners among {@code candidates}; returns the rows that need another round. */
  private int[] dedupeAndWrite(int[] candidates, boolean lastWins) throws SQLException {
    int n = candidates.length;
    int capacity = Integer.highestOneBit(Math.max(4, n) * 2 - 1) << 1;
    int mask = capacity - 1;
    int[] slotRow = new int[capacity];
    Arrays.fill(slotRow, -1);
    int[] slotOf = new int[n];
    boolean[] winner = new boolean[n];
    int losers = 0;
    for (int i = 0; i < n; i++) {
      int r = candidates[i];
      if (buf.rowKeyNull[r] != 0) {
        winner[i] = true;
        slotOf[i] = -1;
        continue;
      }
      int slot = mix(buf.rowKeyHash[r]) & mask;
      while (true) {
        int other = slotRow[slot];
        if (other < 0) {
          slotRow[slot] = i;
          winner[i] = true;
          break;
        }
        if (buf.rowKeyHash[candidates[other]] == buf.rowKeyHash[r] && keysEqual(candidates[other], r)) {
          losers++;
          if (lastWins) {
            winner[other] = false;
            winner[i] = true;
            slotRow[slot] = i;
          }
          break;
        }
        slot = (slot + 1) & mask;
      }
      slotOf[i] = slot;
    }
    int[] winners = new int[n - losers];
    int w = 0;
    for (int i = 0; i < n; i++) {
      if (winner[i]) {
        winners[w++] = candidates[i];
      }
    }
    writeRound(winners);
    if (losers == 0) {
      return new int[0];
    }
    int[] next = new int[losers];
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (!winner[i]) {
        int winnerRow = candidates[slotRow[slotOf[i]]];
        if (rejected[buf.rowMessage[winnerRow]] && !rejected[buf.rowMessage[candidates[i]]]) {
          next[k++] = candidates[i];
        }
      }
    }
    return Arrays.copyOf(next, k);
  }

  private static int mix(int h) {
    h *= 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  private boolean keysEqual(int a, int b) {
    byte[] d = buf.data;
    int pa = buf.rowStart[a];
    int pb = buf.rowStart[b];
    boolean[] key = buf.keyColumn;
    for (int c = 0; c < key.length; c++) {
      int ea = ValueTags.skip(d, pa);
      int eb = ValueTags.skip(d, pb);
      if (key[c] && !Arrays.equals(d, pa, ea, d, pb, eb)) {
        return false;
      }
      pa = ea;
      pb = eb;
    }
    return true;
  }

  private void writeRound(int[] roundRows) throws SQLException {
    rows = roundRows;
    unitStart = new int[roundRows.length + 1];
    unitMessage = new int[roundRows.length];
    units = 0;
    int i = 0;
    int kept = 0;
    int[] compact = new int[roundRows.length];
    while (i < roundRows.length) {
      int m = buf.rowMessage[roundRows[i]];
      int j = i;
      while (j < roundRows.length && buf.rowMessage[roundRows[j]] == m) {
        j++;
      }
      if (!rejected[m]) {
        unitStart[units] = kept;
        unitMessage[units] = m;
        units++;
        for (int r = i; r < j; r++) {
          compact[kept++] = roundRows[r];
        }
      }
      i = j;
    }
    unitStart[units] = kept;
    rows = compact;
    if (units == 0) {
      return;
    }
    if (plan.path() == TablePlan.Path.APPEND_DIRECT) {
      bisectCopy(Mode.DIRECT, 0, units);
      return;
    }
    if (!buf.target().isAppendOnly()) {
      sortUnitsByKey();
    }
    if (!plan.directFirst() || !directAttempt()) {
      staged();
    }
  }

  /** One optimistic COPY of the whole round into the table; false if it must go through staging. */
  private boolean directAttempt() throws SQLException {
    if (!ctx.directPath.tryDirect(buf.target())) {
      return false;
    }
    ctx.savepoint();
    try {
      long n = copy(Mode.DIRECT, 0, units);
      ctx.release();
      ctx.addWritten(buf.target().table(), n);
      ctx.directPath.succeeded(buf.target());
      return true;
    } catch (SQLException e) {
      ctx.rollbackToSavepoint();
      if (SqlStates.classify(e) != SqlStates.Kind.DATA) {
        throw e;
      }
      if ("23505".equals(e.getSQLState())) {
        ctx.directPath.conflicted(buf.target());
      }
      return false;
    }
  }

  /** Reorders the units of the round by the key of their first row (unsigned bytes, numbers by value). */
  private void sortUnitsByKey() {
    boolean[] key = buf.keyColumn;
    int keyCount = 0;
    int lastKey = -1;
    for (int c = 0; c < key.length; c++) {
      if (key[c]) {
        keyCount++;
        lastKey = c;
      }
    }
    byte[] d = buf.data;
    int[] keyPos = new int[units * keyCount];
    Integer[] order = new Integer[units];
    for (int u = 0; u < units; u++) {
      order[u] = u;
      int pos = buf.rowStart[rows[unitStart[u]]];
      int k = u * keyCount;
      for (int c = 0; c <= lastKey; c++) {
        if (key[c]) {
          keyPos[k++] = pos;
        }
        pos = ValueTags.skip(d, pos);
      }
    }
    final int kc = keyCount;
    Arrays.sort(order, (a, b) -> {
      for (int j = 0; j < kc; j++) {
        int cmp = compareValues(d, keyPos[a * kc + j], keyPos[b * kc + j]);
        if (cmp != 0) {
          return cmp;
        }
      }
      return Integer.compare(a, b);
    });
    int[] sortedRows = new int[unitStart[units]];
    int[] sortedStart = new int[units + 1];
    int[] sortedMessage = new int[units];
    int r = 0;
    for (int i = 0; i < units; i++) {
      int u = order[i];
      sortedStart[i] = r;
      sortedMessage[i] = unitMessage[u];
      for (int j = unitStart[u]; j < unitStart[u + 1]; j++) {
        sortedRows[r++] = rows[j];
      }
    }
    sortedStart[units] = r;
    rows = sortedRows;
    unitStart = sortedStart;
    unitMessage = sortedMessage;
  }

  private static int compareValues(byte[] d, int a, int b) {
    byte ta = d[a];
    byte tb = d[b];
    if (ta != tb) {
      return Integer.compare(ta, tb);
    }
    return switch (ta) {
      case ValueTags.NULL -> 0;
      case ValueTags.LONG, ValueTags.TIMESTAMP -> Long.compare(Bytes.getLong(d, a + 1), Bytes.getLong(d, b + 1));
      case ValueTags.DOUBLE -> Double.compare(Double.longBitsToDouble(Bytes.getLong(d, a + 1)),
          Double.longBitsToDouble(Bytes.getLong(d, b + 1)));
      case ValueTags.BOOLEAN -> Byte.compare(d[a + 1], d[b + 1]);
      default -> Arrays.compareUnsigned(d, a + 5, a + 5 + Bytes.getInt(d, a + 1), d, b + 5, b + 5 + Bytes.getInt(d, b + 1));
    };
  }

  private void staged() throws SQLException {
    ctx.ensureStaging(plan);
    seqBase = ctx.reserveSeq(units);
    bisectCopy(Mode.STAGING, 0, units);
    bisectInsert(0, units);
  }

  private int live(int lo, int hi) {
    int n = 0;
    for (int u = lo; u < hi; u++) {
      if (!rejected[unitMessage[u]]) {
        n++;
      }
    }
    return n;
  }

  private long liveRows(int lo, int hi) {
    long n = 0;
    for (int u = lo; u < hi; u++) {
      if (!rejected[unitMessage[u]]) {
        n += unitStart[u + 1] - unitStart[u];
      }
    }
    return n;
  }

  private int firstLive(int lo, int hi) {
    for (int u = lo; u < hi; u++) {
      if (!rejected[unitMessage[u]]) {
        return u;
      }
    }
    return -1;
  }

  private void bisectCopy(Mode mode, int lo, int hi) throws SQLException {
    int liveUnits = live(lo, hi);
    if (liveUnits == 0) {
      return;
    }
    ctx.savepoint();
    try {
      long n = copy(mode, lo, hi);
      ctx.release();
      if (mode == Mode.DIRECT) {
        ctx.addWritten(buf.target().table(), n);
      }
      return;
    } catch (SQLException e) {
      ctx.rollbackToSavepoint();
      if (SqlStates.classify(e) != SqlStates.Kind.DATA) {
        throw e;
      }
      if (live(lo, hi) <= 1) {
        int u = firstLive(lo, hi);
        if (u >= 0) {
          reject(u, SqlStates.state(e), SqlStates.message(e));
        }
        return;
      }
      int u = unitOfLine(lo, hi, SqlStates.copyLine(e));
      if (u >= 0) {
        bisectCopy(mode, lo, u);
        bisectCopy(mode, u, u + 1);
        bisectCopy(mode, u + 1, hi);
      } else {
        int mid = (lo + hi) >>> 1;
        bisectCopy(mode, lo, mid);
        bisectCopy(mode, mid, hi);
      }
    }
  }

  private void bisectInsert(int lo, int hi) throws SQLException {
    if (live(lo, hi) == 0) {
      return;
    }
    ctx.savepoint();
    try (PreparedStatement ps = ctx.conn.prepareStatement(plan.insertSql())) {
      ps.setLong(1, seqBase + lo);
      ps.setLong(2, seqBase + hi);
      int n = ps.executeUpdate();
      long staged = liveRows(lo, hi);
      if (plan.insertsEveryRow() ? n != staged : n > staged) {
        throw new IllegalStateException("INSERT into " + plan.quotedTable() + " from " + plan.stagingTable()
            + " reported " + n + " rows but " + staged + " were staged"
            + (plan.insertsEveryRow() ? "; every staged row must be inserted or updated" : "; it cannot write more"));
      }
      ctx.release();
      ctx.addWritten(buf.target().table(), n);
    } catch (SQLException e) {
      ctx.rollbackToSavepoint();
      if (SqlStates.classify(e) != SqlStates.Kind.DATA) {
        throw e;
      }
      if (live(lo, hi) <= 1) {
        reject(firstLive(lo, hi), SqlStates.state(e), SqlStates.message(e));
        return;
      }
      int mid = (lo + hi) >>> 1;
      bisectInsert(lo, mid);
      bisectInsert(mid, hi);
    }
  }

  /** The unit holding the {@code line}-th row sent by a COPY of units {@code lo..hi}, or -1. */
  private int unitOfLine(int lo, int hi, long line) {
    if (line < 1) {
      return -1;
    }
    long seen = 0;
    for (int u = lo; u < hi; u++) {
      if (rejected[unitMessage[u]]) {
        continue;
      }
      seen += unitStart[u + 1] - unitStart[u];
      if (seen >= line) {
        return u;
      }
    }
    return -1;
  }

  private long copy(Mode mode, int lo, int hi) throws SQLException {
    CopyBuffer out = ctx.buffer;
    CopyIn copy = ctx.copyManager.copyIn(mode == Mode.DIRECT ? plan.directCopySql() : plan.stagingCopySql());
    try {
      out.start(copy);
      long sent = 0;
      int fields = codecs.length + (mode == Mode.STAGING ? 1 : 0);
      for (int u = lo; u < hi; u++) {
        if (rejected[unitMessage[u]]) {
          continue;
        }
        int mark = out.mark();
        try {
          for (int i = unitStart[u]; i < unitStart[u + 1]; i++) {
            encodeRow(rows[i], fields, mode == Mode.STAGING ? seqBase + u : -1, out);
          }
          sent += unitStart[u + 1] - unitStart[u];
        } catch (RowRejection r) {
          out.reset(mark);
          reject(u, r.sqlState(), r.getMessage());
        }
        out.flushIfAbove(ctx.chunkBytes);
      }
      long reported = out.finish();
      if (reported != sent) {
        throw new IllegalStateException("COPY into " + (mode == Mode.DIRECT ? plan.quotedTable() : plan.stagingTable())
            + " reported " + reported + " rows but " + sent + " were sent");
      }
      return reported;
    } finally {
      if (copy.isActive()) {
        try {
          copy.cancelCopy();
        } catch (SQLException ignored) {
          // the failure that got us here is the one that matters
        }
      }
    }
  }

  private void encodeRow(int row, int fields, long seq, CopyBuffer out) throws RowRejection {
    byte[] d = buf.data;
    int pos = buf.rowStart[row];
    out.putShort(fields);
    if (seq >= 0) {
      out.putInt(8);
      out.putLong(seq);
    }
    for (Codec codec : codecs) {
      if (d[pos] == ValueTags.NULL) {
        out.putInt(-1);
        pos++;
      } else {
        pos = codec.write(d, pos, out);
      }
    }
  }

  private void reject(int unit, String sqlState, String message) {
    int m = unitMessage[unit];
    rejected[m] = true;
    SourcePartition p = ctx.batch.partitions().get(buf.messagePartition[m]);
    ctx.rejects.add(new RejectedRow(p.topic(), p.partition(), buf.messageOffset[m], buf.target().table(), sqlState, message));
  }
}
