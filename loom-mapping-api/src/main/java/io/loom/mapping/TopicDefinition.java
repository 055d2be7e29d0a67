package io.loom.mapping;

import java.util.Objects;

/**
 * A {@code kafka_topics} registry row. Read-only for ingestion; served to other services.
 *
 * @param topicName {@code <category>.<source>.<datatype>[.<stage>]}, lower-case letters and digits
 * @param compressionType none, gzip, snappy, lz4, zstd or producer
 */
public record TopicDefinition(
    String topicName,
    String category,
    String source,
    String datatype,
    String stage,
    String description,
    int retentionDays,
    int partitions,
    int replicationFactor,
    String compressionType,
    boolean active) {

  public static final int DEFAULT_RETENTION_DAYS = 7;
  public static final int DEFAULT_PARTITIONS = 3;
  public static final int DEFAULT_REPLICATION_FACTOR = 1;
  public static final String DEFAULT_COMPRESSION = "lz4";

  public TopicDefinition {
    Objects.requireNonNull(topicName, "topicName");
    compressionType = compressionType == null ? DEFAULT_COMPRESSION : compressionType;
  }

  /**
   * A topic with the schema's defaults whose category, source, datatype and stage are taken from the
   * dotted parts of its name.
   */
  public static TopicDefinition of(String topicName, String description) {
    String[] parts = topicName.split("\\.");
    return new TopicDefinition(
        topicName,
        parts.length > 0 ? parts[0] : null,
        parts.length > 1 ? parts[1] : null,
        parts.length > 2 ? parts[2] : null,
        parts.length > 3 ? parts[3] : null,
        description,
        DEFAULT_RETENTION_DAYS,
        DEFAULT_PARTITIONS,
        DEFAULT_REPLICATION_FACTOR,
        DEFAULT_COMPRESSION,
        true);
  }
}
