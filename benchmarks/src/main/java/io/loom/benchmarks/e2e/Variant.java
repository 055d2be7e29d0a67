package io.loom.benchmarks.e2e;

/** What one measured run does. */
public enum Variant {
  /** Binary COPY of the rows from memory, 2 connections in parallel, into the primary-key table: no Kafka. */
  CEILING_KEYED("DB-only ceiling: binary COPY from memory, 2 connections, primary-key table", true),
  /** Binary COPY of the rows from memory, 2 connections in parallel, into the table without index. */
  CEILING_APPEND("DB-only ceiling: binary COPY from memory, 2 connections, no index", false),
  /** Loom, strategy {@code ignore}, into the primary-key table. */
  LOOM_IGNORE("Loom `ignore`, primary-key table", true),
  /** Loom into the table without index (empty upsert key: append). */
  LOOM_APPEND("Loom append, no index", false),
  /** Loom, strategy {@code update}, into the primary-key table. */
  LOOM_UPDATE("Loom `update`, primary-key table", true),
  /**
   * A hand-written consumer: plain KafkaConsumer, Jackson {@code readTree}, pgjdbc batched {@code INSERT ...
   * ON CONFLICT DO NOTHING} with {@code reWriteBatchedInserts=true} into the primary-key table, a database
   * commit then a Kafka offset commit after every poll.
   */
  HAND_WRITTEN("Hand-written: KafkaConsumer + pgjdbc batched INSERT (reWriteBatchedInserts), primary-key table", true);

  private final String title;
  private final boolean keyed;

  Variant(String title, boolean keyed) {
    this.title = title;
    this.keyed = keyed;
  }

  /** A one-line description for the results table. */
  public String title() {
    return title;
  }

  /** Whether the target table has the primary key {@code (device_id, "timestamp")}. */
  public boolean keyed() {
    return keyed;
  }
}
