package io.loom.systemtests.corpus;

import static io.loom.systemtests.corpus.CorpusFixtures.PATIENCE;
import static io.loom.systemtests.corpus.CorpusFixtures.consumer;
import static io.loom.systemtests.corpus.CorpusFixtures.header;
import static io.loom.systemtests.corpus.CorpusFixtures.kafka;
import static io.loom.systemtests.corpus.CorpusFixtures.postgres;
import static io.loom.testsupport.Sql.count;
import static io.loom.testsupport.Sql.rows;
import static io.loom.testsupport.Sql.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.loom.consumer.LoomConsumer;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.MappingSource;
import io.loom.mapping.jdbc.Migrator;
import io.loom.systemtests.corpus.BadMessages.Entry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every kind of bad message in {@link BadMessages#corpus()}, mixed into good traffic over three partitions
 * and read by a real {@link LoomConsumer}: each bad message reaches the dead-letter topic unchanged with
 * its kind, path, reason and source position; each good one lands exactly once; no partition stalls.
 */
class BadMessageCorpusTest {
  private static final int PARTITIONS = 3;
  private static final int GOOD_BETWEEN = 4;
  private static final String MAX_MESSAGE_BYTES = "4000000";

  private static HikariDataSource db;

  @BeforeAll
  static void database() {
    db = CorpusFixtures.pool(postgres().createDatabase("corpus_messages"));
    Migrator.migrate(db);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  /** A produced message: what it is and where it went. */
  private record Sent(Entry bad, long seq, int partition, long offset) {}

  @Test
  void badMessages_goToTheDeadLetterTopicWithTheirReason_whileGoodOnesLandExactlyOnce() throws Exception {
    String topic = kafka().createTopic(kafka().uniqueTopic("badmsg"), PARTITIONS,
        Map.of("max.message.bytes", MAX_MESSAGE_BYTES));
    String table = "corpus_events";
    sql(db, BadMessages.tableDdl(table));
    List<Entry> corpus = BadMessages.corpus();
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(30);
    assertThat(corpus.stream().map(Entry::name).distinct()).hasSameSizeAs(corpus);

    List<Sent> sent = produce(topic, corpus);
    long goods = sent.stream().filter(s -> s.bad() == null).count();
    Map<Integer, Long> ends = new TreeMap<>();
    sent.forEach(s -> ends.merge(s.partition(), s.offset() + 1, Math::max));

    ConfigSnapshot config = ConfigSnapshot.ofMappings(List.of(BadMessages.mapping(topic, table)));
    String group = "corpus-messages";
    try (LoomConsumer consumer = consumer(fixed(config), db, group).build()) {
      consumer.start();
      // The status counts a batch's dead letters once the poll loop has taken in the write's outcome,
      // a moment after the offsets are committed: wait for both.
      await().atMost(PATIENCE).untilAsserted(() -> {
        assertThat(storedOffsets(group, topic)).isEqualTo(ends);
        assertThat(consumer.status().deadLettersTotal()).isEqualTo(corpus.size());
      });
    }

    // Every good message exactly once, at the place it was produced.
    List<List<Object>> landed = rows(db, "SELECT seq, kafka_partition, kafka_offset FROM " + table + " ORDER BY seq");
    assertThat(landed).containsExactlyElementsOf(sent.stream().filter(s -> s.bad() == null)
        .map(s -> List.<Object>of(s.seq(), s.partition(), s.offset())).toList());
    assertThat(landed).hasSize((int) goods);
    assertThat(count(db, "SELECT count(*) FROM " + table + " WHERE length(note) > " + BadMessages.MEGABYTE))
        .isEqualTo(1);
    assertThat(rows(db, "SELECT convert_from(blob, 'UTF8'), array_to_string(tags, ','), attrs::text FROM " + table
        + " WHERE seq = 1")).containsExactly(List.of("hello", "a,b", "{\"k\": [1, {\"x\": null}]}"));

    // Every bad message once on the dead-letter topic, with its reason.
    List<ConsumerRecord<byte[], byte[]>> letters = kafka().consume(topic + ".dlq", corpus.size(), PATIENCE);
    assertThat(letters).hasSize(corpus.size());
    Map<String, ConsumerRecord<byte[], byte[]>> bySource = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> letter : letters) {
      bySource.put(header(letter.headers(), "loom.source.partition") + "@"
          + header(letter.headers(), "loom.source.offset"), letter);
    }
    SoftAssertions softly = new SoftAssertions();
    for (Sent s : sent) {
      if (s.bad() == null) {
        continue;
      }
      Entry e = s.bad();
      ConsumerRecord<byte[], byte[]> letter = bySource.get(s.partition() + "@" + s.offset());
      softly.assertThat(letter).as("dead letter of %s", e.name()).isNotNull();
      if (letter == null) {
        continue;
      }
      String kind = header(letter.headers(), "loom.error.kind");
      String reason = header(letter.headers(), "loom.error.reason");
      String path = header(letter.headers(), "loom.error.path");
      String actual = "kind=" + kind + " path=" + path + " reason=" + reason;
      softly.assertThat(kind).as("kind of %s (%s)", e.name(), actual).isEqualTo(e.kind());
      softly.assertThat(path).as("path of %s (%s)", e.name(), actual).isEqualTo(e.path());
      softly.assertThat(reason).as("reason of %s (%s)", e.name(), actual).contains(e.reason());
      softly.assertThat(header(letter.headers(), "loom.source.topic")).as("source topic of %s", e.name())
          .isEqualTo(topic);
      softly.assertThat(letter.value()).as("value of %s", e.name()).isEqualTo(e.value());
      softly.assertThat(header(letter.headers(), "corpus.entry")).as("own header of %s", e.name())
          .isEqualTo(e.name());
    }
    softly.assertAll();
  }

  @Test
  void badMessageLargerThanTheBrokerDefault_reachesADeadLetterTopicCreatedForIt() throws Exception {
    String topic = kafka().createTopic(kafka().uniqueTopic("bigmsg"), 1,
        Map.of("max.message.bytes", MAX_MESSAGE_BYTES));
    String table = "corpus_big_events";
    sql(db, BadMessages.tableDdl(table));
    byte[] big = BadMessages.withData("{\"code\":\"" + "z".repeat(3 * BadMessages.MEGABYTE / 2) + "\"}")
        .getBytes(StandardCharsets.UTF_8);
    Properties props = kafka().producerProperties();
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_MESSAGE_BYTES);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      producer.send(new ProducerRecord<>(topic, 0, null, big)).get(60, TimeUnit.SECONDS);
      producer.send(new ProducerRecord<>(topic, 0, null, BadMessages.good(1).getBytes(StandardCharsets.UTF_8)))
          .get(60, TimeUnit.SECONDS);
    }
    ConfigSnapshot config = ConfigSnapshot.ofMappings(List.of(BadMessages.mapping(topic, table)));
    String group = "corpus-big-messages";
    try (LoomConsumer consumer = consumer(fixed(config), db, group).build()) {
      consumer.start();
      await().atMost(PATIENCE).untilAsserted(() -> assertThat(storedOffsets(group, topic)).isEqualTo(Map.of(0, 2L)));
    }
    assertThat(count(db, "SELECT count(*) FROM " + table)).isEqualTo(1);
    List<ConsumerRecord<byte[], byte[]>> letters = kafka().consume(topic + ".dlq", 1, PATIENCE);
    assertThat(letters).hasSize(1);
    assertThat(letters.get(0).value()).isEqualTo(big);
    assertThat(header(letters.get(0).headers(), "loom.error.reason"))
        .endsWith(table + ": 22001 value too long for type character varying(8)");
  }

  /** Four good messages, then a bad one, round robin over the partitions; one good message of a megabyte. */
  private static List<Sent> produce(String topic, List<Entry> corpus) throws Exception {
    Properties props = kafka().producerProperties();
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_MESSAGE_BYTES);
    List<Object> what = new ArrayList<>();
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    long seq = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < corpus.size(); i++) {
        int partition = i % PARTITIONS;
        for (int g = 0; g < GOOD_BETWEEN; g++) {
          seq++;
          String value = seq == 7 ? BadMessages.goodWithLongNote(seq) : BadMessages.good(seq);
          acks.add(producer.send(new ProducerRecord<>(topic, partition, null, value.getBytes(StandardCharsets.UTF_8))));
          what.add(seq);
        }
        Entry e = corpus.get(i);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition, null, e.value());
        record.headers().add("corpus.entry", e.name().getBytes(StandardCharsets.UTF_8));
        acks.add(producer.send(record));
        what.add(e);
      }
      List<Sent> sent = new ArrayList<>();
      for (int i = 0; i < acks.size(); i++) {
        RecordMetadata m = acks.get(i).get(60, TimeUnit.SECONDS);
        Object w = what.get(i);
        sent.add(w instanceof Entry e ? new Sent(e, -1, m.partition(), m.offset())
            : new Sent(null, (Long) w, m.partition(), m.offset()));
      }
      return sent;
    }
  }

  private static Map<Integer, Long> storedOffsets(String group, String topic) {
    return rows(db, "SELECT kafka_partition, next_offset FROM loom_offsets WHERE consumer_group = '" + group
        + "' AND topic = '" + topic + "'").stream()
        .collect(Collectors.toMap(r -> ((Number) r.get(0)).intValue(), r -> ((Number) r.get(1)).longValue(),
            (a, b) -> b, TreeMap::new));
  }

  private static MappingSource fixed(ConfigSnapshot snapshot) {
    return new MappingSource() {
      @Override
      public ConfigSnapshot load() {
        return snapshot;
      }

      @Override
      public String describe() {
        return "memory:bad-message-corpus";
      }

      @Override
      public void close() {}
    };
  }
}
