package io.loom.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.consumer.admin.RunState;
import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.LoomException;
import io.loom.mapping.TopicMapping;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The builder's checks and the life cycle without a broker or a database. */
class LoomConsumerTest {
  private final PGSimpleDataSource dataSource = new PGSimpleDataSource();
  private final Fixtures.MemorySource source = new Fixtures.MemorySource(Fixtures.snapshot());

  private LoomConsumer.Builder builder() {
    return LoomConsumer.builder().mappingSource(source).dataSource(dataSource).bootstrapServers("127.0.0.1:1");
  }

  @Test
  void build_withoutMappingSource_isRefused() {
    assertThatThrownBy(() -> LoomConsumer.builder().dataSource(dataSource).bootstrapServers("127.0.0.1:1").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no mapping source: call mappingSource(...)");
  }

  @Test
  void build_withoutSink_isRefused() {
    assertThatThrownBy(() -> LoomConsumer.builder().mappingSource(source).bootstrapServers("127.0.0.1:1").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no sink: call sink(...) or dataSource(...)");
  }

  @Test
  void build_withoutBootstrapServers_isRefused() {
    assertThatThrownBy(() -> LoomConsumer.builder().mappingSource(source).dataSource(dataSource).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no Kafka bootstrap servers: set bootstrapServers(...) or the Kafka property bootstrap.servers");
  }

  @Test
  void kafkaProperty_thatLoomSetsItself_isRefused() {
    assertThatThrownBy(() -> builder().kafkaProperty("enable.auto.commit", "true"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Kafka property 'enable.auto.commit' is set by Loom itself (offsets are stored in the database,"
            + " payloads are read as raw bytes); remove it");
  }

  @Test
  void settersName_theSettingAndTheValue() {
    assertThatThrownBy(() -> builder().maxBatchRows(0))
        .hasMessage("maxBatchRows was 0 but it must be at least 1");
    assertThatThrownBy(() -> builder().maxBatchBytes(10))
        .hasMessage("maxBatchBytes was 10 but it must be at least 1024");
    assertThatThrownBy(() -> builder().linger(Duration.ofMillis(-1)))
        .hasMessage("linger was PT-0.001S but it must not be negative");
    assertThatThrownBy(() -> builder().pollTimeout(Duration.ZERO))
        .hasMessage("pollTimeout was PT0S but it must be positive");
    assertThatThrownBy(() -> builder().deadLetterSuffix("/dlq"))
        .hasMessage("deadLetterSuffix was '/dlq' but it must be made of the characters Kafka allows in topic names:"
            + " a-z A-Z 0-9 . _ -");
    assertThatThrownBy(() -> builder().retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessage("retryBackoff max was PT1S but it must be at least the initial PT2S");
    assertThatThrownBy(() -> builder().groupId(" "))
        .hasMessage("groupId was ' ' but it must not be blank");
  }

  @Test
  void start_withAnInvalidConfiguration_failsWithEveryProblem() {
    TopicMapping broken = new TopicMapping("a.b.c", "Bad Table", List.of(), ConflictStrategy.IGNORE,
        List.of(FieldMapping.of("x", "Col", DataType.STRING)));
    source.set(Fixtures.snapshot(broken));

    try (LoomConsumer consumer = builder().build()) {
      assertThatThrownBy(consumer::start)
          .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
              .extracting(ConfigProblem::path)
              .containsExactly("mappings[a.b.c].table_name", "mappings[a.b.c].fields[0].target_column"));
      assertThat(consumer.state()).isEqualTo(RunState.FAILED);
      assertThat(consumer.status().lastError().message()).startsWith("invalid configuration from memory:test (2 problems)");
      assertThatThrownBy(consumer::awaitTermination)
          .isInstanceOf(LoomException.class)
          .hasMessageStartingWith("consumer group generic-kafka-to-db-consumer stopped on an error: invalid configuration");
      assertThatThrownBy(consumer::start).isInstanceOf(IllegalStateException.class)
          .hasMessage("the consumer of group 'generic-kafka-to-db-consumer' was already started");
    }
  }

  @Test
  void stopAndClose_beforeStart_areSafeAndIdempotent() throws Exception {
    LoomConsumer consumer = builder().build();
    consumer.stop();
    consumer.close();
    consumer.close();

    assertThat(consumer.state()).isEqualTo(RunState.STOPPED);
    assertThat(consumer.awaitTermination(Duration.ofSeconds(1))).isTrue();
    assertThatThrownBy(consumer::start).isInstanceOf(IllegalStateException.class)
        .hasMessage("the consumer of group 'generic-kafka-to-db-consumer' is closed");
  }
}
