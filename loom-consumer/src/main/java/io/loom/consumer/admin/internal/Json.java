package io.loom.consumer.admin.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Duration;
import java.time.Instant;

/**
 * The admin API's JSON: snake_case names (the names of the configuration tables' columns), enums by
 * their lower-case {@code toString()}, instants as ISO-8601 text, indented for people reading curl.
 */
public final class Json {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
      .addModule(new SimpleModule("loom-admin")
          .addSerializer(Instant.class, ToStringSerializer.instance)
          .addSerializer(Duration.class, ToStringSerializer.instance))
      .build();

  private Json() {}

  /** The mapper, for tests that read answers back. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** The JSON bytes of a value, with a trailing newline. */
  public static byte[] write(Object value) {
    try {
      byte[] body = MAPPER.writeValueAsBytes(value);
      byte[] withNewline = java.util.Arrays.copyOf(body, body.length + 1);
      withNewline[body.length] = '\n';
      return withNewline;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON: "
          + e.getOriginalMessage(), e);
    }
  }
}
