package io.loom.mapping.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonTokenId;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.loom.mapping.Column;
import io.loom.mapping.ConfigProblem;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.MappingError;
import io.loom.mapping.MappingError.Kind;
import io.loom.mapping.RecordMapper;
import io.loom.mapping.RowSink;
import io.loom.mapping.SourceRecord;
import io.loom.mapping.TimestampFormat;
import io.loom.mapping.TopicMapping;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming {@link RecordMapper}: one pass of a Jackson {@link JsonParser} over the message bytes
 * (no tree), guided by a trie of the mapping's paths, filling per-thread rows that reach the
 * {@link RowSink} only once the whole message has mapped.
 *
 * <p>Design: {@link #compile} parses every source path, merges them into a {@link PathNode} trie,
 * converts defaults and fixes each column's conversion ({@link Capture}). {@link #map} walks the
 * document: members the trie does not know are skipped with {@code skipChildren()} (iterative, so
 * nesting depth costs no stack; Jackson's own nesting limit applies), known ones are converted
 * straight from the parser's buffers into {@link Slots}. Only after the parser reached the end of a
 * valid document are required fields checked, defaults applied, {@code json} values compacted and
 * the rows written. Scratch state is per thread, so the mapper itself is immutable and thread-safe.
 *
 * <p>Two read paths give the same results. The fast one feeds each message to the thread's reused
 * non-blocking parser, which saves creating a parser per message (about as costly as reading a small
 * message, and most of what it would allocate). Whatever that path cannot map cleanly (bad JSON, a
 * rejected value, a truncated document) is read again by a fresh blocking parser, the reference path,
 * which reports every problem with its exact position.
 *
 * <h2>Shapes</h2>
 * <ul>
 *   <li>A message that is an object gives one row. A message that is an array gives one row per
 *       element, paths relative to each element; unless some path itself starts with an index
 *       ({@code [0].x}, {@code [*].x}), in which case the array is addressed as a whole.
 *   <li>A {@code [*]} path explodes its array: one row per element, message-level fields repeated on
 *       each. An empty, absent or null array gives no row (absent or null with a required
 *       {@code [*]} field is MISSING_REQUIRED). An explicit index ({@code items[0].x}) may be mixed
 *       with {@code [*]} on the same array.
 *   <li>JSON {@code null} counts as absent: the default applies, else SQL NULL; a required field
 *       absent or null is MISSING_REQUIRED (the default does not rescue it). A path through a value
 *       that is not the object/array it needs ({@code data.value} on {@code "data": 5}) is
 *       WRONG_TYPE; through null or an absent member it is simply absent. Duplicate members: the last
 *       wins.
 * </ul>
 *
 * <h2>Coercions (everything else is WRONG_TYPE)</h2>
 * <ul>
 *   <li>string: strings as they are; numbers as their JSON text ({@code 1.50} stays {@code "1.50"});
 *       booleans as {@code true}/{@code false}.
 *   <li>integer: whole JSON numbers within 64 bits, including {@code 1.0} and {@code 1e3}; strings
 *       that are exactly such a JSON number ({@code "12"}, {@code "-7"}, {@code "1e3"}). A fraction
 *       ({@code 12.5}, {@code "12.5"}) is WRONG_TYPE; beyond 64 bits is OUT_OF_RANGE.
 *   <li>float: JSON numbers and strings that are exactly a JSON number; beyond the double range, or
 *       the strings {@code NaN}/{@code Infinity}, is OUT_OF_RANGE.
 *   <li>boolean: {@code true}/{@code false} and the strings {@code "true"}/{@code "false"}.
 *   <li>timestamp (and timestamp_parse): ISO-8601 text with {@code Z} or an offset (see
 *       {@link Timestamps}) or an epoch number, as a JSON number or a numeric string (fractions
 *       allowed); {@code auto} tells seconds, milliseconds and microseconds apart by magnitude,
 *       {@code iso_8601} accepts only text, {@code epoch_*} only numbers. Unparseable text is
 *       INVALID_TIMESTAMP; epochs before 4713 BC or beyond 64-bit microseconds are OUT_OF_RANGE.
 *   <li>array: an array of strings, numbers (as their JSON text), booleans and nulls (SQL NULL
 *       elements). float_array: an array of numbers or numeric strings; nulls and other elements
 *       are WRONG_TYPE.
 *   <li>json and json_stringify: any value as compact JSON text (numbers and escapes as written).
 *   <li>base64_decode: a string in the standard or URL-safe alphabet, padding optional; anything else
 *       is INVALID_BASE64 (or WRONG_TYPE for a non-string).
 *   <li>Text of any column (and strings inside json values) must not contain {@code \u0000} or an
 *       unpaired surrogate: INVALID_TEXT.
 *   <li>Kafka metadata: topic is text, partition and offset are whole numbers, key and headers are
 *       UTF-8 text (INVALID_TEXT if not), the record timestamp is a timestamp (epoch milliseconds to
 *       other types); each then follows the rules above. A null key, a missing header or a record
 *       without timestamp is absent.
 * </ul>
 * A message value that is null or empty (a tombstone), not UTF-8, not JSON, or followed by more
 * content is MALFORMED_JSON, even when a mapped value before the broken part is wrong too; otherwise
 * the first problem in document order is reported (then required fields, in column order). Any
 * unexpected failure inside the mapper is MALFORMED_JSON as well, after a warning in the log.
 * Exceptions thrown by the sink propagate unchanged.
 */
public final class CompiledRecordMapper implements RecordMapper {
  private static final Logger LOG = LoggerFactory.getLogger(CompiledRecordMapper.class);

  static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
      .build();

  private static final byte META = 0;
  private static final byte OUTER = 1;
  private static final byte ELEMENT = 2;
  private static final int PREVIEW_BYTES = 160;

  private final TopicMapping mapping;
  private final List<Column> columns;
  private final int width;
  private final PathNode root;
  private final boolean splitsTopLevelArray;
  private final boolean explodes;
  /** The array that explodes ({@code data.items}), or {@code null}. */
  private final String explodedArray;
  private final Capture[] metaCaptures;
  private final Capture[] outerCaptures;
  private final Capture[] elementCaptures;
  private final Capture requiredElement;
  private final byte[] source;
  private final Slots defaults;
  private final ThreadLocal<Scratch> scratch;
  private final boolean reuseParser;

  private CompiledRecordMapper(TopicMapping mapping, Capture[] captures, PathNode root, Slots defaults,
      String explodePrefix, boolean reuseParser) {
    this.mapping = mapping;
    this.reuseParser = reuseParser;
    this.width = captures.length;
    List<Column> cols = new ArrayList<>(width);
    List<Capture> meta = new ArrayList<>();
    List<Capture> outer = new ArrayList<>();
    List<Capture> element = new ArrayList<>();
    this.source = new byte[width];
    for (int i = 0; i < width; i++) {
      FieldMapping f = mapping.fields().get(i);
      cols.add(new Column(i, f.targetColumn(), f.dataType(), f.transformation()));
      Capture c = captures[i];
      if (c.metadata != null) {
        meta.add(c);
        source[i] = META;
      } else if (c.element) {
        element.add(c);
        source[i] = ELEMENT;
      } else {
        outer.add(c);
        source[i] = OUTER;
      }
    }
    this.columns = List.copyOf(cols);
    this.metaCaptures = meta.toArray(new Capture[0]);
    this.outerCaptures = outer.toArray(new Capture[0]);
    this.elementCaptures = element.toArray(new Capture[0]);
    this.requiredElement = element.stream().filter(c -> c.required).findFirst().orElse(null);
    this.root = root;
    this.splitsTopLevelArray = !root.hasElements;
    this.explodes = explodePrefix != null;
    this.explodedArray = explodePrefix == null ? null : explodePrefix.substring(0, explodePrefix.length() - 3);
    this.defaults = defaults;
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(width));
  }

  /**
   * Compiles a mapping.
   *
   * @throws InvalidConfigurationException naming every field that cannot be compiled
   */
  public static CompiledRecordMapper compile(TopicMapping mapping) {
    return compile(mapping, true);
  }

  /**
   * Compiles a mapping; with {@code reuseParser} false every message is read by a fresh blocking
   * parser (the reference path, which tests compare the fast path with).
   */
  static CompiledRecordMapper compile(TopicMapping mapping, boolean reuseParser) {
    Objects.requireNonNull(mapping, "mapping");
    String base = "mappings[" + mapping.topic() + "]";
    List<ConfigProblem> problems = new ArrayList<>();
    List<FieldMapping> fields = mapping.fields();
    if (fields.isEmpty()) {
      problems.add(new ConfigProblem(null, base + ".fields", "the mapping has no field mappings; expected at least one"));
    }
    PathNode.Builder trie = new PathNode.Builder("");
    Capture[] captures = new Capture[fields.size()];
    Slots defaults = new Slots(fields.size());
    String explodePrefix = null;
    for (int i = 0; i < fields.size(); i++) {
      FieldMapping f = fields.get(i);
      String at = base + ".fields[" + i + "]";
      FieldPath path;
      try {
        path = FieldPath.parse(f.sourcePath());
      } catch (IllegalArgumentException e) {
        problems.add(new ConfigProblem(null, at + ".source_field_path",
            "path '" + f.sourcePath() + "' is malformed: " + e.getMessage()));
        continue;
      }
      Capture.Kind kind = Capture.kindOf(f.dataType(), f.transformation());
      if (kind == null) {
        problems.add(new ConfigProblem(null, at + ".transformation", "transformation '" + f.transformation()
            + "' cannot produce type " + f.dataType() + "; expected data_type " + switch (f.transformation()) {
              case BASE64_DECODE -> "string";
              case TIMESTAMP_PARSE -> "timestamp";
              case JSON_STRINGIFY -> "string or json";
            }));
        continue;
      }
      if (path.wildcardPosition() >= 0) {
        String prefix = f.sourcePath().substring(0, f.sourcePath().indexOf("[*]") + 3);
        if (explodePrefix == null) {
          explodePrefix = prefix;
        } else if (!explodePrefix.equals(prefix)) {
          problems.add(new ConfigProblem(null, at + ".source_field_path", "path '" + f.sourcePath()
              + "' explodes along '" + prefix + "' but another field explodes along '" + explodePrefix
              + "'; a message explodes along one array only"));
          continue;
        }
      }
      Capture capture = new Capture(i, f, path, kind);
      captures[i] = capture;
      if (f.defaultValue() != null) {
        String why = Defaults.convert(f, capture, defaults);
        if (why != null) {
          problems.add(new ConfigProblem(null, at + ".default_value",
              "default value '" + f.defaultValue() + "' does not fit type " + f.dataType() + ": " + why));
        }
      }
      if (!path.isMetadata()) {
        trie.add(path.segments(), capture);
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException("the mapping of topic " + mapping.topic(), problems);
    }
    CompiledRecordMapper mapper =
        new CompiledRecordMapper(mapping, captures, trie.freeze(), defaults, explodePrefix, reuseParser);
    LOG.debug("Compiled the mapping {} -> {}: {} columns{}", mapping.topic(), mapping.table(), captures.length,
        explodePrefix == null ? "" : ", one row per element of " + explodePrefix);
    return mapper;
  }

  @Override
  public TopicMapping mapping() {
    return mapping;
  }

  @Override
  public List<Column> columns() {
    return columns;
  }

  @Override
  public MappingError map(SourceRecord record, RowSink sink) {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(sink, "sink");
    Scratch shared = scratch.get();
    // A sink mapping another message from inside a callback gets state of its own.
    Scratch s = shared.busy ? new Scratch(width) : shared;
    s.busy = true;
    try {
      MappingError error = read(record, s);
      if (error != null) {
        return error;
      }
      emit(sink, s);
      return null;
    } finally {
      s.finish();
      if (s != shared) {
        s.dropParser();
      }
    }
  }

  private MappingError read(SourceRecord record, Scratch s) {
    byte[] doc = null;
    try {
      doc = record.value();
      if (!(reuseParser && readReused(doc, s))) {
        parse(doc, s);
      }
      resolve(record, s);
      return null;
    } catch (Rejection r) {
      return r.toError(record);
    } catch (JsonProcessingException e) {
      return malformed(record, doc, e);
    } catch (IOException e) {
      return new MappingError(Kind.MALFORMED_JSON, record.topic(), record.partition(), record.offset(), null,
          excerpt(doc, 0), "invalid JSON: " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("Unexpected failure mapping {}[{}]@{} for table {}; the message is rejected", record.topic(),
          record.partition(), record.offset(), mapping.table(), e);
      return new MappingError(Kind.MALFORMED_JSON, record.topic(), record.partition(), record.offset(), null,
          excerpt(doc, 0), "the mapper failed on this message (" + e.getClass().getSimpleName() + ": "
              + e.getMessage() + "); see the log");
    }
  }

  /**
   * Reads a document with the thread's reused non-blocking parser (the fast path).
   *
   * @return {@code true} if the document was read completely and without a problem; {@code false} if
   *     it must be read again by {@link #parse}, which reports problems with their exact positions
   */
  private boolean readReused(byte[] doc, Scratch s) {
    if (doc == null || doc.length == 0 || !startsLikeUtf8(doc)) {
      return false;
    }
    try {
      JsonParser p = s.feed(doc);
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
        walkRoot(p, t, s);
        // The root value ends here; only blanks may follow, which the next call consumes.
        for (int i = tokenStart(p, s) + 1; i < doc.length; i++) {
          byte b = doc[i];
          if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
            s.dropParser();
            return false;
          }
        }
        if (p.nextToken() == JsonToken.NOT_AVAILABLE) {
          return true;
        }
      }
    } catch (IOException | RuntimeException e) {
      // A Rejection, bad JSON, or a truncated document the non-blocking parser waits on: the blocking parser
      // reads it again and says exactly what is wrong.
    }
    s.dropParser();
    return false;
  }

  private void parse(byte[] doc, Scratch s) throws IOException {
    if (doc == null || doc.length == 0) {
      throw new Rejection(Kind.MALFORMED_JSON, null, null,
          "the message value is empty (a tombstone); expected a JSON document");
    }
    if (!startsLikeUtf8(doc)) {
      throw new Rejection(Kind.MALFORMED_JSON, null, excerpt(doc, 0),
          "the message value is not UTF-8 (it starts like UTF-16 or UTF-32); expected a UTF-8 JSON document");
    }
    s.start(doc);
    try (JsonParser p = FACTORY.createParser(doc)) {
      try {
        walkDocument(p, s);
      } catch (Rejection r) {
        // A message that is not JSON is MALFORMED_JSON whatever came before the broken part.
        while (p.nextToken() != null) {
          // read on: the parser throws if the rest is not JSON
        }
        throw r;
      }
      s.top = -1;
      if (p.nextToken() != null) {
        JsonLocation at = p.currentTokenLocation();
        throw new Rejection(Kind.MALFORMED_JSON, null, excerpt(doc, at.getByteOffset()),
            "unexpected content after the JSON document at line " + at.getLineNr() + ", column " + at.getColumnNr());
      }
    }
  }

  private void walkDocument(JsonParser p, Scratch s) throws IOException {
    JsonToken t = p.nextToken();
    if (t == null) {
      throw new Rejection(Kind.MALFORMED_JSON, null, null, "the message value holds only blanks; expected a JSON document");
    }
    walkRoot(p, t, s);
  }

  /** Walks the document whose first token is {@code t}, leaving the parser on its last token. */
  private void walkRoot(JsonParser p, JsonToken t, Scratch s) throws IOException {
    if (t == JsonToken.START_ARRAY && splitsTopLevelArray) {
      int i = 0;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        endsEarly(t);
        s.newGroup(i);
        if (t == JsonToken.START_OBJECT) {
          object(p, root, s);
        } else if (t != JsonToken.VALUE_NULL) {
          throw new Rejection(Kind.WRONG_TYPE, "[" + i + "]", Conversions.offending(p, t, s),
              "expected a JSON object as element of the message array");
        }
        i++;
      }
    } else if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      s.newGroup(-1);
      value(p, t, root, s);
    } else {
      throw new Rejection(Kind.WRONG_TYPE, null, p.getText(), "expected a JSON object or array as the message");
    }
  }

  /** A document that ends inside a structure: the blocking parser throws instead, the non-blocking one says so. */
  private static void endsEarly(JsonToken t) {
    if (t == null || t == JsonToken.NOT_AVAILABLE) {
      throw new IllegalStateException("the document ends inside a structure");
    }
  }

  /** UTF-16/32 documents start with a zero byte or a UTF-16 byte-order mark; JSON in UTF-8 never does. */
  private static boolean startsLikeUtf8(byte[] doc) {
    if (doc[0] == 0 || (doc.length > 1 && doc[1] == 0)) {
      return false;
    }
    int b0 = doc[0] & 0xFF;
    int b1 = doc.length > 1 ? doc[1] & 0xFF : 0;
    return !((b0 == 0xFE && b1 == 0xFF) || (b0 == 0xFF && b1 == 0xFE));
  }

  private static Slots slots(Capture c, Scratch s) {
    return c.element ? s.elem : s.cur;
  }

  private static void value(JsonParser p, JsonToken t, PathNode n, Scratch s) throws IOException {
    switch (t.id()) {
      case JsonTokenId.ID_START_OBJECT -> object(p, n, s);
      case JsonTokenId.ID_START_ARRAY -> array(p, n, s);
      case JsonTokenId.ID_NULL -> {
        for (Capture c : n.captures) {
          slots(c, s).setNull(c.column);
        }
      }
      default -> {
        for (Capture c : n.captures) {
          Conversions.scalar(p, t, c, slots(c, s), s);
        }
        if (n.names != null || n.wantsArray) {
          throw containerMismatch(p, t, n, s, n.names != null);
        }
      }
    }
  }

  private static void object(JsonParser p, PathNode n, Scratch s) throws IOException {
    if (n.refusesObject != null) {
      throw Conversions.wrongType(n.refusesObject, s, Conversions.offending(p, JsonToken.START_OBJECT, s));
    }
    int start = n.spans.length == 0 ? 0 : tokenStart(p, s);
    if (n.names != null) {
      walkObject(p, n, s);
    } else if (n.wantsArray) {
      throw containerMismatch(p, JsonToken.START_OBJECT, n, s, false);
    } else {
      p.skipChildren();
    }
    setSpans(p, n, s, start);
  }

  private static void array(JsonParser p, PathNode n, Scratch s) throws IOException {
    if (n.refusesArray != null) {
      throw Conversions.wrongType(n.refusesArray, s, Conversions.offending(p, JsonToken.START_ARRAY, s));
    }
    int start = n.spans.length == 0 ? 0 : tokenStart(p, s);
    if (n.wantsArray) {
      walkArray(p, n, s);
    } else if (n.names != null) {
      throw containerMismatch(p, JsonToken.START_ARRAY, n, s, true);
    } else {
      p.skipChildren();
    }
    setSpans(p, n, s, start);
  }

  /** The node's JSON-valued captures take the container just read: from {@code start} to its last token. */
  private static void setSpans(JsonParser p, PathNode n, Scratch s, int start) throws IOException {
    if (n.spans.length > 0) {
      int end = tokenStart(p, s) + 1;
      for (Capture c : n.spans) {
        slots(c, s).setSpan(c.column, start, end);
      }
    }
  }

  private static void walkObject(JsonParser p, PathNode n, Scratch s) throws IOException {
    PathNode[] members = n.members;
    boolean nonBlocking = s.nonBlocking;
    int guess = 0;
    while (true) {
      String name;
      if (nonBlocking) {
        // Out of input, the non-blocking parser returns NOT_AVAILABLE but keeps its current token,
        // so the token returned is what counts.
        JsonToken t = p.nextToken();
        if (t != JsonToken.FIELD_NAME) {
          endsEarly(t);
          break;
        }
        name = p.currentName();
      } else {
        name = p.nextFieldName();
        if (name == null) {
          break;
        }
      }
      JsonToken t = p.nextToken();
      endsEarly(t);
      int k = n.member(name, guess);
      if (k >= 0) {
        guess = k + 1;
        value(p, t, members[k], s);
      } else if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
        p.skipChildren();
      }
    }
    if (!p.hasToken(JsonToken.END_OBJECT)) {
      throw new IllegalStateException("object ended on " + p.currentToken());
    }
  }

  private static void walkArray(JsonParser p, PathNode n, Scratch s) throws IOException {
    Capture[] collectors = n.collectors;
    for (Capture c : collectors) {
      if (c.kind == Capture.Kind.STRING_ARRAY) {
        slots(c, s).beginStringArray(c.column);
      } else {
        slots(c, s).beginDoubleArray(c.column);
      }
    }
    boolean explode = n.wildcard != null;
    if (explode) {
      s.beginExplode();
    }
    int i = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      endsEarly(t);
      for (Capture c : collectors) {
        Conversions.element(p, t, c, slots(c, s), s, i);
      }
      if (explode) {
        s.newRow(i);
      }
      PathNode e = n.hasElements ? n.element(i) : null;
      if (e != null) {
        value(p, t, e, s);
      } else if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
        p.skipChildren();
      }
      i++;
    }
    if (explode) {
      s.endExplode();
    }
  }

  private static Rejection containerMismatch(JsonParser p, JsonToken t, PathNode n, Scratch s, boolean object)
      throws IOException {
    String rule = "expected " + (object ? "an object" : "an array") + (n.path.isEmpty() ? " as the message" : "")
        + ", as the mapped path " + n.example + " reads inside it";
    return new Rejection(Kind.WRONG_TYPE, s.path(n.path), Conversions.offending(p, t, s), rule);
  }

  /**
   * The byte offset in the message of the current token, which is a structure start or end. The
   * blocking parser reports it as the token's location; the non-blocking parser's token locations are
   * approximate, but having just returned a structure token it stands right after that character.
   */
  static int tokenStart(JsonParser p, Scratch s) {
    long offset = s.nonBlocking ? p.currentLocation().getByteOffset() - 1 - s.base
        : p.currentTokenLocation().getByteOffset();
    if (offset < 0 || offset >= s.doc.length) {
      throw new IllegalStateException("the parser reports no byte offset in the message (" + offset + ")");
    }
    return (int) offset;
  }

  /** Metadata, required fields, defaults and JSON spans, once the whole document has been read. */
  private void resolve(SourceRecord record, Scratch s) throws IOException {
    s.top = -1;
    s.elemIndex = -1;
    for (Capture c : metaCaptures) {
      metadata(record, c, s.meta, s);
    }
    finish(metaCaptures, s.meta, s);
    for (int g = 0; g < s.groups; g++) {
      s.top = s.groupTop[g];
      s.elemIndex = -1;
      finish(outerCaptures, s.outer[g], s);
      if (!explodes) {
        continue;
      }
      if (!s.exploded[g] && requiredElement != null) {
        throw new Rejection(Kind.MISSING_REQUIRED, s.path(explodedArray), null,
            "the array to explode is absent or null, but " + requiredElement.sourcePath + " is required ("
                + requiredElement.label + ")");
      }
      int first = s.firstRow[g];
      int count = s.rowsOf(g);
      for (int r = 0; r < count; r++) {
        s.elemIndex = r;
        finish(elementCaptures, s.rows[first + r], s);
      }
    }
  }

  private void finish(Capture[] captures, Slots slots, Scratch s) {
    for (Capture c : captures) {
      int col = c.column;
      byte tag = slots.tag[col];
      if (tag <= Slots.NULL) {
        if (c.required) {
          throw new Rejection(Kind.MISSING_REQUIRED, s.path(c.sourcePath), null,
              "required field is absent or null (" + c.label + ")");
        }
        if (defaults.tag[col] != Slots.UNSET) {
          slots.copy(defaults, col);
        } else {
          slots.setNull(col);
        }
      } else if (tag == Slots.JSON_SPAN) {
        int start = (int) slots.num[col];
        int end = slots.len[col];
        byte[] out = s.bytes(end - start);
        int n = JsonText.compact(s.doc, start, end, out);
        if (n < 0) {
          throw new Rejection(Kind.INVALID_TEXT, s.path(c.sourcePath), JsonText.preview(s.doc, start, end, PREVIEW_BYTES),
              (n == JsonText.NUL_ESCAPE ? "JSON text contains \\u0000, which PostgreSQL cannot store"
                  : "JSON text contains an unpaired surrogate escape, which is not valid Unicode") + " (" + c.label + ")");
        }
        slots.setJson(col, new String(out, 0, n, StandardCharsets.UTF_8));
      }
    }
  }

  private static void metadata(SourceRecord record, Capture c, Slots out, Scratch s) throws IOException {
    switch (c.metadata) {
      case TOPIC -> metadataText(c, out, s, record.topic());
      case PARTITION -> Conversions.longValue(c, out, s, record.partition(), null);
      case OFFSET -> Conversions.longValue(c, out, s, record.offset(), null);
      case TIMESTAMP -> {
        long millis = record.timestamp();
        if (millis < 0) {
          out.setNull(c.column);
        } else if (c.kind == Capture.Kind.TIMESTAMP) {
          long micros = Timestamps.epochMicros(millis, TimestampFormat.EPOCH_MILLIS);
          if (micros == Long.MIN_VALUE) {
            throw new Rejection(Kind.OUT_OF_RANGE, c.sourcePath, Long.toString(millis),
                "record timestamp outside the range of timestamps (" + c.label + ")");
          }
          out.setTimestamp(c.column, micros);
        } else {
          Conversions.longValue(c, out, s, millis, null);
        }
      }
      case KEY -> metadataBytes(c, out, s, record.key(), "the record key");
      case HEADER -> metadataBytes(c, out, s, record.header(c.headerName), "header " + c.headerName);
    }
  }

  private static void metadataText(Capture c, Slots out, Scratch s, String text) throws IOException {
    if (text == null) {
      out.setNull(c.column);
    } else {
      Conversions.text(c, out, s, text.toCharArray(), 0, text.length(), null, text);
    }
  }

  private static void metadataBytes(Capture c, Slots out, Scratch s, byte[] bytes, String what) throws IOException {
    if (bytes == null) {
      out.setNull(c.column);
      return;
    }
    String text;
    try {
      text = s.utf8().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new Rejection(Kind.INVALID_TEXT, c.sourcePath, new String(bytes, StandardCharsets.UTF_8),
          what + " is not valid UTF-8 text (" + c.label + ")");
    }
    metadataText(c, out, s, text);
  }

  private void emit(RowSink sink, Scratch s) {
    for (int g = 0; g < s.groups; g++) {
      Slots outer = s.outer[g];
      if (!explodes) {
        row(sink, s.meta, outer, null);
        continue;
      }
      int first = s.firstRow[g];
      int count = s.rowsOf(g);
      for (int r = 0; r < count; r++) {
        row(sink, s.meta, outer, s.rows[first + r]);
      }
    }
  }

  private void row(RowSink sink, Slots meta, Slots outer, Slots element) {
    sink.startRow();
    byte[] from = source;
    for (int c = 0; c < width; c++) {
      byte f = from[c];
      write(sink, c, f == OUTER ? outer : f == ELEMENT ? element : meta);
    }
    sink.endRow();
  }

  private static void write(RowSink sink, int c, Slots s) {
    switch (s.tag[c]) {
      case Slots.LONG -> sink.longValue(c, s.num[c]);
      case Slots.DOUBLE -> sink.doubleValue(c, Double.longBitsToDouble(s.num[c]));
      case Slots.STRING -> sink.stringValue(c, (String) s.ref[c]);
      case Slots.CHARS -> sink.stringValue(c, (char[]) s.ref[c], 0, s.len[c]);
      case Slots.TIMESTAMP -> sink.timestampValue(c, s.num[c]);
      case Slots.BOOLEAN -> sink.booleanValue(c, s.num[c] != 0);
      case Slots.JSON -> sink.jsonValue(c, (String) s.ref[c]);
      case Slots.BYTES -> sink.bytesValue(c, (byte[]) s.ref[c], s.len[c]);
      case Slots.STRING_ARRAY -> sink.stringArrayValue(c, (String[]) s.ref[c], s.len[c]);
      case Slots.DOUBLE_ARRAY -> sink.doubleArrayValue(c, (double[]) s.ref[c], s.len[c]);
      default -> sink.nullValue(c);
    }
  }

  private static MappingError malformed(SourceRecord record, byte[] doc, JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    return new MappingError(Kind.MALFORMED_JSON, record.topic(), record.partition(), record.offset(), null,
        excerpt(doc, at == null ? 0 : at.getByteOffset()), "invalid JSON: " + describe(e) + where);
  }

  /**
   * Jackson's advice on its own API ("enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow", "from
   * `StreamReadConstraints.getMaxNestingDepth()`"), which whoever produced the message cannot act on.
   */
  private static final java.util.regex.Pattern JACKSON_HINT =
      java.util.regex.Pattern.compile(":? enable `[^`]+` to allow|, from `[^`]+`");

  /** Jackson's message without its source description, start-marker location and advice on its API. */
  private static String describe(JsonProcessingException e) {
    String message = String.valueOf(e.getOriginalMessage());
    int nl = message.indexOf('\n');
    if (nl >= 0) {
      message = message.substring(0, nl);
    }
    int marker = message.indexOf(" (start marker at");
    if (marker >= 0) {
      message = message.substring(0, marker);
    }
    return JACKSON_HINT.matcher(message).replaceAll("").strip();
  }

  /** The document around byte {@code offset}, for a malformed message. */
  private static String excerpt(byte[] doc, long offset) {
    if (doc == null || doc.length == 0) {
      return null;
    }
    int start = (int) Math.max(0, Math.min(doc.length, offset) - 40);
    int end = Math.min(doc.length, start + MappingError.MAX_VALUE_LENGTH + 1);
    String text = new String(doc, start, end - start, StandardCharsets.UTF_8);
    return start > 0 ? "..." + text : text;
  }

  @Override
  public String toString() {
    return "RecordMapper[" + mapping.topic() + " -> " + mapping.table() + ", " + width + " columns]";
  }
}
