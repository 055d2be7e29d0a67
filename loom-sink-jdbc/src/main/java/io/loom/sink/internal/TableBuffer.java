package io.loom.sink.internal;

import io.loom.mapping.Column;
import io.loom.mapping.RowSink;
import io.loom.sink.TableTarget;
import java.util.List;

/**
 * Design note: the rows of one {@link TableTarget} inside a batch. Values are appended to one byte
 * array in the tagged form of {@link ValueTags} (independent of the column's PostgreSQL type, so a
 * batch needs no database and survives a metadata refresh); they are turned into PostgreSQL's binary
 * COPY format only at write time. Per row it keeps the start position, the message and a hash of the
 * key values (for de-duplication); per message its partition index, offset and first row. A message
 * is registered by its first row, so messages without rows cost nothing here.
 */
public final class TableBuffer implements RowSink {
  private final TableTarget target;
  private final int columnCount;
  private final Column.ValueKind[] kinds;
  final boolean[] keyColumn;
  private final boolean hasKey;

  byte[] data = new byte[8192];
  int size;

  int rowCount;
  int[] rowStart = new int[256];
  int[] rowMessage = new int[256];
  int[] rowKeyHash = new int[256];
  /** Per row: 1 when a key column is NULL (such rows never conflict, as in a unique index). */
  byte[] rowKeyNull = new byte[256];

  int messageCount;
  int[] messagePartition = new int[64];
  long[] messageOffset = new long[64];
  int[] messageFirstRow = new int[64];

  private int pendingPartition = -1;
  private long pendingOffset;
  private boolean pendingRegistered;
  private int nextColumn = -1;
  private int keyHash;
  private boolean keyNull;

  TableBuffer(TableTarget target) {
    this.target = target;
    List<Column> columns = target.columns();
    this.columnCount = columns.size();
    this.kinds = new Column.ValueKind[columnCount];
    this.keyColumn = new boolean[columnCount];
    for (Column c : columns) {
      kinds[c.index()] = c.valueKind();
      keyColumn[c.index()] = target.upsertKey().contains(c.name());
    }
    this.hasKey = !target.upsertKey().isEmpty();
  }

  public TableTarget target() {
    return target;
  }

  void announce(int partitionIndex, long offset) {
    if (nextColumn >= 0) {
      throw new IllegalStateException("table '" + target.table() + "': the previous row was not ended (column "
          + nextColumn + " of " + columnCount + " expected next)");
    }
    pendingPartition = partitionIndex;
    pendingOffset = offset;
    pendingRegistered = false;
  }

  void clear() {
    size = 0;
    rowCount = 0;
    messageCount = 0;
    pendingPartition = -1;
    nextColumn = -1;
  }

  long byteSize() {
    return size + rowCount * 12L + messageCount * 16L;
  }

  /** The first row of message {@code m}; {@code messageFirstRow(messageCount) == rowCount}. */
  int messageFirstRow(int m) {
    return m == messageCount ? rowCount : messageFirstRow[m];
  }

  /** The end position (exclusive) of row {@code r}. */
  int rowEnd(int r) {
    return r + 1 == rowCount ? size : rowStart[r + 1];
  }

  @Override
  public void startRow() {
    if (pendingPartition < 0) {
      throw new IllegalStateException("table '" + target.table() + "': startRow() without rowsFor(...) for the message");
    }
    if (nextColumn >= 0) {
      throw new IllegalStateException("table '" + target.table() + "': startRow() before the previous row was ended");
    }
    if (!pendingRegistered) {
      int m = messageCount;
      if (m == messagePartition.length) {
        messagePartition = Bytes.ensure(messagePartition, m + 1);
        messageOffset = Bytes.ensure(messageOffset, m + 1);
        messageFirstRow = Bytes.ensure(messageFirstRow, m + 1);
      }
      messagePartition[m] = pendingPartition;
      messageOffset[m] = pendingOffset;
      messageFirstRow[m] = rowCount;
      messageCount = m + 1;
      pendingRegistered = true;
    }
    int r = rowCount;
    if (r == rowStart.length) {
      rowStart = Bytes.ensure(rowStart, r + 1);
      rowMessage = Bytes.ensure(rowMessage, r + 1);
      rowKeyHash = Bytes.ensure(rowKeyHash, r + 1);
      rowKeyNull = Bytes.ensureLength(rowKeyNull, r + 1);
    }
    rowStart[r] = size;
    rowMessage[r] = messageCount - 1;
    nextColumn = 0;
    keyHash = 1;
    keyNull = false;
  }

  @Override
  public void endRow() {
    if (nextColumn != columnCount) {
      throw new IllegalStateException("table '" + target.table() + "': endRow() after " + Math.max(nextColumn, 0)
          + " of " + columnCount + " column values");
    }
    rowKeyHash[rowCount] = keyHash;
    rowKeyNull[rowCount] = (byte) (keyNull ? 1 : 0);
    rowCount++;
    nextColumn = -1;
  }

  private int begin(int column, Column.ValueKind kind, int maxBytes) {
    if (column != nextColumn) {
      throw new IllegalStateException("table '" + target.table() + "': value for column " + column + " but column "
          + nextColumn + " was expected" + (nextColumn < 0 ? " (no row started)" : ""));
    }
    if (kind != null && kinds[column] != kind) {
      throw new IllegalArgumentException("table '" + target.table() + "': column '" + target.columns().get(column).name()
          + "' carries " + kinds[column] + " values, not " + kind);
    }
    nextColumn++;
    if (size + maxBytes > data.length) {
      data = Bytes.ensure(data, size + maxBytes);
    }
    return size;
  }

  private void end(int column, int start) {
    if (hasKey && keyColumn[column]) {
      keyNull |= data[start] == ValueTags.NULL;
      int h = 1;
      for (int i = start; i < size; i++) {
        h = 31 * h + data[i];
      }
      keyHash = 31 * keyHash + h;
    }
  }

  @Override
  public void nullValue(int column) {
    int start = begin(column, null, 1);
    data[size++] = ValueTags.NULL;
    end(column, start);
  }

  @Override
  public void stringValue(int column, String value) {
    if (value == null) {
      nullValue(column);
      return;
    }
    int start = begin(column, Column.ValueKind.STRING, 5 + Utf8.maxBytes(value));
    putText(ValueTags.STRING, ValueTags.STRING_WITH_NUL, value);
    end(column, start);
  }

  @Override
  public void stringValue(int column, char[] chars, int offset, int length) {
    int start = begin(column, Column.ValueKind.STRING, 5 + 3 * length);
    putEncoded(ValueTags.STRING, ValueTags.STRING_WITH_NUL, Utf8.encode(chars, offset, length, data, size + 5));
    end(column, start);
  }

  @Override
  public void jsonValue(int column, String json) {
    if (json == null) {
      nullValue(column);
      return;
    }
    int start = begin(column, Column.ValueKind.JSON, 5 + Utf8.maxBytes(json));
    putText(ValueTags.JSON, ValueTags.JSON, json);
    end(column, start);
  }

  private void putText(byte tag, byte tagWithNul, String value) {
    putEncoded(tag, tagWithNul, Utf8.encode(value, data, size + 5));
  }

  /** The tag and length before text just encoded after them; {@code encodedEnd} as {@link Utf8} returns it. */
  private void putEncoded(byte tag, byte tagWithNul, int encodedEnd) {
    int p = size;
    int end = encodedEnd;
    boolean nul = end < 0;
    if (nul) {
      end = -end - 1;
    }
    data[p] = nul ? tagWithNul : tag;
    Bytes.putInt(data, p + 1, end - p - 5);
    size = end;
  }

  @Override
  public void longValue(int column, long value) {
    int start = begin(column, Column.ValueKind.LONG, 9);
    data[size] = ValueTags.LONG;
    Bytes.putLong(data, size + 1, value);
    size += 9;
    end(column, start);
  }

  @Override
  public void doubleValue(int column, double value) {
    int start = begin(column, Column.ValueKind.DOUBLE, 9);
    data[size] = ValueTags.DOUBLE;
    Bytes.putLong(data, size + 1, Double.doubleToLongBits(value));
    size += 9;
    end(column, start);
  }

  @Override
  public void booleanValue(int column, boolean value) {
    int start = begin(column, Column.ValueKind.BOOLEAN, 2);
    data[size] = ValueTags.BOOLEAN;
    data[size + 1] = (byte) (value ? 1 : 0);
    size += 2;
    end(column, start);
  }

  @Override
  public void timestampValue(int column, long epochMicros) {
    int start = begin(column, Column.ValueKind.TIMESTAMP, 9);
    data[size] = ValueTags.TIMESTAMP;
    Bytes.putLong(data, size + 1, epochMicros);
    size += 9;
    end(column, start);
  }

  @Override
  public void bytesValue(int column, byte[] value, int length) {
    if (value == null) {
      nullValue(column);
      return;
    }
    int start = begin(column, Column.ValueKind.BYTES, 5 + length);
    data[size] = ValueTags.BYTES;
    Bytes.putInt(data, size + 1, length);
    System.arraycopy(value, 0, data, size + 5, length);
    size += 5 + length;
    end(column, start);
  }

  @Override
  public void stringArrayValue(int column, String[] values, int length) {
    if (values == null) {
      nullValue(column);
      return;
    }
    int max = 9;
    for (int i = 0; i < length; i++) {
      max += 4 + (values[i] == null ? 0 : Utf8.maxBytes(values[i]));
    }
    int start = begin(column, Column.ValueKind.STRING_ARRAY, max);
    int p = start + 9;
    boolean nul = false;
    for (int i = 0; i < length; i++) {
      String s = values[i];
      if (s == null) {
        Bytes.putInt(data, p, -1);
        p += 4;
      } else {
        int end = Utf8.encode(s, data, p + 4);
        if (end < 0) {
          nul = true;
          end = -end - 1;
        }
        Bytes.putInt(data, p, end - p - 4);
        p = end;
      }
    }
    data[start] = nul ? ValueTags.STRING_ARRAY_WITH_NUL : ValueTags.STRING_ARRAY;
    Bytes.putInt(data, start + 1, p - start - 5);
    Bytes.putInt(data, start + 5, length);
    size = p;
    end(column, start);
  }

  @Override
  public void doubleArrayValue(int column, double[] values, int length) {
    if (values == null) {
      nullValue(column);
      return;
    }
    int start = begin(column, Column.ValueKind.DOUBLE_ARRAY, 9 + 8 * length);
    data[start] = ValueTags.DOUBLE_ARRAY;
    Bytes.putInt(data, start + 1, 4 + 8 * length);
    Bytes.putInt(data, start + 5, length);
    int p = start + 9;
    for (int i = 0; i < length; i++) {
      Bytes.putLong(data, p, Double.doubleToLongBits(values[i]));
      p += 8;
    }
    size = p;
    end(column, start);
  }
}
