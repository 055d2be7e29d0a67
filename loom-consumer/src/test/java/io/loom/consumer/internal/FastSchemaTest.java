package io.loom.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.OutputFormat;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast path against networknt: many schemas (a table of hand-written ones, then seeded random ones)
 * and many messages each (random, schema-guided and mutated down to single bytes), both validators on
 * every pair. The fast path must never accept a message networknt refuses; what it does not accept goes to
 * networknt, so it may leave a valid message to networknt, and the test bounds how often it does.
 */
class FastSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SEED = 20261127L;

  private static final String[] NAMES = {"a", "b", "c", "id", "é", "a/b", "x~y", ""};
  private static final String[] STRINGS = {"", "a", "ab", "abc", "xx", "xxx", "dev-123456", "dev-12345", "12",
      "\\u00e9", "\\ud83d\\ude00", "\\ud83d\\ude00\\ud83d\\ude00", "a\\nb", "temperature", "celsius", "1",
      "2026-11-27T10:00:00Z", "not a date", "true", "null", "é", "日本", "😀", "dev-123456\\n", "dev-123456\u2028",
      "dev-12345\\u0036", "x\\\"y", "\\u0063o2", "ab-1234"};
  private static final String[] NUMBERS = {"0", "1", "-1", "2", "3", "100", "101", "99", "1000", "-1000", "2.5", "0.1",
      "0.30000000000000004", "1.0", "1e2", "1E2", "-0", "-0.0", "99.99999999999999999", "100.00000000000000001",
      "9007199254740993", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1e15", "1e300",
      "1e400", "-1e400", "2.4999999999999999", "0.1e1", "0.001", "1234567890123456789", "12345678901234567.5", "1e22",
      "1e23", "9007199254740993.0", "-1.5e-3", "1E+2", "0e5", "123.456e-2", "100.0", "-99.5"};
  /** Not JSON numbers: put in messages only. */
  private static final String[] BAD_NUMBERS = {"01", "1.", ".5", "+1", "-", "1e", "--1", "0x10", "1.e2", "-01", "NaN"};
  private static final String[] PATTERNS = {"^a", "[0-9]+", "^x{2,3}$", "b", "^$", "\\\\d", "^dev-[0-9]{6}$",
      "\\\\p{L}", "(?i)A", "^.$",
      "^[a-z]+-[0-9]{4}$", "^.{1,2}$", "\\\\w+", "^a?b*$", "^[0-9a-f]{2,}$", "x{0}$", "^dev-\\\\d{6}$", "^[a-z]{1,64}$"};
  private static final String[] BOUNDS = {"0", "1", "-1", "2.5", "100", "1e3", "0.1", "1.0", "-1000", "99.5"};
  private static final String[] TYPES = {"null", "boolean", "object", "array", "number", "integer", "string"};
  private static final String[] DRAFTS = {"", "\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",",
      "\"$schema\":\"https://json-schema.org/draft/2019-09/schema\",", "\"$schema\":\"http://json-schema.org/draft-07/schema#\",",
      "\"$schema\":\"http://json-schema.org/draft-06/schema#\",", "\"$schema\":\"http://json-schema.org/draft-04/schema#\","};

  /** Hand-written schemas: each keyword of the subset, its edge cases, and some outside it. */
  private static final List<String> TABLE = List.of(
      "{\"type\":\"integer\"}",
      "{\"type\":\"number\"}",
      "{\"type\":[\"integer\",\"string\"]}",
      "{\"type\":[\"null\",\"boolean\"]}",
      "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"integer\"}",
      "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"integer\"}",
      "{\"$schema\":\"http://json-schema.org/draft-06/schema#\",\"type\":\"integer\",\"exclusiveMaximum\":100}",
      "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"maximum\":100,\"exclusiveMaximum\":true}",
      "{\"minimum\":0,\"maximum\":100}",
      "{\"type\":\"integer\",\"minimum\":0,\"maximum\":100}",
      "{\"exclusiveMinimum\":0,\"exclusiveMaximum\":100}",
      "{\"minimum\":0.1,\"maximum\":99.5}",
      "{\"minimum\":-1000,\"maximum\":100000,\"type\":\"number\"}",
      "{\"maximum\":9223372036854775807}",
      "{\"minimum\":1e3}",
      "{\"minLength\":2}",
      "{\"maxLength\":1}",
      "{\"type\":\"string\",\"minLength\":1,\"maxLength\":2}",
      "{\"pattern\":\"^dev-[0-9]{6}$\"}",
      "{\"pattern\":\"[0-9]+\"}",
      "{\"pattern\":\"\\\\p{L}\"}",
      "{\"enum\":[\"temperature\",\"humidity\",\"pressure\",\"co2\"]}",
      "{\"enum\":[1,\"1\",true,null]}",
      "{\"enum\":[1.0,2.5]}",
      "{\"const\":2}",
      "{\"const\":0}",
      "{\"const\":1.0}",
      "{\"const\":2.5}",
      "{\"const\":\"a\",\"enum\":[\"a\",\"b\"]}",
      "{\"const\":null}",
      "{\"type\":\"string\",\"format\":\"date-time\"}",
      "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"format\":\"date-time\"}",
      "{\"$schema\":\"https://json-schema.org/draft/2019-09/schema\",\"format\":\"date-time\"}",
      "{\"type\":\"object\",\"required\":[\"a\",\"b\"]}",
      "{\"required\":[\"a\"],\"properties\":{\"a\":{\"type\":\"integer\"}},\"additionalProperties\":false}",
      "{\"properties\":{\"a\":{\"type\":\"integer\"}},\"additionalProperties\":{\"type\":\"string\"}}",
      "{\"properties\":{\"a\":true,\"b\":false}}",
      "{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"maximum\":100}}",
      "{\"items\":false}",
      "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"items\":[{\"type\":\"integer\"}]}",
      "{\"$defs\":{\"t\":{\"type\":\"string\",\"minLength\":1}},\"properties\":{\"a\":{\"$ref\":\"#/$defs/t\"}},"
          + "\"additionalProperties\":{\"$ref\":\"#/$defs/t\"}}",
      "{\"definitions\":{\"n\":{\"type\":\"integer\"}},\"items\":{\"$ref\":\"#/definitions/n\"}}",
      "{\"type\":[\"object\",\"integer\"],\"properties\":{\"a\":{\"$ref\":\"#\"}}}",
      "{\"$defs\":{\"t\":{\"type\":\"integer\"}},\"properties\":{\"a\":{\"$ref\":\"#/$defs/t\",\"maximum\":2}}}",
      "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"definitions\":{\"t\":{\"type\":\"integer\"}},"
          + "\"properties\":{\"a\":{\"$ref\":\"#/definitions/t\",\"type\":\"string\"}}}",
      "{\"properties\":{\"a\":{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}]}}}",
      "{\"title\":\"t\",\"description\":\"d\",\"examples\":[1],\"default\":1,\"$comment\":\"c\",\"$id\":\"urn:x\","
          + "\"type\":\"integer\"}",
      "{\"type\":\"object\",\"properties\":{\"a/b\":{\"type\":\"integer\"},\"x~y\":{\"type\":\"string\"},"
          + "\"\":{\"type\":\"null\"}},\"required\":[\"a/b\",\"\"]}",
      true + "",
      false + "");

  @Test
  void fastPath_agreesWithNetworknt_onEveryMessage() throws Exception {
    Random random = new Random(SEED);
    SchemaChecks checks = new SchemaChecks();
    List<String> schemas = new ArrayList<>(TABLE);
    for (int i = 0; i < 400; i++) {
      schemas.add(randomRootSchema(random));
    }
    List<String> accepted = new ArrayList<>();
    List<String> deferred = new ArrayList<>();
    List<String> repeatedKeys = new ArrayList<>();
    int fastSchemas = 0;
    int pairs = 0;
    int valid = 0;
    for (String schemaText : schemas) {
      SchemaChecks.Compiled compiled;
      try {
        compiled = checks.compile(schemaText);
      } catch (RuntimeException e) {
        continue; // networknt refuses it: so does the configuration
      }
      if (compiled.fast() == null) {
        continue;
      }
      fastSchemas++;
      JsonNode schemaNode = JSON.readTree(schemaText);
      for (int m = 0; m < 300; m++) {
        String message = switch (m % 3) {
          case 0 -> randomValue(random, 3);
          case 1 -> guided(random, schemaNode, schemaNode, 4);
          default -> mutate(random, guided(random, schemaNode, schemaNode, 4));
        };
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (m % 10 == 5 && bytes.length > 0) {
          // a byte that breaks the UTF-8 or the JSON
          int[] damage = {0xFF, 0xC3, 0x80, 0x00, '"', '\\', 0xED, 0xE0, 0xF4, 0xC0, '\t', 0x1F, '{', ','};
          bytes[random.nextInt(bytes.length)] = (byte) damage[random.nextInt(damage.length)];
          message = new String(bytes, StandardCharsets.ISO_8859_1);
        }
        boolean expected = networkntAccepts(compiled, bytes);
        boolean actual = compiled.fast().valid(bytes);
        pairs++;
        if (expected) {
          valid++;
        }
        if (actual && !expected) {
          accepted.add("schema " + schemaText + " message " + message);
        } else if (expected && !actual) {
          (hasRepeatedKey(bytes) ? repeatedKeys : deferred).add("schema " + schemaText + " message " + message);
        }
      }
    }

    // never accepts what networknt refuses: the one thing that would weaken validation
    assertThat(accepted).as("messages the fast path accepts and networknt refuses").isEmpty();
    // leaves to networknt only the rare valid message it cannot decide in one pass: a key repeated in an
    // object (the tree keeps the last one, the fast path checks them all), and networknt's own quirks
    assertThat(deferred.size()).as("valid messages left to networknt for no repeated key, of %d valid:%n%s",
        valid, String.join("\n", deferred.subList(0, Math.min(20, deferred.size())))).isLessThan(valid / 200);
    assertThat(repeatedKeys.size()).as("valid messages with a repeated key left to networknt").isLessThan(valid / 50);
    assertThat(fastSchemas).as("schemas on the fast path").isGreaterThan(250);
    assertThat(valid).as("valid messages of %d", pairs).isBetween(pairs / 5, pairs * 4 / 5);
  }

  @Test
  void schemasOutsideTheSubset_areLeftToNetworknt_withTheReason() {
    SchemaChecks checks = new SchemaChecks();

    assertThat(checks.compile("{\"anyOf\":[{\"type\":\"integer\"}]}").whyNotFast()).isEqualTo("keyword 'anyOf'");
    assertThat(checks.compile("{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"integer\"}")
        .whyNotFast()).isEqualTo("draft V4 is not handled by the fast path");
    assertThat(checks.compile("{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"format\":\"date-time\"}")
        .whyNotFast()).isEqualTo("format is asserted in draft V7");
    assertThat(checks.compile("{\"$defs\":{\"t\":true},\"properties\":{\"a\":{\"$ref\":\"#/$defs/t\",\"type\":\"string\"}}}")
        .whyNotFast()).isEqualTo("$ref next to 'type'");
    assertThat(checks.compile("{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":{\"$ref\":\"#/$defs/a\"}},"
        + "\"properties\":{\"x\":{\"$ref\":\"#/$defs/a\"}}}").whyNotFast()).isEqualTo("a $ref cycle");
    assertThat(checks.compile("{\"type\":\"integer\",\"format\":\"date-time\",\"title\":\"t\"}").fast()).isNotNull();
  }

  @Test
  void onlyTheFirstValue_isRead_andBrokenJson_isNeverAccepted() {
    FastSchema fast = new SchemaChecks().compile("{\"type\":\"object\",\"required\":[\"a\"]}").fast();

    assertThat(fast.valid(bytes("{\"a\":1} trailing"))).isTrue();
    assertThat(fast.valid(bytes("{\"a\":1"))).isFalse();
    assertThat(fast.valid(bytes("{\"a\":1,}"))).isFalse();
    assertThat(fast.valid(bytes(""))).isFalse();
    assertThat(fast.valid(bytes("  "))).isFalse();
    assertThat(fast.valid(bytes("{\"b\":1}"))).isFalse();
  }

  @Test
  void topLevelText_readsTheLastTopLevelString_only() {
    assertThat(SchemaChecks.topLevelText(bytes("{\"v\":\"1\",\"x\":{\"v\":\"2\"},\"v\":\"3\"}"), "v")).isEqualTo("3");
    assertThat(SchemaChecks.topLevelText(bytes("{\"v\":\"1\",\"v\":2}"), "v")).isNull();
    assertThat(SchemaChecks.topLevelText(bytes("{\"x\":[{\"v\":\"2\"}]}"), "v")).isNull();
    assertThat(SchemaChecks.topLevelText(bytes("[\"v\"]"), "v")).isNull();
    assertThat(SchemaChecks.topLevelText(bytes("{\"v\":\"1\""), "v")).isEqualTo("(unreadable)");
  }

  @Test
  void rootScalars_endAsTheTreeReaderSeesThem() {
    FastSchema fast = new SchemaChecks().compile("{\"type\":\"integer\"}").fast();

    assertThat(fast.valid(bytes("1"))).isTrue();
    assertThat(fast.valid(bytes(" 1 x"))).isTrue();
    assertThat(fast.valid(bytes("1x"))).isFalse();
    assertThat(fast.valid(bytes("01"))).isFalse();
    assertThat(fast.valid(bytes("-"))).isFalse();
    assertThat(fast.valid(bytes("1."))).isFalse();
    assertThat(fast.valid(bytes("1.0"))).isTrue();
    assertThat(fast.valid(bytes("1.5"))).isFalse();
  }

  @Test
  void escapedNamesAndStrings_areDecoded_asTheTreeHoldsThem() throws Exception {
    String schema = "{\"type\":\"object\",\"required\":[\"a\",\"é\"],\"properties\":{\"a\":{\"enum\":[\"co2\",\"x\\\"y\"]},"
        + "\"é\":{\"pattern\":\"^dev-[0-9]{6}$\",\"maxLength\":11}},\"additionalProperties\":false}";
    SchemaChecks.Compiled compiled = new SchemaChecks().compile(schema);
    FastSchema fast = compiled.fast();
    for (String message : List.of("{\"\\u0061\":\"\\u0063o2\",\"\\u00e9\":\"dev-12345\\u0036\"}",
        "{\"a\":\"x\\\"y\",\"é\":\"dev-123456\\n\"}", "{\"a\":\"co2\",\"\\u00E9\":\"dev-123456\"}")) {
      assertThat(networkntAccepts(compiled, bytes(message))).as(message).isTrue();
      assertThat(fast.valid(bytes(message))).as(message).isTrue();
    }
    for (String message : List.of("{\"\\u0062\":\"co2\",\"é\":\"dev-123456\"}", "{\"a\":\"co\\u0033\",\"é\":\"dev-123456\"}",
        "{\"a\":\"co2\",\"é\":\"dev-123456\\n\\n\"}", "{\"a\":\"co2\",\"é\":\"dev-12345\\u0036 \"}", "{\"a\":\"co2\",\"e\":\"dev-123456\"}")) {
      assertThat(networkntAccepts(compiled, bytes(message))).as(message).isFalse();
      assertThat(fast.valid(bytes(message))).as(message).isFalse();
    }
  }

  @Test
  void controlCharacters_inStrings_areNeverAccepted() {
    FastSchema fast = new SchemaChecks().compile("{\"type\":\"object\"}").fast();

    assertThat(fast.valid(bytes("{\"a\":\"x\ty\"}"))).isFalse();
    assertThat(fast.valid(bytes("{\"a\":[\"\u0000\"]}"))).isFalse();
    assertThat(fast.valid(bytes("{\"a\\u001f\n\":1}"))).isFalse();
    assertThat(fast.valid(bytes("{\"a\":\"x\u007fy\"}"))).isTrue();
    assertThat(fast.valid(bytes("{\t\"a\"\n:\r\"x\\ty\" }"))).isTrue();
  }

  @Test
  void aLongDecodedString_doesNotDisturbTheNextMessages() {
    FastSchema fast = new SchemaChecks().compile("{\"items\":{\"pattern\":\"(?i)^A+$\"}}").fast();
    String longText = "a\\u0041".repeat(10_000);

    assertThat(fast.valid(bytes("[\"" + longText + "\",\"aA\"]"))).isTrue();
    assertThat(fast.valid(bytes("[\"" + longText + "b\"]"))).isFalse();
    assertThat(fast.valid(bytes("[\"a\\u0041\",\"AAA\"]"))).isTrue();
    assertThat(fast.valid(bytes("[\"ab\"]"))).isFalse();
  }

  @Test
  void aValidMessage_withIntegerEnumsAndConsts_isCheckedWithoutAllocating() {
    FastSchema fast = new SchemaChecks().compile("{\"type\":\"object\",\"required\":[\"version\"],\"properties\":"
        + "{\"version\":{\"const\":42},\"level\":{\"type\":\"integer\",\"enum\":[100,200.0,3e2,2.5]}}}").fast();
    byte[] message = bytes("{\"version\":42,\"level\":300}");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    boolean valid = true;
    for (int i = 0; i < 20_000; i++) {
      valid &= fast.valid(message); // warm up
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 10_000; i++) {
      valid &= fast.valid(message);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertThat(valid).isTrue();
    assertThat(allocated).as("bytes allocated for 10,000 valid messages").isLessThan(10_000);
    assertThat(fast.valid(bytes("{\"version\":42,\"level\":200}"))).isTrue();
    assertThat(fast.valid(bytes("{\"version\":43,\"level\":200}"))).isFalse();
    assertThat(fast.valid(bytes("{\"version\":42,\"level\":250}"))).isFalse();
    assertThat(fast.valid(bytes("{\"version\":-42}"))).isFalse();
  }

  @Test
  void nesting_deeperThanTheLimit_isLeftToNetworknt() {
    FastSchema fast = new SchemaChecks().compile("{\"type\":\"array\"}").fast();

    assertThat(fast.valid(bytes("[".repeat(FastSchema.MAX_DEPTH) + "]".repeat(FastSchema.MAX_DEPTH)))).isTrue();
    assertThat(fast.valid(bytes("[".repeat(FastSchema.MAX_DEPTH + 1) + "]".repeat(FastSchema.MAX_DEPTH + 1)))).isFalse();
  }

  @Test
  void toDouble_roundsAsTheJdkParses() {
    Random random = new Random(SEED);
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < 300_000; i++) {
      StringBuilder number = new StringBuilder(random.nextInt(4) == 0 ? "-" : "");
      int digits = 1 + random.nextInt(random.nextBoolean() ? 8 : 22);
      number.append(random.nextInt(5) == 0 ? '0' : (char) ('1' + random.nextInt(9)));
      if (number.charAt(number.length() - 1) != '0') {
        for (int d = 1; d < digits; d++) {
          number.append((char) ('0' + random.nextInt(10)));
        }
      }
      if (random.nextBoolean()) {
        number.append('.');
        int fraction = 1 + random.nextInt(random.nextBoolean() ? 4 : 20);
        for (int d = 0; d < fraction; d++) {
          number.append((char) ('0' + (random.nextInt(3) == 0 ? 0 : random.nextInt(10))));
        }
      }
      if (random.nextInt(3) == 0) {
        number.append(random.nextBoolean() ? 'e' : 'E').append(new String[] {"", "+", "-"}[random.nextInt(3)])
            .append(random.nextInt(4) == 0 ? random.nextInt(400) : random.nextInt(30));
      }
      String text = number.toString();
      byte[] b = bytes("[" + text + "]");
      if (Double.doubleToRawLongBits(FastSchema.toDouble(b, 1, b.length - 1))
          != Double.doubleToRawLongBits(Double.parseDouble(text))) {
        wrong.add(text);
      }
    }

    assertThat(wrong).isEmpty();
  }

  @Test
  void utf8Length_acceptsExactlyWellFormedUtf8() {
    CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    CharBuffer out = CharBuffer.allocate(8);
    int[] tails = {0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0x41, 0xC0};
    List<String> wrong = new ArrayList<>();
    int sequences = 0;
    for (int lead = 0x80; lead <= 0xFF; lead++) {
      for (int second = 0; second <= 0xFF; second++) {
        for (int third : tails) {
          for (int fourth : tails) {
            byte[] b = {(byte) lead, (byte) second, (byte) third, (byte) fourth};
            int length = FastSchema.utf8Length(b, 0, 4);
            int expected = 0;
            for (int n = 2; n <= 4 && expected == 0; n++) {
              expected = decodesToOneCodePoint(strict, out, b, n) ? n : 0;
            }
            if (length != expected || (length > 0 && FastSchema.utf8Length(b, 0, length - 1) != 0)) {
              wrong.add(String.format("%02x %02x %02x %02x: %d, expected %d", lead, second, third, fourth, length, expected));
            }
            sequences += length > 0 ? 1 : 0;
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(sequences).isGreaterThan(10_000);
  }

  private static boolean decodesToOneCodePoint(CharsetDecoder strict, CharBuffer out, byte[] b, int n) {
    strict.reset();
    out.clear();
    if (strict.decode(ByteBuffer.wrap(b, 0, n), out, true).isError() || strict.flush(out).isError()) {
      return false;
    }
    out.flip();
    return Character.codePointCount(out, 0, out.length()) == 1;
  }

  /** Whether an object of the message repeats a key (the tree keeps the last, the fast path checks all). */
  private static boolean hasRepeatedKey(byte[] message) {
    try (com.fasterxml.jackson.core.JsonParser p = JSON.getFactory().createParser(message)) {
      p.enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      while (p.nextToken() != null) {
        // read to the end of the first value or the first error
        if (p.getParsingContext().inRoot() && (p.currentToken().isScalarValue() || p.currentToken().isStructEnd())) {
          return false;
        }
      }
      return false;
    } catch (com.fasterxml.jackson.core.exc.StreamReadException e) {
      return e.getMessage().startsWith("Duplicate field");
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** What the tree path decides: readable, and valid by networknt's boolean output. */
  private static boolean networkntAccepts(SchemaChecks.Compiled compiled, byte[] message) {
    JsonNode node;
    try {
      node = JSON.readTree(message);
    } catch (Exception e) {
      return false;
    }
    if (node == null || node.isMissingNode()) {
      return false;
    }
    try {
      return compiled.schema().validate(node, OutputFormat.BOOLEAN);
    } catch (RuntimeException e) {
      return false;
    }
  }

  // ---- random schemas -------------------------------------------------------------------------------

  private static String randomRootSchema(Random r) {
    int defs = r.nextInt(3);
    StringBuilder s = new StringBuilder("{").append(DRAFTS[r.nextInt(DRAFTS.length)]);
    if (defs > 0) {
      s.append("\"$defs\":{");
      for (int i = 0; i < defs; i++) {
        s.append(i == 0 ? "" : ",").append("\"d").append(i).append("\":").append(randomSchema(r, 2, 0));
      }
      s.append("},");
    }
    String body = randomSchema(r, 3, defs);
    if (body.equals("true") || body.equals("false") || body.equals("{}")) {
      body = "{\"type\":\"object\"}";
    }
    return s.append(body.substring(1)).toString();
  }

  private static String randomSchema(Random r, int depth, int defs) {
    int kind = r.nextInt(depth > 0 ? 12 : 8);
    if (defs > 0 && r.nextInt(8) == 0) {
      return "{\"$ref\":\"#/$defs/d" + r.nextInt(defs) + "\"}";
    }
    List<String> keywords = new ArrayList<>();
    switch (kind) {
      case 0 -> {
        return r.nextInt(4) == 0 ? "false" : "true";
      }
      case 1, 2 -> {
        keywords.add(typeKeyword(r));
        if (r.nextBoolean()) {
          keywords.add("\"minimum\":" + pick(r, BOUNDS));
        }
        if (r.nextBoolean()) {
          keywords.add("\"maximum\":" + pick(r, BOUNDS));
        }
        if (r.nextInt(3) == 0) {
          keywords.add("\"exclusiveMinimum\":" + pick(r, BOUNDS));
        }
        if (r.nextInt(3) == 0) {
          keywords.add("\"exclusiveMaximum\":" + pick(r, BOUNDS));
        }
      }
      case 3, 4 -> {
        if (r.nextBoolean()) {
          keywords.add("\"type\":\"string\"");
        }
        if (r.nextBoolean()) {
          keywords.add("\"minLength\":" + r.nextInt(4));
        }
        if (r.nextBoolean()) {
          keywords.add("\"maxLength\":" + r.nextInt(4));
        }
        if (r.nextInt(3) == 0) {
          keywords.add("\"pattern\":\"" + pick(r, PATTERNS) + "\"");
        }
        if (r.nextInt(5) == 0) {
          keywords.add("\"format\":\"date-time\"");
        }
      }
      case 5, 6 -> {
        StringBuilder e = new StringBuilder();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
          e.append(i == 0 ? "" : ",").append(randomScalar(r));
        }
        keywords.add(r.nextInt(4) == 0 ? "\"const\":" + randomScalar(r) : "\"enum\":[" + e + "]");
        if (r.nextBoolean()) {
          keywords.add(typeKeyword(r));
        }
      }
      case 7 -> keywords.add(typeKeyword(r));
      case 8, 9, 10 -> {
        if (r.nextBoolean()) {
          keywords.add("\"type\":\"object\"");
        }
        int n = r.nextInt(4);
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < n; i++) {
          p.append(i == 0 ? "" : ",").append("\"").append(NAMES[i + r.nextInt(2)]).append("\":")
              .append(randomSchema(r, depth - 1, defs));
        }
        if (n > 0 || r.nextBoolean()) {
          keywords.add("\"properties\":{" + p + "}");
        }
        if (r.nextBoolean()) {
          StringBuilder q = new StringBuilder();
          int k = 1 + r.nextInt(2);
          for (int i = 0; i < k; i++) {
            q.append(i == 0 ? "" : ",").append("\"").append(pick(r, NAMES)).append("\"");
          }
          keywords.add("\"required\":[" + q + "]");
        }
        switch (r.nextInt(4)) {
          case 0 -> keywords.add("\"additionalProperties\":false");
          case 1 -> keywords.add("\"additionalProperties\":" + randomSchema(r, depth - 1, defs));
          default -> { }
        }
      }
      default -> {
        if (r.nextBoolean()) {
          keywords.add("\"type\":\"array\"");
        }
        keywords.add("\"items\":" + randomSchema(r, depth - 1, defs));
      }
    }
    if (r.nextInt(10) == 0) {
      keywords.add("\"title\":\"t\"");
    }
    if (r.nextInt(40) == 0) {
      keywords.add("\"not\":{\"type\":\"null\"}");
    }
    return "{" + String.join(",", keywords) + "}";
  }

  private static String typeKeyword(Random r) {
    if (r.nextInt(3) == 0) {
      return "\"type\":[\"" + pick(r, TYPES) + "\",\"" + pick(r, TYPES) + "\"]";
    }
    return "\"type\":\"" + pick(r, TYPES) + "\"";
  }

  private static String randomScalar(Random r) {
    return switch (r.nextInt(5)) {
      case 0 -> "\"" + pick(r, STRINGS) + "\"";
      case 1, 2 -> pick(r, NUMBERS);
      case 3 -> r.nextBoolean() ? "true" : "false";
      default -> "null";
    };
  }

  private static String pick(Random r, String[] values) {
    return values[r.nextInt(values.length)];
  }

  // ---- random messages ------------------------------------------------------------------------------

  private static String randomValue(Random r, int depth) {
    int kind = r.nextInt(depth > 0 ? 7 : 5);
    return switch (kind) {
      case 0, 1, 2, 3, 4 -> randomScalar(r);
      case 5 -> {
        StringBuilder s = new StringBuilder("{");
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          s.append(i == 0 ? "" : ",").append("\"").append(pick(r, NAMES)).append("\":").append(randomValue(r, depth - 1));
        }
        yield s.append("}").toString();
      }
      default -> {
        StringBuilder s = new StringBuilder("[");
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          s.append(i == 0 ? "" : ",").append(randomValue(r, depth - 1));
        }
        yield s.append("]").toString();
      }
    };
  }

  /** A message shaped by the schema (its properties, required names, items, enums), often but not always valid. */
  private static String guided(Random r, JsonNode schema, JsonNode root, int depth) {
    if (schema.has("$ref") && depth > 0) {
      String ref = schema.get("$ref").asText();
      JsonNode target = ref.equals("#") ? root : root.at(ref.substring(1));
      return target.isMissingNode() ? randomValue(r, 1) : guided(r, target, root, depth - 1);
    }
    if (!schema.isObject() || depth <= 0 || r.nextInt(10) == 0) {
      return randomValue(r, depth > 0 ? 1 : 0);
    }
    if (schema.has("const") && r.nextInt(4) > 0) {
      return schema.get("const").toString();
    }
    if (schema.has("enum") && schema.get("enum").size() > 0 && r.nextInt(4) > 0) {
      return schema.get("enum").get(r.nextInt(schema.get("enum").size())).toString();
    }
    if (schema.has("properties") || schema.has("required") || schema.has("additionalProperties")
        || typeIs(schema, "object")) {
      List<String> fields = new ArrayList<>();
      schema.path("required").forEach(n -> fields.add(n.asText()));
      schema.path("properties").fieldNames().forEachRemaining(n -> {
        if (!fields.contains(n) && r.nextBoolean()) {
          fields.add(n);
        }
      });
      if (r.nextInt(4) == 0) {
        fields.add(pick(r, NAMES));
      }
      StringBuilder s = new StringBuilder("{");
      for (int i = 0; i < fields.size(); i++) {
        String name = fields.get(i);
        JsonNode sub = schema.path("properties").has(name) ? schema.path("properties").get(name)
            : schema.path("additionalProperties");
        s.append(i == 0 ? "" : ",").append(JSON.valueToTree(name).toString()).append(":")
            .append(sub.isObject() ? guided(r, sub, root, depth - 1) : randomValue(r, 1));
      }
      return s.append("}").toString();
    }
    if (schema.has("items") || typeIs(schema, "array")) {
      StringBuilder s = new StringBuilder("[");
      int n = r.nextInt(4);
      for (int i = 0; i < n; i++) {
        s.append(i == 0 ? "" : ",").append(guided(r, schema.path("items"), root, depth - 1));
      }
      return s.append("]").toString();
    }
    if (schema.has("minLength") || schema.has("maxLength") || schema.has("pattern") || typeIs(schema, "string")) {
      return "\"" + pick(r, STRINGS) + "\"";
    }
    if (schema.has("minimum") || schema.has("maximum") || schema.has("exclusiveMinimum")
        || schema.has("exclusiveMaximum") || typeIs(schema, "number") || typeIs(schema, "integer")) {
      for (String bound : new String[] {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}) {
        if (schema.has(bound) && r.nextInt(3) == 0) {
          return schema.get(bound).toString();
        }
      }
      return pick(r, NUMBERS);
    }
    return randomValue(r, 1);
  }

  private static boolean typeIs(JsonNode schema, String type) {
    JsonNode t = schema.path("type");
    if (t.isArray()) {
      for (JsonNode n : t) {
        if (n.asText().equals(type)) {
          return true;
        }
      }
      return false;
    }
    return t.asText().equals(type);
  }

  /**
   * Byte-level damage: truncation, a repeated key, trailing text, a swapped literal, a number JSON does not
   * allow, a control character before a quote (inside a string or between tokens).
   */
  private static String mutate(Random r, String message) {
    return switch (r.nextInt(8)) {
      case 0 -> message.substring(0, r.nextInt(message.length() + 1));
      case 1 -> message.startsWith("{") && message.length() > 2 ? "{\"a\":" + randomValue(r, 1) + "," + message.substring(1)
          : message;
      case 2 -> message + (r.nextBoolean() ? " x" : " {}");
      case 3 -> message.replaceFirst("[0-9]+", pick(r, NUMBERS));
      case 6 -> message.replaceFirst("-?[0-9][0-9.eE+-]*", pick(r, BAD_NUMBERS));
      case 7 -> {
        List<Integer> quotes = new ArrayList<>();
        for (int i = message.indexOf('"'); i >= 0; i = message.indexOf('"', i + 1)) {
          quotes.add(i);
        }
        if (quotes.isEmpty()) {
          yield message;
        }
        int at = quotes.get(r.nextInt(quotes.size()));
        yield message.substring(0, at) + "\u0000\t\n\u001f\u007f".charAt(r.nextInt(5)) + message.substring(at);
      }
      case 4 -> message.replaceFirst("\"[^\"]*\"", "\"" + pick(r, STRINGS) + "\"");
      default -> message.startsWith("{") && message.endsWith("}") && message.length() > 2
          ? message.substring(0, message.length() - 1) + ",\"" + pick(r, NAMES) + "\":" + randomValue(r, 1) + "}"
          : message;
    };
  }
}
