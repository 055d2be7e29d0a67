package io.loom.mapping.internal;

import io.loom.mapping.RowSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A {@link RowSink} that records the rows it receives as plain Java values and checks the calling
 * protocol: {@code startRow}, one value per column in ascending order, {@code endRow}.
 *
 * <p>Values: {@code null}, {@link String}, {@link Long}, {@link Double}, {@link Boolean},
 * {@link Instant} (timestamps), {@link Bytes}, {@link Json}, {@code List<String>} (array) and
 * {@code List<Double>} (float_array). Arrays are copied, since the mapper may reuse them.
 */
public class RecordingSink implements RowSink {
  /** Decoded bytes, as hex. */
  public record Bytes(String hex) {
    public static Bytes of(byte[] value) {
      return new Bytes(HexFormat.of().formatHex(value));
    }

    public static Bytes utf8(String text) {
      return of(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /** JSON text given to {@link RowSink#jsonValue}. */
  public record Json(String text) {}

  private final int width;
  private final List<List<Object>> rows = new ArrayList<>();
  private List<Object> current;
  private int calls;

  public RecordingSink(int width) {
    this.width = width;
  }

  public List<List<Object>> rows() {
    return rows;
  }

  /** Every call received, rows and values alike. */
  public int calls() {
    return calls;
  }

  public void clear() {
    rows.clear();
    current = null;
    calls = 0;
  }

  /** Microseconds as an instant. */
  public static Instant instant(long epochMicros) {
    return Instant.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L), Math.floorMod(epochMicros, 1_000_000L) * 1000L);
  }

  @Override
  public void startRow() {
    calls++;
    if (current != null) {
      throw new AssertionError("startRow before endRow of the previous row");
    }
    current = new ArrayList<>(width);
  }

  private void put(int column, Object value) {
    calls++;
    if (current == null) {
      throw new AssertionError("value for column " + column + " outside a row");
    }
    if (column != current.size()) {
      throw new AssertionError("value for column " + column + " but column " + current.size() + " was expected");
    }
    current.add(value);
  }

  @Override
  public void nullValue(int column) {
    put(column, null);
  }

  @Override
  public void stringValue(int column, String value) {
    if (value == null) {
      throw new AssertionError("stringValue(null) for column " + column);
    }
    put(column, value);
  }

  @Override
  public void longValue(int column, long value) {
    put(column, value);
  }

  @Override
  public void doubleValue(int column, double value) {
    put(column, value);
  }

  @Override
  public void booleanValue(int column, boolean value) {
    put(column, value);
  }

  @Override
  public void timestampValue(int column, long epochMicros) {
    put(column, instant(epochMicros));
  }

  @Override
  public void bytesValue(int column, byte[] value, int length) {
    put(column, Bytes.of(Arrays.copyOf(value, length)));
  }

  @Override
  public void jsonValue(int column, String json) {
    if (json == null) {
      throw new AssertionError("jsonValue(null) for column " + column);
    }
    put(column, new Json(json));
  }

  @Override
  public void stringArrayValue(int column, String[] values, int length) {
    put(column, Arrays.asList(Arrays.copyOf(values, length)));
  }

  @Override
  public void doubleArrayValue(int column, double[] values, int length) {
    put(column, Arrays.stream(values, 0, length).boxed().toList());
  }

  @Override
  public void endRow() {
    calls++;
    if (current == null) {
      throw new AssertionError("endRow without startRow");
    }
    if (current.size() != width) {
      throw new AssertionError("row ended after " + current.size() + " of " + width + " columns");
    }
    rows.add(current);
    current = null;
  }
}
