package io.loom.mapping.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A canonical text form of JSON documents: object keys sorted, duplicate keys resolved last-wins (as
 * {@code jsonb} does), numbers in plain notation, no insignificant white space. Used for
 * configuration values (schemas, stage configurations), never on the per-message path.
 */
public final class CanonicalJson {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private CanonicalJson() {}

  /** The canonical form of {@code json}; throws {@link IllegalArgumentException} if it is not JSON. */
  public static String canonical(String json) {
    return write(parse(json));
  }

  /** The canonical form of {@code json}, or {@code json} itself if it is not valid JSON. */
  public static String canonicalOrSame(String json) {
    try {
      return canonical(json);
    } catch (IllegalArgumentException e) {
      return json;
    }
  }

  /**
   * Parses JSON into plain Java values: {@code Map<String,Object>} (sorted), {@code List<Object>},
   * {@code String}, {@code BigDecimal}, {@code Boolean} or {@code null}.
   *
   * @throws IllegalArgumentException naming the problem and its position if the text is not one JSON value
   */
  public static Object parse(String json) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new IllegalArgumentException("empty document, expected a JSON value");
      }
      Object value = read(parser, first);
      if (parser.nextToken() != null) {
        throw new IllegalArgumentException(
            "unexpected content after the JSON value at column " + parser.currentLocation().getColumnNr());
      }
      return value;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(firstLine(e.getOriginalMessage()) + " at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(firstLine(String.valueOf(e.getMessage())), e);
    }
  }

  private static String firstLine(String message) {
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private static Object read(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT: {
        Map<String, Object> map = new TreeMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          map.put(name, read(parser, parser.nextToken()));
        }
        return map;
      }
      case START_ARRAY: {
        List<Object> list = new ArrayList<>();
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
          list.add(read(parser, t));
        }
        return list;
      }
      case VALUE_STRING:
        return parser.getText();
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return new BigDecimal(parser.getText());
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new IllegalArgumentException("unexpected token " + token);
    }
  }

  /** Writes plain Java values (as produced by {@link #parse}) as canonical JSON text. */
  public static String write(Object value) {
    StringWriter out = new StringWriter();
    try (JsonGenerator gen = FACTORY.createGenerator(out)) {
      write(gen, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void write(JsonGenerator gen, Object value) throws IOException {
    if (value == null) {
      gen.writeNull();
    } else if (value instanceof Map<?, ?> map) {
      gen.writeStartObject();
      for (Map.Entry<?, ?> e : new TreeMap<>(map).entrySet()) {
        gen.writeFieldName(String.valueOf(e.getKey()));
        write(gen, e.getValue());
      }
      gen.writeEndObject();
    } else if (value instanceof List<?> list) {
      gen.writeStartArray();
      for (Object item : list) {
        write(gen, item);
      }
      gen.writeEndArray();
    } else if (value instanceof BigDecimal number) {
      gen.writeNumber(number.toPlainString());
    } else if (value instanceof Number number) {
      gen.writeNumber(new BigDecimal(number.toString()).toPlainString());
    } else if (value instanceof Boolean bool) {
      gen.writeBoolean(bool);
    } else {
      gen.writeString(value.toString());
    }
  }
}
