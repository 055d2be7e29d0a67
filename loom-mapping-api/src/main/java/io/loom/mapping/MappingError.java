package io.loom.mapping;

/**
 * Why a message could not be mapped. Bad input never throws out of a {@link RecordMapper}; it comes
 * back as one of these, and the caller decides what happens next (the dead-letter path).
 *
 * @param kind the class of problem
 * @param topic the message's topic
 * @param partition its partition
 * @param offset its offset
 * @param path the source path at fault, or {@code null} for the whole document; for {@link
 *     Kind#SCHEMA_VIOLATION} the JSON pointer of the first violation ({@code ""} for the whole document)
 * @param value the offending value, truncated to {@value #MAX_VALUE_LENGTH} characters, or {@code null}
 * @param rule what was expected
 */
public record MappingError(Kind kind, String topic, int partition, long offset, String path, String value, String rule) {

  public static final int MAX_VALUE_LENGTH = 120;

  /** Classes of mapping problems. */
  public enum Kind {
    MALFORMED_JSON,
    MISSING_REQUIRED,
    WRONG_TYPE,
    OUT_OF_RANGE,
    INVALID_TEXT,
    INVALID_BASE64,
    INVALID_TIMESTAMP,
    SCHEMA_VIOLATION,
    NO_MAPPING
  }

  public MappingError {
    value = truncate(value);
  }

  /** Cuts a value down to {@value #MAX_VALUE_LENGTH} characters, marking the cut with an ellipsis. */
  public static String truncate(String value) {
    if (value == null || value.length() <= MAX_VALUE_LENGTH) {
      return value;
    }
    return value.substring(0, MAX_VALUE_LENGTH) + "...";
  }

  /** {@code topic[partition]@offset path 'value': rule}. */
  public String message() {
    StringBuilder sb = new StringBuilder();
    sb.append(topic).append('[').append(partition).append("]@").append(offset).append(' ');
    sb.append(kind.name().toLowerCase(java.util.Locale.ROOT));
    if (path != null && !path.isEmpty()) {
      sb.append(" at ").append(path);
    }
    if (value != null) {
      sb.append(" value '").append(value).append('\'');
    }
    sb.append(": ").append(rule);
    return sb.toString();
  }

  @Override
  public String toString() {
    return message();
  }
}
