package io.loom.sink.internal;

import java.sql.SQLException;
import org.postgresql.copy.CopyIn;

/**
 * Design note: the reusable output buffer of one binary COPY. Rows are encoded into it and handed to
 * pgjdbc's {@link CopyIn} in chunks, only at message boundaries ({@link #mark()} / {@link
 * #reset(int)}), so a message whose value turns out not to fit can be taken back whole.
 */
final class CopyBuffer {
  static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};

  byte[] buf;
  int pos;
  private CopyIn copy;
  private long bytesSent;

  CopyBuffer(int capacity) {
    buf = new byte[capacity];
  }

  void start(CopyIn copy) {
    this.copy = copy;
    this.pos = 0;
    this.bytesSent = 0;
    put(HEADER, 0, HEADER.length);
  }

  void ensure(int n) {
    if (pos + n > buf.length) {
      buf = Bytes.ensure(buf, pos + n);
    }
  }

  int mark() {
    return pos;
  }

  void reset(int mark) {
    pos = mark;
  }

  void putShort(int v) {
    ensure(2);
    Bytes.putShort(buf, pos, v);
    pos += 2;
  }

  void putInt(int v) {
    ensure(4);
    Bytes.putInt(buf, pos, v);
    pos += 4;
  }

  void putLong(long v) {
    ensure(8);
    Bytes.putLong(buf, pos, v);
    pos += 8;
  }

  void put(byte b) {
    ensure(1);
    buf[pos++] = b;
  }

  void put(byte[] src, int offset, int length) {
    ensure(length);
    System.arraycopy(src, offset, buf, pos, length);
    pos += length;
  }

  /** Puts an ASCII string (numbers, booleans, timestamps as text). */
  void putAscii(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[pos++] = (byte) s.charAt(i);
    }
  }

  /** Hands the buffered bytes to the COPY if at least {@code threshold} are waiting. */
  void flushIfAbove(int threshold) throws SQLException {
    if (pos >= threshold) {
      flush();
    }
  }

  void flush() throws SQLException {
    if (pos > 0) {
      copy.writeToCopy(buf, 0, pos);
      bytesSent += pos;
      pos = 0;
    }
  }

  /** Writes the trailer and ends the COPY; returns PostgreSQL's row count. */
  long finish() throws SQLException {
    putShort(-1);
    flush();
    return copy.endCopy();
  }

  long bytesSent() {
    return bytesSent;
  }
}
