package io.loom.mapping.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import java.io.IOException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Per-thread working state of one {@link CompiledRecordMapper}: the rows of the message being mapped
 * and the cursor of the walk.
 *
 * <p>Design: a message is one or more <em>groups</em> (the message, or each element of a top-level
 * array), each with its own row of message-level values ({@link #outer}); an exploding mapping adds
 * one element row per array element ({@link #rows}). Nothing reaches the sink before the whole
 * message mapped, so all rows are kept here until then. The pools grow on demand and are trimmed back
 * after an unusually large message, so one huge message does not pin memory for the thread's life.
 */
final class Scratch {
  private static final int KEEP_ROWS = 256;
  private static final int PARSER_MESSAGES = 65_536;
  private static final int KEEP_BYTES = 64 * 1024;

  final int width;
  /** Whether a {@code map} call on this thread is using this scratch (guards re-entrant calls from a sink). */
  boolean busy;

  /** The message bytes. */
  byte[] doc;
  /** Where the message starts in the parser's input: non-zero for the reused parser, which reads messages back to back. */
  long base;
  /** Whether the message is read by the reused non-blocking parser (which reports token positions differently). */
  boolean nonBlocking;
  /** Kafka metadata values, shared by every row of the message. */
  final Slots meta;

  Slots[] outer = new Slots[1];
  int[] groupTop = new int[1];
  int[] firstRow = new int[1];
  boolean[] exploded = new boolean[1];
  int groups;

  Slots[] rows = new Slots[0];
  int rowCount;

  /** The walk's cursor: the current group's row, element row, and their positions for error paths. */
  Slots cur;
  Slots elem;
  int group = -1;
  int top = -1;
  int elemIndex = -1;

  final StringBuilder text = new StringBuilder(64);
  byte[] bytes = new byte[256];
  private CharsetDecoder utf8;
  private boolean large;

  /** The reused non-blocking parser, or {@code null}; see {@link #feed}. */
  private JsonParser reused;
  private ByteArrayFeeder feeder;
  private long fed;
  private int messages;

  Scratch(int width) {
    this.width = width;
    this.meta = new Slots(width);
  }

  void start(byte[] doc) {
    this.doc = doc;
    base = 0;
    nonBlocking = false;
    groups = 0;
    rowCount = 0;
    cur = null;
    elem = null;
    group = -1;
    top = -1;
    elemIndex = -1;
    meta.clear();
  }

  /**
   * Starts a message on this thread's reused non-blocking parser, creating it first if needed.
   *
   * <p>Design: a blocking parser costs about as much to create as to read a small message, and is
   * most of what mapping one allocates. A non-blocking parser can instead be fed one message after
   * another, as consecutive root values, as long as each one was read completely; {@link #dropParser}
   * must be called whenever that is not certain (any failure). The parser is replaced every
   * {@value #PARSER_MESSAGES} messages so that its position counters and symbol table stay small.
   */
  JsonParser feed(byte[] doc) throws IOException {
    if (reused == null || messages >= PARSER_MESSAGES) {
      dropParser();
      reused = CompiledRecordMapper.FACTORY.createNonBlockingByteArrayParser();
      feeder = (ByteArrayFeeder) reused.getNonBlockingInputFeeder();
      fed = 0;
      messages = 0;
    }
    start(doc);
    feeder.feedInput(doc, 0, doc.length);
    base = fed;
    nonBlocking = true;
    fed += doc.length;
    messages++;
    return reused;
  }

  /** Forgets the reused parser, whose state is unknown after a failure. */
  void dropParser() {
    if (reused != null) {
      try {
        reused.close();
      } catch (IOException | RuntimeException e) {
        // Nothing to release but recycled buffers; the parser is discarded either way.
      }
      reused = null;
      feeder = null;
    }
  }

  /** Starts a group; {@code topIndex} is its position in a top-level array, or -1. */
  void newGroup(int topIndex) {
    int g = groups;
    if (g == outer.length) {
      int n = g * 2;
      outer = Arrays.copyOf(outer, n);
      groupTop = Arrays.copyOf(groupTop, n);
      firstRow = Arrays.copyOf(firstRow, n);
      exploded = Arrays.copyOf(exploded, n);
    }
    Slots s = outer[g];
    if (s == null) {
      s = new Slots(width);
      outer[g] = s;
    } else {
      s.clear();
    }
    groupTop[g] = topIndex;
    firstRow[g] = rowCount;
    exploded[g] = false;
    groups = g + 1;
    group = g;
    top = topIndex;
    cur = s;
  }

  /** Starts (or, for a repeated member, restarts) the current group's exploded array. */
  void beginExplode() {
    rowCount = firstRow[group];
    exploded[group] = true;
  }

  /** A cleared element row for element {@code index} of the exploded array. */
  Slots newRow(int index) {
    int r = rowCount;
    if (r == rows.length) {
      rows = Arrays.copyOf(rows, Math.max(8, r * 2));
    }
    Slots s = rows[r];
    if (s == null) {
      s = new Slots(width);
      rows[r] = s;
    } else {
      s.clear();
    }
    rowCount = r + 1;
    elem = s;
    elemIndex = index;
    return s;
  }

  void endExplode() {
    elem = null;
    elemIndex = -1;
  }

  /** The number of element rows of group {@code g}. */
  int rowsOf(int g) {
    return (g + 1 < groups ? firstRow[g + 1] : rowCount) - firstRow[g];
  }

  /** A scratch byte array of at least {@code capacity} bytes. */
  byte[] bytes(int capacity) {
    if (bytes.length < capacity) {
      bytes = new byte[Math.max(capacity, bytes.length * 2)];
      large |= capacity > KEEP_BYTES;
    }
    return bytes;
  }

  CharsetDecoder utf8() {
    if (utf8 == null) {
      utf8 = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
    return utf8.reset();
  }

  /**
   * The display form of a configured path at the cursor: {@code [*]} becomes the element's index,
   * and a group of a top-level array is prefixed with its index ({@code [3].data.value}).
   */
  String path(String template) {
    String p = template;
    if (elemIndex >= 0) {
      int k = p.indexOf("[*]");
      if (k >= 0) {
        p = p.substring(0, k) + "[" + elemIndex + "]" + p.substring(k + 3);
      }
    }
    if (top >= 0) {
      p = "[" + top + "]" + (p.isEmpty() || p.charAt(0) == '[' ? "" : ".") + p;
    }
    return p.isEmpty() ? null : p;
  }

  /** Ends a call: forgets the message and gives back memory a large message made the pools grow to. */
  void finish() {
    doc = null;
    boolean trim = large || groups > KEEP_ROWS || rowCount > KEEP_ROWS || meta.oversized;
    for (int g = 0; g < groups && !trim; g++) {
      trim = outer[g].oversized;
    }
    for (int r = 0; r < rowCount && !trim; r++) {
      trim = rows[r].oversized;
    }
    if (trim) {
      trim();
    }
    busy = false;
  }

  private void trim() {
    if (outer.length > KEEP_ROWS) {
      outer = Arrays.copyOf(outer, KEEP_ROWS);
      groupTop = Arrays.copyOf(groupTop, KEEP_ROWS);
      firstRow = Arrays.copyOf(firstRow, KEEP_ROWS);
      exploded = Arrays.copyOf(exploded, KEEP_ROWS);
    }
    if (rows.length > KEEP_ROWS) {
      rows = Arrays.copyOf(rows, KEEP_ROWS);
    }
    for (Slots s : outer) {
      if (s != null) {
        s.trimBuffers();
      }
    }
    for (Slots s : rows) {
      if (s != null) {
        s.trimBuffers();
      }
    }
    meta.trimBuffers();
    if (bytes.length > KEEP_BYTES) {
      bytes = new byte[256];
    }
    if (text.capacity() > KEEP_BYTES) {
      text.setLength(0);
      text.trimToSize();
    }
    large = false;
  }
}
