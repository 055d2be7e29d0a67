package io.loom.mapping;

import java.util.Map;

/** A {@link SourceRecord} held in memory, for tests, tools and benchmarks. */
public record SimpleSourceRecord(
    String topic, int partition, long offset, long timestamp, byte[] key, byte[] value, Map<String, byte[]> headers)
    implements SourceRecord {

  public SimpleSourceRecord {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  @Override
  public byte[] header(String name) {
    return headers.get(name);
  }
}
